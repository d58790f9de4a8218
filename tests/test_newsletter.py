"""Newsletter sign-up: forms, double opt-in, welcome and material, preferences, one-click unsubscribe."""
import datetime as dt
import hashlib
import re

import pytest
from support import BASE_URL, PASSWORD, Web, path_of, text_of

from portal import clock
from portal.consents.models import Consent, ConsentEvent, Suppression
from portal.newsletter.models import PendingSignup
from portal.people.models import Person
from portal.relationship.models import Interaction

GUIDE = b"%PDF-1.4 BloomLead starter guide"


@pytest.fixture
def guide(app):
    """Put the free-material form's file where the portal serves it from."""
    folder = app.config["MATERIALS_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bloomlead-aloitusopas.pdf").write_bytes(GUIDE)


def links_in(message):
    return re.findall(re.escape(BASE_URL) + r"/[^\s<>\"]+", text_of(message))


def link_to(message, prefix):
    found = [path_of(link) for link in links_in(message) if path_of(link).startswith(prefix)]
    assert found, f"no {prefix} link in {links_in(message)}"
    return found[0]


def without_csrf_token(body):
    return re.sub(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_.-]{10,}", "CSRF", body)


def subscribe(web, form="newsletter", email="tilaaja@example.fi", **fields):
    return web.post(f"/subscribe/{form}", {"email": email, **fields}, csrf=False)


def confirm(web, mailbox, email="tilaaja@example.fi"):
    link = link_to(mailbox.last_to(email), "/subscribe/confirm/")
    return web.post(link)


def events(app, email="tilaaja@example.fi"):
    with app.app_context():
        return list(ConsentEvent.select().join(Person).where(Person.email == email).order_by(ConsentEvent.id))


def test_nothing_is_granted_until_the_emailed_link_is_confirmed(web, app, mailbox):
    page = web.get("/subscribe/newsletter").get_data(as_text=True)
    assert "checked" not in page  # no box is pre-ticked
    response = subscribe(web, name="Tiina")
    assert response.status_code == 200 and "vahvistuslinkki" in response.get_data(as_text=True)
    with app.app_context():
        assert Person.select().count() == 0 and ConsentEvent.select().count() == 0

    message = mailbox.last_to("tilaaja@example.fi")
    assert "List-Unsubscribe" not in message  # a transactional confirmation, not marketing
    link = link_to(message, "/subscribe/confirm/")
    shown = web.get(link)
    assert shown.status_code == 200 and "<form" in shown.get_data(as_text=True)  # a GET changes nothing
    assert shown.headers["Referrer-Policy"] == "same-origin"
    with app.app_context():
        assert Person.select().count() == 0

    assert web.post(link).status_code == 303
    event, = events(app)
    assert event.purpose == "newsletter" and event.action == "granted"
    assert event.confirmed_at is not None and event.source_kind == "form" and event.source == "newsletter"
    assert event.notice_version == "2025-12-21" and event.network == "127.0.0.0/24"
    with app.app_context():
        person = Person.get(Person.email == "tilaaja@example.fi")
        assert person.status == "subscriber" and person.name == "Tiina"
        assert PendingSignup.select().count() == 0  # the request itself is gone once confirmed
    assert web.post(link).status_code == 404  # single use


def test_the_wording_hash_is_of_the_exact_text_on_the_form(web, app, mailbox):
    page = web.get("/subscribe/newsletter").get_data(as_text=True)
    shown = re.search(r'<p class="notice">([^<]+)<a', page).group(1).strip()
    subscribe(web, purpose_tracking="y")
    confirm(web, mailbox)
    newsletter, tracking = sorted(events(app), key=lambda e: e.purpose)
    assert newsletter.wording_id == hashlib.sha256(shown.encode()).hexdigest()
    with app.app_context():
        assert ConsentEvent.get_by_id(tracking.id).wording.text.startswith("Saatte seurata")


def test_welcome_message_is_marketing_mail_with_one_click_headers(web, app, mailbox):
    subscribe(web)
    confirm(web, mailbox)
    welcome = mailbox.last_to("tilaaja@example.fi")
    unsubscribe = welcome["List-Unsubscribe"]
    assert re.fullmatch(re.escape(f"<{BASE_URL}/unsubscribe/") + r"[^>]+>", unsubscribe)
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_to(welcome, "/preferences/")


