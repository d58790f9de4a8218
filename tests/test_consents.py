"""The consent ledger, the member's consent page and who may be contacted."""

import pytest
from peewee import DatabaseError
from support import PASSWORD, link_in, path_of

from portal import clock
from portal.accounts.models import Account
from portal.consents import service as ledger
from portal.consents.audience import reachable_for
from portal.consents.models import AppendOnly, Consent, ConsentEvent, Suppression
from portal.db import database
from portal.people.models import Person


@pytest.fixture
def signed_in(web, member):
    account = member()
    web.login()
    return account


def grant(app, person, purpose):
    with app.test_request_context():
        ledger.grant(person, purpose, "page", "test", ledger.consent_wording(purpose, "fi"))


def state(app, email, purpose):
    with app.app_context():
        row = Consent.select().join(Person).where(Person.email == email, Consent.purpose == purpose).first()
        return row.state if row else None


def test_ledger_events_cannot_be_changed_or_deleted(app, member):
    account = member()
    grant(app, account.person, "newsletter")
    with app.app_context():
        event = ConsentEvent.get()
        event.action = "withdrawn"
        with pytest.raises(AppendOnly):
            event.save()
        with pytest.raises(AppendOnly):
            event.delete_instance()
        for sql in ("UPDATE consent_event SET action = 'withdrawn'", "DELETE FROM consent_event"):
            with pytest.raises(DatabaseError):
                with database.atomic():
                    database.execute_sql(sql)
        assert ConsentEvent.get().action == "granted"
        # Erasing the person is the one way their events go (ON DELETE CASCADE).
        Person.delete().where(Person.id == account.person_id).execute()
        assert ConsentEvent.select().count() == 0


