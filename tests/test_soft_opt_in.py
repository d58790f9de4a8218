"""Soft opt-in (917/2014 §200(2)): customers may get offers of similar products until they refuse."""
import pytest
from support import BASE_URL, path_of, text_of

from portal.consents import service as ledger
from portal.consents.audience import reachable_for
from portal.consents.models import Consent, ConsentEvent
from portal.newsletter.service import send_marketing
from portal.orders import service as orders
from portal.register import RegisterError, load_register

BILLING = {"name": "Maija Meikäläinen", "street": "Hämeenkatu 1", "postal_code": "33100", "city": "Tampere"}


def purchase(app, person, refused=False):
    with app.test_request_context():
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
        return orders.place_order(person, [(product, 1)], BILLING, refused, "fi")


def reachable(app, purpose, similar_products=False):
    with app.test_request_context():
        return {p.email for p in reachable_for(purpose, similar_products=similar_products)}


def test_a_customer_is_reached_only_by_offers_of_similar_products(app, member):
    person = member().person
    purchase(app, person)
    with app.app_context():
        event = ConsentEvent.get()
        state = Consent.get()
    assert (event.purpose, event.action, event.basis, event.source_kind) == \
        ("marketing", "granted", "soft_opt_in", "purchase")
    assert event.wording_id and state.state == "customer"
    assert reachable(app, "marketing") == set()  # ordinary marketing needs consent
    assert reachable(app, "marketing", similar_products=True) == {"maija@example.fi"}
    assert reachable(app, "newsletter", similar_products=True) == set()  # not a soft-opt-in purpose


def test_refusing_at_purchase_is_recorded_and_respected(app, member):
    person = member().person
    purchase(app, person, refused=True)
    with app.app_context():
        event = ConsentEvent.get()
    assert (event.action, event.basis) == ("withdrawn", "soft_opt_in")
    assert reachable(app, "marketing", similar_products=True) == set()
    purchase(app, person)  # a later purchase does not undo the refusal
    with app.app_context():
        assert ConsentEvent.select().count() == 1
    assert reachable(app, "marketing", similar_products=True) == set()


def test_a_consent_stays_a_consent_and_an_objection_stays(app, member):
    consenting, objecting = member().person, member(email="kieltaja@example.fi").person
    with app.test_request_context():
        ledger.grant(consenting, "marketing", "page", "test", ledger.consent_wording("marketing", "fi"))
        ledger.stop_all_marketing(objecting, "page", "test")
    for person in (consenting, objecting):
        purchase(app, person)
    with app.app_context():
        assert {c.state for c in Consent.select().where(Consent.purpose == "marketing")} == {"granted", "objected"}
        assert not ConsentEvent.select().where(ConsentEvent.basis == "soft_opt_in").exists()
    assert reachable(app, "marketing", similar_products=True) == {"maija@example.fi"}


def test_every_offer_carries_the_refusal_and_one_click_honours_it(app, member, web, mailbox):
    person = member().person
    purchase(app, person)
    with app.test_request_context():
        assert send_marketing(person, "marketing", "newsletter_welcome", "Uusi webinaari", form_title="x") is None
        row = send_marketing(person, "marketing", "newsletter_welcome", "Uusi webinaari", similar_products=True,
                             form_title="x")
        assert row is not None
    message = mailbox.last_to("maija@example.fi")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    response = web.client.post(path_of(unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        event = ConsentEvent.select().order_by(ConsentEvent.id.desc()).get()
        assert (event.action, event.basis, event.source_kind) == ("withdrawn", "soft_opt_in", "link")
    assert reachable(app, "marketing", similar_products=True) == set()
    assert BASE_URL in text_of(message)


def test_the_consent_page_offers_refusal_and_consent_to_a_customer(app, member, web):
    person = member().person
    purchase(app, person)
    web.login()
    page = web.get("/account/consents").get_data(as_text=True)
    section = page[page.index('id="purpose-marketing"'):]
    section = section[:section.index("</section>")]
    assert 'value="withdraw"' in section and 'value="grant"' in section
    history = page[page.index('id="consent-history"'):]
    assert "soft_opt_in" not in history  # described in words, not the basis key
    web.post("/account/consents/marketing", {"action": "grant"})
    with app.app_context():
        assert Consent.get(Consent.purpose == "marketing").state == "granted"
    assert reachable(app, "marketing") == {"maija@example.fi"}


def test_the_refusal_box_is_offered_only_while_a_soft_opt_in_could_start(app, member, web):
    person = member().person
    with app.test_request_context():
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
    web.login()
    assert 'name="refuse_marketing"' in web.get(f"/shop/{product.id}/buy").get_data(as_text=True)
    purchase(app, person)
    assert 'name="refuse_marketing"' not in web.get(f"/shop/{product.id}/buy").get_data(as_text=True)


def test_the_privacy_notice_tells_customers_about_it(web):
    page = web.get("/privacy").get_data(as_text=True)
    assert "917/2014" in page


@pytest.mark.parametrize("purpose, extra", [
    ('key = "tracking"', 'soft_opt_in = true\nsoft_opt_in_text = { fi = "Ei", en = "No" }'),  # not marketing
    ('key = "marketing"', 'soft_opt_in = true'),  # no refusal text
])
def test_the_definition_allows_soft_opt_in_only_for_direct_marketing_with_its_text(tmp_path, purpose, extra):
    text = open("registers/bloomlead.toml", encoding="utf-8").read()
    text = text.replace("soft_opt_in = true\n", "").replace(
        next(line for line in text.splitlines() if line.startswith("soft_opt_in_text")) + "\n", "")
    text = text.replace(purpose, purpose + "\n" + extra, 1)
    path = tmp_path / "register.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError) as error:
        load_register(path)
    assert "soft_opt_in" in error.value.message