def test_free_material_form_sends_a_seven_day_link_and_records_it(web, app, mailbox, guide):
    subscribe(web, form="opas", email="lukija@example.fi")
    confirm(web, mailbox, "lukija@example.fi")
    link = link_to(mailbox.last_to("lukija@example.fi"), "/materials/")
    download = web.get(link)
    assert download.status_code == 200 and download.data == GUIDE
    assert "attachment" in download.headers["Content-Disposition"]
    with app.app_context():
        interaction, = Interaction.select()
        assert interaction.kind == "free_material_sent" and interaction.person.email == "lukija@example.fi"
    clock.travel(dt.timedelta(days=7, minutes=1))
    assert web.get(link).status_code == 404


def test_the_answer_is_the_same_for_known_and_new_addresses(web, app, member, mailbox):
    member(email="jasen@example.fi")
    known = subscribe(web, email="jasen@example.fi").get_data(as_text=True)
    new = subscribe(web, email="uusi@example.fi").get_data(as_text=True)
    # The page's CSRF token is time-stamped, so two answers a second apart differ only there.
    assert without_csrf_token(known) == without_csrf_token(new)
    assert mailbox.last_to("jasen@example.fi") and mailbox.last_to("uusi@example.fi")


def test_confirming_attaches_to_the_existing_person(web, app, member, mailbox):
    member(email="jasen@example.fi", name="Jaana Jäsen")
    subscribe(web, email="jasen@example.fi", name="Joku Muu")
    confirm(web, mailbox, "jasen@example.fi")
    with app.app_context():
        person, = Person.select().where(Person.email == "jasen@example.fi")
        assert person.name == "Jaana Jäsen" and person.status == "member"
        assert Consent.get(Consent.person == person).state == "granted"


def test_honeypot_answers_as_usual_and_does_nothing(web, app, mailbox):
    response = subscribe(web, website="http://spam.example")
    assert response.status_code == 200 and "vahvistuslinkki" in response.get_data(as_text=True)
    with app.app_context():
        assert PendingSignup.select().count() == 0
    assert mailbox.to("tilaaja@example.fi") == []


def test_bad_input_gets_a_clear_error_in_place(web):
    response = web.post("/subscribe/newsletter", {"email": "ei-osoite"}, csrf=False, htmx=True)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.startswith('<div id="subscribe">') and 'aria-invalid="true"' in body
    assert web.get("/subscribe/no-such-form").status_code == 404


def test_limits_per_address_and_per_ip(web, make_app):
    for _ in range(3):
        assert subscribe(web, email="kohde@example.fi").status_code == 200
    assert subscribe(web, email="kohde@example.fi").status_code == 429  # nobody floods one inbox
    assert subscribe(web, email="toinen@example.fi").status_code == 200
    strict = Web(make_app(SUBSCRIBE_LIMIT_PER_IP="2 per minute"))
    assert [subscribe(strict, email=f"a{n}@example.fi").status_code for n in range(3)] == [200, 200, 429]


