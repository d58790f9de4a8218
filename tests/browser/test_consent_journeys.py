"""In a real browser: a visitor subscribes, confirms, downloads the material, changes
preferences and unsubscribes with one click; a member toggles consents with and without JS."""
import re
import urllib.request

from playwright.sync_api import expect
from support import PASSWORD, text_of

from portal.consents.models import ConsentEvent
from portal.db import database
from portal.people.models import Person


def link(message, base, prefix):
    found = re.findall(re.escape(base) + re.escape(prefix) + r"[^\s<>\"]+", text_of(message))
    assert found, f"no {prefix} link in the message"
    return found[0]


def ledger(app, email):
    with app.app_context():
        database.connect(reuse_if_open=True)
        rows = list(ConsentEvent.select().join(Person).where(Person.email == email).order_by(ConsentEvent.id))
        database.close()
        return rows


def test_visitor_subscribes_confirms_changes_preferences_and_unsubscribes(page, live, smtp):
    folder = live.app.config["MATERIALS_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bloomlead-aloitusopas.pdf").write_bytes(b"%PDF-1.4 guide")

    page.goto("/subscribe/newsletter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilaa BloomLeadin uutiskirje")
    page.get_by_label("Sähköpostiosoite").fill("ei-osoite")
    page.get_by_role("button", name="Tilaa").click()
    expect(page.locator("#email-error")).to_be_visible()  # in place, nothing sent
    page.get_by_label("Sähköpostiosoite").fill("tiina@example.fi")
    page.get_by_label("Etunimi (vapaaehtoinen)").fill("Tiina")
    page.get_by_label(re.compile("^Haluan sähköpostia BloomLeadin webinaareista")).check()
    page.get_by_role("button", name="Tilaa").click()
    expect(page.get_by_role("heading", name="Tarkista sähköpostisi")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/subscribe/newsletter$"))

    confirm = link(smtp.wait_for_mail("tiina@example.fi"), live.url, "/subscribe/confirm/")
    page.goto(confirm)
    page.get_by_role("button", name="Kyllä, vahvistan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilaus vahvistettu")
    welcome = smtp.wait_for_mail("tiina@example.fi", count=2)
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The free-material form: the guide arrives as a download link.
    page.goto("/subscribe/opas")
    page.get_by_label("Sähköpostiosoite").fill("tiina@example.fi")
    page.get_by_role("button", name="Tilaa").click()
    page.goto(link(smtp.wait_for_mail("tiina@example.fi", count=3), live.url, "/subscribe/confirm/"))
    page.get_by_role("button", name="Kyllä, vahvistan").click()
    expect(page.locator("main")).to_contain_text("BloomLead-aloitusopas (PDF)")
    guide = link(smtp.wait_for_mail("tiina@example.fi", count=4), live.url, "/materials/")
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.click(); }", guide)
    assert download.value.suggested_filename == "bloomlead-aloitusopas.pdf"

    # Preferences from the email: withdraw marketing in place.
    page.goto(link(welcome, live.url, "/preferences/"))
    page.evaluate("window.__same_page = true")
    card = page.locator("#purpose-marketing")
    expect(card).to_contain_text("Päällä")
    card.get_by_role("button", name="Kytke pois: Markkinointiviestit").click()
    expect(page.locator("#purpose-marketing")).to_contain_text("Pois")
    assert page.evaluate("window.__same_page") is True

    # One click in the mail program: a POST with no cookies.
    request = urllib.request.Request(welcome["List-Unsubscribe"].strip("<>"),
                                     data=b"List-Unsubscribe=One-Click", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200 and answer.headers.get("Set-Cookie") is None

    steps = [(e.purpose, e.action, e.source_kind, e.source) for e in ledger(live.app, "tiina@example.fi")]
    assert steps == [("newsletter", "granted", "form", "newsletter"), ("marketing", "granted", "form", "newsletter"),
                     ("free_materials", "granted", "form", "opas"),
                     ("marketing", "withdrawn", "link", "preferences"),
                     ("newsletter", "withdrawn", "link", "one-click")]
    for event in ledger(live.app, "tiina@example.fi"):
        assert event.occurred_at and event.notice_version == "2025-12-21" and len(event.wording_id) == 64


def sign_in(page, live, member_email="maija@example.fi"):
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite tai käyttäjätunnus").fill(member_email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/account$"))


def make_member(live):
    from portal import clock
    from portal.accounts import passwords
    from portal.accounts.models import Account
    with live.app.test_request_context():
        database.connect(reuse_if_open=True)
        person = Person.create(email="maija@example.fi", name="Maija", source="test", status="member")
        Account.create(person=person, username="maija", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
        database.close()


def test_member_toggles_consents_in_place(page, live):
    make_member(live)
    sign_in(page, live)
    page.get_by_role("link", name="Omat suostumukset").click()
    page.evaluate("window.__same_page = true")
    newsletter = page.locator("#purpose-newsletter")
    newsletter.get_by_role("button", name="Anna suostumus").click()
    expect(page.locator("#purpose-newsletter")).to_contain_text("Suostumus annettu")
    expect(page.locator("#consent-history")).to_contain_text("Suostumus annettu: Uutiskirje")
    page.locator("#purpose-newsletter").get_by_role("button", name="Peru suostumus").click()
    expect(page.locator("#purpose-newsletter")).to_contain_text("Ei suostumusta")
    expect(page.locator("#consent-history li").first).to_contain_text("Suostumus peruttu: Uutiskirje")
    assert page.evaluate("window.__same_page") is True


def test_member_toggles_consents_without_javascript(browser, live):
    make_member(live)
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live)
    page.goto("/account/consents")
    page.locator("#purpose-tracking").get_by_role("button", name="Anna suostumus").click()
    expect(page).to_have_url(re.compile(r"/account/consents#purpose-tracking$"))
    expect(page.locator("#purpose-tracking")).to_contain_text("Suostumus annettu")
    page.locator("#purpose-community").get_by_role("button", name="Vastusta").click()
    expect(page.locator("#purpose-community")).to_contain_text("Vastustat")
    page.get_by_role("button", name="Lopeta kaikki markkinointi").click()
    expect(page.locator("#purpose-newsletter")).to_contain_text("Markkinointi kielletty")
    expect(page.locator("#purpose-tracking")).to_contain_text("Ei suostumusta")
    context.close()
