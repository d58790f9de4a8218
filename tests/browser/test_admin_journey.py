"""In a real browser: an admin enrols TOTP, finds and moderates a person, answers a written
request, exports the Mailchimp list, records a breach and notifies the chosen people."""
import io
import re
import zipfile

import pyotp
import pytest
from conftest import LiveServer
from playwright.sync_api import expect
from support import PASSWORD, free_port, text_of

from portal import clock
from portal.db import database


@pytest.fixture
def live_b(make_app, smtp, start_worker):
    """The portal running register B (Liikkuvat Puntit), whose Mailchimp export is tested."""
    port = free_port()
    env = {"PORTAL_BASE_URL": f"http://127.0.0.1:{port}", "PORTAL_SMTP_URL": smtp.url,
           "PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"}
    app = make_app(env=env)
    start_worker(env)
    server = LiveServer(app, port).start()
    yield server
    server.stop()


def seed(app):
    from portal.accounts import passwords
    from portal.accounts.models import Account
    from portal.consents import service as ledger
    from portal.people.models import Person
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        admin = Person.create(email="admin@example.fi", name="Anna Admin", source="test", status="member")
        Account.create(person=admin, username="anna", role="admin", email_verified_at=clock.now(),
                       password_hash=passwords.hash_password(PASSWORD))
        people = {}
        for email, name in (("pirjo.pysyva@example.fi", "Pirjo Pysyvä"), ("pekka.pysyva@example.fi", "Pekka Pysyvä"),
                            ("muu@example.fi", "Muu Ihminen")):
            people[email] = Person.create(email=email, name=name, source="test", status="customer")
            ledger.grant(people[email], "newsletter", "page", "test", ledger.consent_wording("newsletter", "fi"))
        member = people["pekka.pysyva@example.fi"]
        Account.create(person=member, username="pekka", email_verified_at=clock.now(),
                       password_hash=passwords.hash_password(PASSWORD))
        spam = Person.create(email="botti@roska.example", source="test", status="member")
        Account.create(person=spam, username="botti", password_hash=passwords.hash_password(PASSWORD))
        database.close()


def test_admin_runs_the_register(browser, live_b, smtp):
    seed(live_b.app)
    context = browser.new_context(base_url=live_b.url, locale="fi-FI", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto("/login")
    page.locator("#login").fill("anna")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/2fa/enrol"))
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).at(clock.timestamp()))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("ul.codes li")).to_have_count(10)
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/admin$"))

    # Live search by email prefix: results change as the admin types, the URL does not.
    page.goto("/admin/people")
    page.evaluate("window.__same_page = true")
    page.locator("#q").press_sequentially("pekka.py", delay=30)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Pekka Pysyvä")
    assert page.evaluate("window.__same_page") is True and "pekka" not in page.url
    page.locator("#results a", has_text="Pekka Pysyvä").click()
    expect(page.locator("h1")).to_contain_text("Pekka Pysyvä")

    # A message in the relationship log, then suspend and reinstate with reasons.
    page.locator("#log input[value=customer_email]").check()  # register B: an email the customer sent
    page.locator("#detail").fill("Kysyi ajanvarauksesta")
    page.locator("#log button[type=submit]").click()
    expect(page.locator("#log")).to_contain_text("Kysyi ajanvarauksesta")
    page.locator("#starts_at").fill("2026-12-03T17:00")
    page.locator("#appointment-type").fill("Personal training")
    page.locator("#appointments button[type=submit]").click()
    expect(page.locator("#appointments")).to_contain_text("Personal training")
    page.locator("#reason").fill("Sopimaton viesti")
    page.locator("#profile form button[type=submit]").click()
    expect(page.locator("#profile form[action$='/reinstate']")).to_be_visible()  # suspended
    page.locator("#reason").fill("Asia selvitetty")
    page.locator("#profile form button[type=submit]").click()
    expect(page.locator("#profile form[action$='/suspend']")).to_be_visible()  # active again
    smtp.wait_for_mail("pekka.pysyva@example.fi", count=2)

    # Bulk moderation: choose the spam sign-up, confirm in place, delete.
    page.goto("/admin/moderation")
    page.locator("#unconfirmed input[type=checkbox]").first.check()
    page.locator("#spam-form button[type=submit]").click()
    expect(page.locator("#spam-confirm")).to_contain_text("botti@roska.example")
    page.locator("#spam-confirm button[type=submit]").click()
    expect(page.locator("#unconfirmed")).not_to_contain_text("botti@roska.example")

    # A written access request, answered before its due date.
    page.goto("/admin/requests")
    page.locator("#email").fill("pirjo.pysyva@example.fi")
    page.locator("input[name=kind][value=access]").check()
    page.locator("input[name=channel][value=letter]").check()
    page.locator("#received").fill(clock.now().strftime("%Y-%m-%d"))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/requests/\d+$"))
    page.locator("form[action$='/export'] button").click()
    assert "/privacy/export/" in text_of(smtp.wait_for_mail("pirjo.pysyva@example.fi"))
    page.locator("#reply").fill("Lähetimme tietosi sähköpostitse.")
    page.locator("form[action$='/close'] button").click()
    expect(page).to_have_url(re.compile(r"/admin/requests$"))

    # The Mailchimp export holds only email and first name.
    page.goto("/admin/processors")
    with page.expect_download() as download:
        page.locator("form[action='/admin/processors/mailchimp/export'] button").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    added = archive.read(next(n for n in archive.namelist() if "-add-" in n)).decode().splitlines()
    assert added[0] == "email,first_name" and "pekka.pysyva@example.fi,Pekka" in added

    # A breach, and its notice to exactly the chosen people.
    page.goto("/admin/breaches/new")
    page.locator("#title").fill("Kadonnut muistitikku")
    page.locator("#description").fill("Asiakaslista katosi muistitikulla.")
    page.locator("#discovered_at").fill(clock.now().strftime("%Y-%m-%dT%H:%M"))
    page.locator("#categories").fill("asiakkaat: nimi ja sähköposti")
    page.locator("input[name=risk][value=high]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .notice")).to_be_visible()  # the 72-hour clock
    page.locator("#notify #q").fill("p")  # pirjo.pysyva@ and pekka.pysyva@
    page.locator("#notify form button[type=submit]").first.click()
    expect(page.locator("#choose li")).to_have_count(2)
    page.locator("#choose input[type=checkbox][name=person]").nth(1).uncheck()
    page.locator("#choose button[type=submit]").click()
    expect(page.locator("main ul[hx-disable] li")).to_have_count(1)
    expect(page.locator("main ul[hx-disable]")).to_contain_text("pekka.pysyva@example.fi")
    page.locator("main form button[type=submit]").click()
    notice = smtp.wait_for_mail("pekka.pysyva@example.fi", count=3)
    assert "Asiakaslista katosi muistitikulla." in text_of(notice)
    pirjo = [m for m in smtp.messages if m["To"] == "pirjo.pysyva@example.fi"]
    assert not any("muistitikulla" in text_of(m) for m in pirjo)
    context.close()
