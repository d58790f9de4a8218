"""What ships, tried as people use it: the production configuration behind TLS
(gunicorn with a throwaway certificate, `__Host-` cookies, HSTS, the worker
sending over STARTTLS), and every flow that starts from an emailed link pressed
in Chromium. Over https Flask-WTF wants a same-origin Referer on every POST, so
these fail if a page opened from a link stops sending one."""
import io
import json
import re
import zipfile

import pyotp
from playwright.sync_api import expect
from support import PASSWORD, text_of

from portal import clock
from portal.accounts.models import Account
from portal.db import database
from portal.people.models import Person

NEW_PASSWORD = "sininen kattila kuussa"


def link(message, production, prefix):
    """Return the first link starting with `prefix` in a message's text part."""
    found = re.findall(re.escape(production.url + prefix) + r"[^\s<>\"]+", text_of(message))
    assert found, f"no {prefix} link in: {text_of(message)[:400]}"
    return found[0]


def mail_to(production, address, count=1):
    message = production.smtp.wait_for_mail(address, count=count)
    assert message.received_over_tls, "production mail went out without STARTTLS"
    return message


def log_in(page, login, password=PASSWORD):
    page.goto("/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("#login-form button[type=submit]").click()


def query(app, fn):
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return fn()
        finally:
            database.close()


def test_the_production_server_sends_what_production_promises(production):
    with production.open("/login") as answer:
        assert "max-age=63072000" in answer.headers["Strict-Transport-Security"]
        cookie = answer.headers.get("Set-Cookie") or ""
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


def test_member_signs_up_verifies_resets_changes_email_and_deletes_the_account(tls_page, production):
    page = tls_page
    page.goto("/signup")
    page.locator("#name").fill("Maija Meikäläinen")
    page.locator("#email").fill("maija@example.fi")
    page.locator("#username").fill("maija")
    page.locator("#password").fill(PASSWORD)
    page.locator("#adult").check()
    page.locator("#signup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/signup/done$"))

    page.goto(link(mail_to(production, "maija@example.fi"), production, "/verify/"))
    page.get_by_role("button", name="Vahvista osoitteeni").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash-success")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Host-session")
    assert cookie["secure"] and cookie["httpOnly"]

    # A forgotten password: the link from the mail sets a new one.
    page.goto("/password/reset")
    page.locator("#email").fill("maija@example.fi")
    page.locator("main form button[type=submit]").click()
    page.goto(link(mail_to(production, "maija@example.fi", count=2), production, "/password/reset/"))
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_in(page, "maija", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account$"))

    # A new address: confirmed from the link sent to it, the old one told.
    page.goto("/account/email")
    if "/reauth" in page.url:
        page.locator("#password").fill(NEW_PASSWORD)
        page.locator("main form button[type=submit]").click()
    page.locator("#email").fill("maija.uusi@example.fi")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.goto(link(mail_to(production, "maija.uusi@example.fi"), production, "/account/email/confirm/"))
    page.get_by_role("button", name="Vaihda osoitteeni").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("main")).to_contain_text("maija.uusi@example.fi")
    notice = mail_to(production, "maija@example.fi", count=3)
    assert "maija.uusi@example.fi" not in notice["To"] and notice["Subject"]

    # Leaving: the account and its data go.
    page.goto("/account/delete")
    if "/reauth" in page.url:
        page.locator("#password").fill(NEW_PASSWORD)
        page.locator("main form button[type=submit]").click()
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("#understood").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert query(production.app, lambda: Person.select().count()) == 0
    log_in(page, "maija.uusi@example.fi", NEW_PASSWORD)
    expect(page.locator(".error-summary")).to_be_visible()