def test_member_toggles_a_consent_in_place_with_htmx(web, app, signed_in):
    page = web.get("/account/consents").get_data(as_text=True)
    assert 'id="purpose-newsletter"' in page and "checked" not in page
    response = web.post("/account/consents/newsletter", {"action": "grant"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="purpose-newsletter"')
    assert 'value="withdraw"' in body and 'id="consent-history" class="card" hx-swap-oob="true"' in body
    assert state(app, "maija@example.fi", "newsletter") == "granted"
    response = web.post("/account/consents/newsletter", {"action": "withdraw"}, htmx=True)
    assert 'value="grant"' in response.get_data(as_text=True)
    assert state(app, "maija@example.fi", "newsletter") == "withdrawn"


def test_member_toggles_a_consent_without_javascript(web, app, signed_in):
    response = web.post("/account/consents/marketing", {"action": "grant"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/consents#purpose-marketing")
    page = web.get("/account/consents").get_data(as_text=True)
    assert "Suostumus annettu: Markkinointiviestit" in page
    assert "Omat suostumukset -sivu" in page and "selosteen versio 2025-12-21" in page


def test_history_is_newest_first_with_the_wording_shown(web, app, signed_in):
    web.post("/account/consents/newsletter", {"action": "grant"})
    web.post("/account/consents/newsletter", {"action": "withdraw"})
    page = web.get("/account/consents").get_data(as_text=True)
    history = page[page.index('id="consent-history"'):]
    assert history.index("Suostumus peruttu") < history.index("Suostumus annettu")
    assert "Haluan BloomLeadin uutiskirjeen" in history  # the consent text itself
    assert "Uutiskirjeen lähettäminen sinulle loppuu" in history  # what the withdraw control said


def test_interest_purposes_offer_object_and_contract_purposes_no_control(web, app, signed_in):
    page = web.get("/account/consents").get_data(as_text=True)
    contract = page[page.index('id="purpose-customer"'):]
    contract = contract[:contract.index("</section>")]
    assert "<form" not in contract and "poista tilisi" in contract
    community = page[page.index('id="purpose-community"'):]
    assert 'value="object"' in community[:community.index("</section>")]
    web.post("/account/consents/community", {"action": "object"})
    assert state(app, "maija@example.fi", "community") == "objected"
    web.post("/account/consents/community", {"action": "lift"})
    assert state(app, "maija@example.fi", "community") == "withdrawn"
    assert web.post("/account/consents/customer", {"action": "object"}).status_code == 400
    assert web.post("/account/consents/newsletter", {"action": "object"}).status_code == 400


def test_stop_all_marketing_in_one_action(web, app, signed_in):
    web.post("/account/consents/newsletter", {"action": "grant"})
    web.post("/account/consents/tracking", {"action": "grant"})
    assert web.post("/account/consents/stop-marketing").status_code == 303
    with app.app_context():
        states = {c.purpose: c.state for c in Consent.select()}
        assert Suppression.select().count() == 1
    assert states == {"newsletter": "objected", "marketing": "objected", "free_materials": "objected",
                      "tracking": "withdrawn"}


def test_suppressed_member_turns_marketing_back_on_only_by_confirming(web, app, signed_in, mailbox):
    web.post("/account/consents/stop-marketing")
    web.post("/account/consents/newsletter", {"action": "grant"})
    assert state(app, "maija@example.fi", "newsletter") == "objected"
    web.post(path_of(link_in(mailbox.last_to("maija@example.fi"))))
    assert state(app, "maija@example.fi", "newsletter") == "granted"
    with app.app_context():
        assert Suppression.select().count() == 0


def test_signup_boxes_are_unticked_and_take_effect_at_verification(web, app, mailbox):
    page = web.get("/signup").get_data(as_text=True)
    assert page.count('type="checkbox"') == 5 and "checked" not in page  # 4 consents + age
    web.post("/signup", {"name": "Maija", "email": "maija@example.fi", "username": "maija",
                         "password": PASSWORD, "adult": "y", "consent_newsletter": "y"})
    assert state(app, "maija@example.fi", "newsletter") is None
    web.post(path_of(link_in(mailbox.last_to("maija@example.fi"))))
    with app.app_context():
        event = ConsentEvent.get()
    assert (event.purpose, event.source_kind, event.action) == ("newsletter", "signup", "granted")
    assert event.confirmed_at is not None and event.wording_id


def test_consent_page_needs_a_member(web, app):
    assert web.get("/account/consents").status_code in (302, 303)
    assert web.post("/account/consents/newsletter", {"action": "grant"}).status_code in (302, 303)


def reachable(app, purpose):
    with app.test_request_context():
        return {p.email for p in reachable_for(purpose)}


def test_reachable_for_excludes_every_blocked_state(app, member):
    people = {name: member(email=f"{name}@example.fi").person
              for name in ("ok", "withdrawn", "objected", "restricted", "suppressed", "unverified", "suspended")}
    for person in people.values():
        grant(app, person, "newsletter")
    with app.test_request_context():
        ledger.withdraw(people["withdrawn"], "newsletter", "page", "test")
        ledger.object_to(people["objected"], "newsletter", "page", "test")
        Person.update(restricted_at=clock.now()).where(Person.id == people["restricted"].id).execute()
        Suppression.create(address_hash=people["suppressed"].email_hash, reason="test")
        Account.update(email_verified_at=None).where(Account.person == people["unverified"]).execute()
        Account.update(state="suspended").where(Account.person == people["suspended"]).execute()
    assert reachable(app, "newsletter") == {"ok@example.fi"}
    assert reachable(app, "marketing") == set()  # nobody consented to it


def test_reachable_for_interest_purposes_needs_an_account_and_no_objection(app, member):
    member(email="jasen@example.fi")
    objector = member(email="vastustaja@example.fi").person
    with app.test_request_context():
        Person.create(email="tilaaja@example.fi", source="test", status="subscriber")
        ledger.object_to(objector, "community", "page", "test")
    assert reachable(app, "community") == {"jasen@example.fi"}
