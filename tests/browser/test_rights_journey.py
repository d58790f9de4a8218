"""In a real browser: a member sees their data, downloads it, corrects their name,
restricts processing, objects to community messages and deletes the account."""
import io
import json
import re
import zipfile

from playwright.sync_api import expect
from support import PASSWORD
from test_consent_journeys import make_member, sign_in

from portal.db import database
from portal.people.models import Person


def wait_until_outbox_is_empty(app, timeout=15):
    import time

    from portal.mail.models import OutboxMessage
    deadline = time.monotonic() + timeout
    with app.app_context():
        database.connect(reuse_if_open=True)
        while OutboxMessage.select().exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        left = OutboxMessage.select().count()
        database.close()
    assert left == 0, "the erasure notice was not delivered and purged"


def test_member_uses_every_right_and_leaves_no_trace(page, live, smtp):
    make_member(live)
    with live.app.app_context():
        database.connect(reuse_if_open=True)
        Person.update(phone="040 765 4321", name="Maija Meikäläinen").execute()
        database.close()
    sign_in(page, live)

    page.goto("/account/data")
    expect(page.locator("#category-contact")).to_contain_text("040 765 4321")
    expect(page.locator("#category-credentials")).to_contain_text("argon2id")

    page.goto("/account/export")
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    data = json.loads(archive.read("data.json"))
    assert data["tables"]["person"][0]["name"] == "Maija Meikäläinen"
    assert "README.html" in archive.namelist() and "person.csv" in archive.namelist()

    page.goto("/account")
    page.locator("#profile a.button").click()
    page.locator("#name").fill("Maija Virtanen")
    page.locator("#profile button[type=submit]").click()
    expect(page.locator("#profile")).to_contain_text("Maija Virtanen")

    page.goto("/account/restrict")
    page.locator("main form button[type=submit]").click()  # no reason chosen: an error in place
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator("input[name=reason][value=accuracy]").check()
    page.locator("#details").fill("Nimeni oli väärin")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/account/restrict/lift']")).to_be_visible()

    page.goto("/account/consents")
    community = page.locator("#purpose-community")
    community.locator("textarea").fill("En halua yhteisöviestejä")
    community.locator("button[value=object]").click()
    expect(page.locator("#purpose-community button[value=lift]")).to_be_visible()

    page.goto("/account/delete")
    page.locator("#password").fill(PASSWORD)
    page.locator("#understood").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    wait_until_outbox_is_empty(live.app)  # the erasure notice went out and its row is gone
    assert smtp.messages[-1]["To"] == "maija@example.fi"

    path = live.app.config["DATABASE_URL"][len("sqlite:///"):]
    if live.app.config["DATABASE_URL"].startswith("sqlite:"):
        with live.app.app_context():
            database.connect(reuse_if_open=True)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
        raw = open(path, "rb").read()
        for value in ("maija@example.fi", "Meikäläinen", "Virtanen", "040 765 4321"):
            assert value.encode() not in raw, value

    page.goto("/login")
    page.locator("#login").fill("maija@example.fi")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))