def test_subscriber_confirms_downloads_changes_preferences_unsubscribes_and_erases(tls_page, production):
    page = tls_page
    folder = production.app.config["MATERIALS_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bloomlead-aloitusopas.pdf").write_bytes(b"%PDF-1.4 guide")

    page.goto("/subscribe/newsletter")
    page.locator("#email").fill("tiina@example.fi")
    page.get_by_label(re.compile("^Haluan sähköpostia BloomLeadin webinaareista")).check()
    page.get_by_role("button", name="Tilaa").click()
    expect(page.get_by_role("heading", name="Tarkista sähköpostisi")).to_be_visible()
    page.goto(link(mail_to(production, "tiina@example.fi"), production, "/subscribe/confirm/"))
    page.get_by_role("button", name="Kyllä, vahvistan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilaus vahvistettu")
    welcome = mail_to(production, "tiina@example.fi", count=2)
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The free guide: its own double opt-in, then a download link.
    page.goto("/subscribe/opas")
    page.locator("#email").fill("tiina@example.fi")
    page.get_by_role("button", name="Tilaa").click()
    page.goto(link(mail_to(production, "tiina@example.fi", count=3), production, "/subscribe/confirm/"))
    page.get_by_role("button", name="Kyllä, vahvistan").click()
    guide = link(mail_to(production, "tiina@example.fi", count=4), production, "/materials/")
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.click(); }", guide)
    assert download.value.suggested_filename == "bloomlead-aloitusopas.pdf"

    # The preferences link from the welcome mail: marketing off, in place.
    preferences = link(welcome, production, "/preferences/")
    page.goto(preferences)
    page.locator("#purpose-marketing").get_by_role("button", name="Kytke pois: Markkinointiviestit").click()
    expect(page.locator("#purpose-marketing")).to_contain_text("Pois")

    # One click in the mail program: a POST with no cookies and no Referer.
    one_click = welcome["List-Unsubscribe"].strip("<>")
    assert one_click.startswith(production.url + "/unsubscribe/")
    with production.open(one_click[len(production.url):], data=b"List-Unsubscribe=One-Click",
                         method="POST") as answer:
        assert answer.status == 200 and answer.headers.get("Set-Cookie") is None
    page.goto(preferences)
    expect(page.locator("#purpose-newsletter")).to_contain_text("Pois")

    # Erasure by link: asked for on the preferences page, confirmed from the mail.
    page.locator("form[action$='/erase'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    erase = link(mail_to(production, "tiina@example.fi", count=5), production, "/privacy/erase/")
    page.goto(erase)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).not_to_contain_text("tiina@example.fi")
    assert query(production.app, lambda: Person.select().where(Person.email == "tiina@example.fi").count()) == 0


def test_privacy_request_is_confirmed_from_the_mail_and_answered_with_a_download(tls_page, production):
    page = tls_page

    def seed():
        Person.create(email="pirjo@example.fi", name="Pirjo Pyytäjä", source="test", status="subscriber")
    query(production.app, seed)

    page.goto("/privacy/request")
    page.locator("#email").fill("pirjo@example.fi")
    page.locator("input[name=kind][value=access]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/privacy/request/sent$"))
    page.goto(link(mail_to(production, "pirjo@example.fi"), production, "/privacy/request/confirm/"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_have_count(0)  # confirmed: nothing left to press

    page.goto(link(mail_to(production, "pirjo@example.fi", count=2), production, "/privacy/export/"))
    with page.expect_download() as download:  # the page's other button cancels the link
        page.get_by_role("button", name="Lataa (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    data = json.loads(archive.read("data.json"))
    assert data["tables"]["person"][0]["name"] == "Pirjo Pyytäjä"
    page.get_by_role("button", name="Lataa (ZIP)").click()  # the link works once
    expect(page.locator("main")).to_contain_text("jo käytetty")


def test_invited_moderator_accepts_and_enrols_two_step_verification(browser, production):
    from portal.accounts import passwords
    from portal.crypto import encrypt
    secret = pyotp.random_base32()

    def seed():
        with production.app.test_request_context():
            admin = Person.create(email="admin@example.fi", name="Anna Admin", source="test", status="member")
            Account.create(person=admin, username="anna", role="admin", email_verified_at=clock.now(),
                           password_hash=passwords.hash_password(PASSWORD),
                           totp_secret=encrypt("totp", secret.encode()), totp_enabled_at=clock.now())
    query(production.app, seed)

    context = browser.new_context(base_url=production.url, locale="fi-FI", ignore_https_errors=True)
    admin = context.new_page()
    admin.set_default_timeout(15000)
    log_in(admin, "anna")
    expect(admin).to_have_url(re.compile(r"/account$"))
    admin.goto("/admin")
    expect(admin).to_have_url(re.compile(r"/admin/2fa"))
    admin.locator("#code").fill(pyotp.TOTP(secret).at(clock.timestamp()))
    admin.locator("main form button[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/admin$"))
    admin.goto("/admin/staff")
    admin.locator("#email").fill("mona@example.fi")
    admin.locator("input[name=role][value=moderator]").check()
    admin.locator("main form[action$='/invite'] button[type=submit]").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    context.close()

    context = browser.new_context(base_url=production.url, locale="fi-FI", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(link(mail_to(production, "mona@example.fi"), production, "/staff/invite/"))
    page.locator("#username").fill("mona")
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    log_in(page, "mona", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account$"))
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/2fa/enrol"))
    enrolled = page.locator("code.secret").inner_text()
    page.locator("#code").fill(pyotp.TOTP(enrolled).at(clock.timestamp()))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("ul.codes li")).to_have_count(10)
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/admin$"))
    role = query(production.app,
                 lambda: Account.select().join(Person).where(Person.email == "mona@example.fi").get().role)
    assert role == "moderator"
    context.close()