def test_posts_from_origins_not_on_the_allow_list_are_refused(web, make_app):
    assert web.post("/subscribe/newsletter", {"email": "a@example.fi"}, csrf=False,
                    headers={"Origin": "https://evil.example"}).status_code == 403
    assert web.post("/subscribe/newsletter", {"email": "a@example.fi"}, csrf=False,
                    headers={"Origin": BASE_URL}).status_code == 200
    puntit = Web(make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"}))
    assert puntit.post("/subscribe/uutiskirje", {"email": "a@example.fi"}, csrf=False,
                       headers={"Origin": "https://www.liikkuvatpuntit.fi"}).status_code == 200


def test_the_only_csrf_exemptions_are_subscribe_one_click_unsubscribe_and_the_payment_webhook(app):
    """CSRF-04: besides the two newsletter routes, only the payment provider's webhook is exempt.

    The provider is a server, not a browser: it has no session or CSRF token,
    and sends no cookies, so there is no session for a forged request to ride
    on. Each call is authenticated instead by an HMAC-SHA-256 signature of its
    body with a shared secret, checked in constant time (tests/test_orders.py).
    """
    from portal.web import csrf
    assert csrf._exempt_views == {"portal.newsletter.views.subscribe", "portal.newsletter.views.unsubscribe",
                                  "portal.orders.views.payment_webhook"}


def test_embedded_form_may_be_framed_only_by_allowed_origins(make_app):
    client = make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"}).test_client()
    response = client.get("/embed/uutiskirje?lang=en")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.liikkuvatpuntit.fi https://liikkuvatpuntit.fi;" in csp
    assert "X-Frame-Options" not in response.headers and "Set-Cookie" not in response.headers
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert client.get("/subscribe/uutiskirje").headers["X-Frame-Options"] == "DENY"


def subscribed(web, mailbox, app, email="tilaaja@example.fi", **fields):
    subscribe(web, email=email, **fields)
    confirm(web, mailbox, email)
    return mailbox.last_to(email)


def test_one_click_post_without_cookies_unsubscribes_at_once(web, app, mailbox, make_app):
    welcome = subscribed(web, mailbox, app)
    target = path_of(welcome["List-Unsubscribe"].strip("<>"))
    mail_client = app.test_client(use_cookies=False)
    assert mail_client.get(target).status_code == 200  # a GET only asks
    with app.app_context():
        assert Consent.get().state == "granted"
    response = mail_client.post(target, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Location" not in response.headers
    assert "Set-Cookie" not in response.headers
    last = events(app)[-1]
    assert (last.action, last.source_kind, last.source) == ("withdrawn", "link", "one-click")
    with app.app_context():
        assert Suppression.select().count() == 1  # no marketing consent is left

    # The address cannot be brought back by a form without a new confirmation.
    subscribe(web)
    with app.app_context():
        assert Consent.get().state == "withdrawn" and Suppression.select().count() == 1
    confirm(web, mailbox)
    with app.app_context():
        assert Consent.get().state == "granted" and Suppression.select().count() == 0


def test_unsubscribe_page_button_and_bad_tokens(web, app, mailbox):
    welcome = subscribed(web, mailbox, app)
    target = path_of(welcome["List-Unsubscribe"].strip("<>"))
    page = web.post(target)  # the button on the page: no CSRF token, like the one-click POST
    assert page.status_code == 200 and "Tilaus on peruttu" in page.get_data(as_text=True)
    assert web.get("/unsubscribe/forged-token-" + "x" * 30).status_code == 404
    assert app.test_client().post("/unsubscribe/forged", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_preferences_from_the_email_change_one_consent_without_login(web, app, mailbox):
    welcome = subscribed(web, mailbox, app, purpose_marketing="y")
    link = link_to(welcome, "/preferences/")
    page = web.get(link)
    assert page.status_code == 200 and "t•••@example.fi" in page.get_data(as_text=True)
    assert "tilaaja@example.fi" not in page.get_data(as_text=True)
    fragment = web.post(f"{link}/marketing", {"action": "withdraw"}, htmx=True)
    assert fragment.status_code == 200 and 'id="purpose-marketing"' in fragment.get_data(as_text=True)
    with app.app_context():
        states = {c.purpose: c.state for c in Consent.select()}
    assert states == {"newsletter": "granted", "marketing": "withdrawn"}
    assert web.get("/account").status_code == 302 or web.get("/account").status_code == 303  # not logged in
    assert web.get("/preferences/not-a-real-token").status_code == 404


def test_a_grant_on_the_preferences_page_waits_for_the_emailed_confirmation(web, app, mailbox):
    link = link_to(subscribed(web, mailbox, app), "/preferences/")
    response = web.post(f"{link}/marketing", {"action": "grant"}, htmx=True)
    assert response.status_code == 200 and "vahvistuslinkin" in response.get_data(as_text=True)
    with app.app_context():  # a leaked or forwarded link cannot give consent by itself
        assert {c.purpose: c.state for c in Consent.select()} == {"newsletter": "granted"}
    assert "Markkinointiviestit" in text_of(mailbox.last_to("tilaaja@example.fi"))
    sent = len(mailbox.to("tilaaja@example.fi"))
    web.post(f"{link}/marketing", {"action": "grant"})  # pressed again: no second mail at once
    assert len(mailbox.to("tilaaja@example.fi")) == sent
    assert confirm(web, mailbox).status_code == 303
    granted = events(app)[-1]
    assert (granted.purpose, granted.action, granted.source_kind, granted.source) == \
        ("marketing", "granted", "link", "preferences")
    assert granted.confirmed_at is not None
    assert web.post(f"{link}/marketing", {"action": "withdraw"}).status_code == 303  # withdrawing: at once
    with app.app_context():
        assert Consent.get(Consent.purpose == "marketing").state == "withdrawn"


def test_preferences_links_expire_after_30_days_and_offer_a_fresh_one(web, app, mailbox):
    link = link_to(subscribed(web, mailbox, app), "/preferences/")
    clock.travel(dt.timedelta(days=29))
    assert web.get(link).status_code == 200
    clock.travel(dt.timedelta(days=1, minutes=1))
    gone = web.get(link)
    page = gone.get_data(as_text=True)
    assert gone.status_code == 404 and "vanhentunut" in page and 'action="/preferences"' in page
    assert web.post(f"{link}/newsletter", {"action": "withdraw"}).status_code == 404
    with app.app_context():
        assert Consent.get().state == "granted"  # an expired link changes nothing
    assert web.post("/preferences", {"email": "tilaaja@example.fi"}).status_code == 303  # the page's form
    fresh = link_to(mailbox.last_to("tilaaja@example.fi"), "/preferences/")
    assert fresh != link and web.get(fresh).status_code == 200
    assert "30 päivää" in text_of(mailbox.last_to("tilaaja@example.fi"))


def test_unsubscribe_pages_open_for_a_year_and_one_click_is_honoured_however_old(web, app, mailbox):
    welcome = subscribed(web, mailbox, app)
    target = path_of(welcome["List-Unsubscribe"].strip("<>"))
    assert target == link_to(welcome, "/unsubscribe/")  # the footer's link is the same one
    mail_client = app.test_client(use_cookies=False)
    clock.travel(dt.timedelta(days=364))
    assert mail_client.get(target).status_code == 200
    clock.travel(dt.timedelta(days=2))
    page = mail_client.get(target)  # the page no longer opens: it offers a fresh preferences link
    assert page.status_code == 404 and 'action="/preferences"' in page.get_data(as_text=True)
    with app.app_context():
        assert Consent.get().state == "granted"
    # The mail program's one-click button on a message over a year old still unsubscribes (Art. 7(3)).
    answer = mail_client.post(target, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and answer.headers.get("Set-Cookie") is None
    with app.app_context():
        assert Consent.get().state == "withdrawn"
    forged = target[:-4] + ("AAAA" if not target.endswith("AAAA") else "BBBB")
    assert mail_client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_unsubscribe_links_mailed_before_they_had_a_timestamp_still_work_for_now(web, app, mailbox):
    from itsdangerous import URLSafeSerializer

    from portal.newsletter.links import UNTIMED_UNSUBSCRIBE_UNTIL
    subscribed(web, mailbox, app)
    with app.app_context():
        person = Person.get()
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="unsubscribe")
    untimed = old.dumps([person.email_hash, "newsletter"])
    old_preferences = URLSafeSerializer(app.config["SECRET_KEY"], salt="preferences").dumps(person.email_hash)
    assert web.get(f"/preferences/{old_preferences}").status_code == 404  # these never expired: gone now
    mail_client = app.test_client(use_cookies=False)
    clock.travel(UNTIMED_UNSUBSCRIBE_UNTIL - clock.now() + dt.timedelta(minutes=1))
    assert mail_client.get(f"/unsubscribe/{untimed}").status_code == 404  # after the grace year
    clock.reset()
    assert mail_client.post(f"/unsubscribe/{untimed}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert Consent.get().state == "withdrawn"


def test_unsubscribe_from_everything_objects_to_all_marketing(web, app, mailbox):
    link = link_to(subscribed(web, mailbox, app, purpose_tracking="y"), "/preferences/")
    assert web.post(f"{link}/stop").status_code == 303
    with app.app_context():
        states = {c.purpose: c.state for c in Consent.select()}
        assert Suppression.select().count() == 1
    assert states == {"newsletter": "objected", "marketing": "objected", "free_materials": "objected",
                      "tracking": "withdrawn"}
    # Turning one back on from the same page waits for a new confirmation.
    response = web.post(f"{link}/newsletter", {"action": "grant"})
    assert response.status_code == 303
    with app.app_context():
        assert Consent.get(Consent.purpose == "newsletter").state == "objected"
    confirm(web, mailbox)
    with app.app_context():
        assert Consent.get(Consent.purpose == "newsletter").state == "granted"


def test_preferences_link_by_email_same_answer_for_unknown(web, app, mailbox):
    subscribed(web, mailbox, app)
    before = len(mailbox.to("tilaaja@example.fi"))
    known = web.post("/preferences", {"email": "tilaaja@example.fi"})
    unknown = web.post("/preferences", {"email": "tuntematon@example.fi"})
    assert known.status_code == unknown.status_code == 303
    assert len(mailbox.to("tilaaja@example.fi")) == before + 1
    assert mailbox.to("tuntematon@example.fi") == []
    assert link_to(mailbox.last_to("tilaaja@example.fi"), "/preferences/")


def test_confirmation_link_expires_after_72_hours(web, app, mailbox):
    subscribe(web)
    link = link_to(mailbox.last_to("tilaaja@example.fi"), "/subscribe/confirm/")
    clock.travel(dt.timedelta(hours=72, minutes=1))
    assert web.get(link).status_code == 404
    assert web.post(link).status_code == 404
    with app.app_context():
        assert Person.select().count() == 0


def test_unconfirmed_signups_and_accounts_are_removed_after_seven_days(web, app, mailbox):
    from portal.accounts.models import Account
    from portal.newsletter.service import purge_unconfirmed
    subscribe(web)
    web.post("/signup", {"name": "Unohtuja", "email": "unohtuja@example.fi", "username": "unohtuja",
                         "password": PASSWORD, "adult": "y"})
    with app.app_context():
        assert purge_unconfirmed() == (0, 0)
        assert purge_unconfirmed(clock.now() + dt.timedelta(days=7, minutes=1)) == (1, 1)
        assert PendingSignup.select().count() == 0 and Account.select().count() == 0
        assert Person.select().count() == 0
    assert "purge_unconfirmed" in {t.__name__ for t in app.extensions["huey"]._registry._periodic_tasks}


def test_transactional_mail_carries_no_unsubscribe_headers(web, mailbox):
    web.post("/signup", {"name": "Maija", "email": "maija@example.fi", "username": "maija",
                         "password": PASSWORD, "adult": "y"})
    message = mailbox.last_to("maija@example.fi")
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message


def readable(link):
    """Return the link and what each of its pieces says when read as base64 (compressed or not)."""
    import base64
    import zlib
    found = [link]
    for piece in re.split(r"[/.?=&]", link):
        try:
            raw = base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))
        except ValueError:
            continue
        found.append(raw.decode("latin-1"))
        try:
            found.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            pass
    return found


def test_mailed_links_carry_no_address_or_name(web, app, member, mailbox):
    """DP-03: no link we mail holds the person's address or name, not even encoded in a signed token."""
    member(email="maija@example.fi")
    welcome = subscribed(web, mailbox, app, email="tiina.tilaaja@example.fi", name="Tiina")
    web.post("/preferences", {"email": "tiina.tilaaja@example.fi"})
    web.post("/password/reset", {"email": "maija@example.fi"})
    web.post("/privacy/request", {"email": "tiina.tilaaja@example.fi", "kind": "access"})
    messages = mailbox.to("tiina.tilaaja@example.fi") + mailbox.to("maija@example.fi")
    links = [welcome["List-Unsubscribe"].strip("<>")] + [link for m in messages for link in links_in(m)]
    assert len(messages) >= 5 and any("/preferences/" in link for link in links)
    for link in links:
        for text in readable(link):
            for secret in ("tiina", "maija", "example.fi"):
                assert secret not in text.lower(), (link, secret)
