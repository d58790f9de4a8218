"""The production smoke journey, in Chromium, against the portal the README's commands
started: a person signs up, verifies, logs in and out (the old cookie refused), resets the
password, subscribes to the newsletter with double opt-in, unsubscribes in one click and
deletes the account; the first admin enrols two-step verification and invites a moderator,
who accepts and enrols too. Every link is taken from the mail the SMTP sink received.

    production_journey.py URL MAILDIR CA_FILE ADMIN_EMAIL ADMIN_PASSWORD
"""
import email
import email.policy
import re
import ssl
import sys
import time
import urllib.request
from pathlib import Path

import pyotp
from playwright.sync_api import expect, sync_playwright

url, maildir, ca_file, admin_email, admin_password = sys.argv[1], Path(sys.argv[2]), *sys.argv[3:6]
PASSWORD = "vihreä tuoli pilvessä"
NEW_PASSWORD = "sininen kattila kuussa"


def step(text):
    print(f"-- {text}", flush=True)


def mails_to(address):
    found = []
    for path in sorted(maildir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found


used = set()


def mail_with(address, prefix, timeout=60):
    """Wait for a message to `address`, not taken before, with a link starting `prefix`; return (message, link)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mails_to(address):
            text = message.get_body(("plain",)).get_content()
            found = re.search(re.escape(url + prefix) + r"[^\s<>\"]+", text)
            if found and message["Message-ID"] not in used:
                used.add(message["Message-ID"])
                return message, found.group(0)
        time.sleep(0.2)
    sys.exit(f"no mail to {address} with a {prefix} link within {timeout} s")


def link(address, prefix):
    """Return the link of the next message to `address` that carries one starting `prefix`."""
    return mail_with(address, prefix)[1]


def log_in(page, login, password):
    page.goto("/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("#login-form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def enrol(page):
    """Set up the authenticator on the enrolment page; return its secret."""
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/2fa/enrol"))
    secret = page.locator("code.secret").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("ul.codes li")).to_have_count(10)
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/admin$"))
    return secret


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"])

    def tab():
        context = browser.new_context(base_url=url, locale="fi-FI", ignore_https_errors=True)
        page = context.new_page()
        page.set_default_timeout(20000)
        return context, page

    context, page = tab()
    step("sign up")
    page.goto("/signup")
    page.locator("#name").fill("Maija Meikäläinen")
    page.locator("#email").fill("maija@example.fi")
    page.locator("#username").fill("maija")
    page.locator("#password").fill(PASSWORD)
    page.locator("#adult").check()
    page.locator("#signup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/signup/done$"))

    step("the verification mail arrives over STARTTLS; its link verifies")
    page.goto(link("maija@example.fi", "/verify/"))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    step("log in")
    log_in(page, "maija", PASSWORD)
    cookie = next(c for c in context.cookies() if c["name"] == "__Host-session")
    assert cookie["secure"] and cookie["httpOnly"], cookie

    step("log out; the old cookie no longer opens the account")
    page.locator("form[action='/logout'] button[type=submit]").click()
    expect(page.locator("a[href='/login']").first).to_be_visible()
    replay = browser.new_context(base_url=url, ignore_https_errors=True)
    replay.add_cookies([cookie])
    stranger = replay.new_page()
    stranger.goto("/account")
    expect(stranger).to_have_url(re.compile(r"/login\?next=/account$"))
    replay.close()

    step("reset the password from the emailed link")
    page.goto("/password/reset")
    page.locator("#email").fill("maija@example.fi")
    page.locator("main form button[type=submit]").click()
    page.goto(link("maija@example.fi", "/password/reset/"))
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    log_in(page, "maija", NEW_PASSWORD)

    step("subscribe to the newsletter with double opt-in")
    page.goto("/subscribe/newsletter")
    page.locator("#email").fill("maija@example.fi")
    page.locator("main form button[type=submit]").click()
    page.goto(link("maija@example.fi", "/subscribe/confirm/"))
    page.locator("main form button[type=submit]").click()
    welcome, _ = mail_with("maija@example.fi", "/preferences/")
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", welcome["Subject"]

    step("unsubscribe in one click, as a mail program does: a POST without cookies")
    request = urllib.request.Request(welcome["List-Unsubscribe"].strip("<>"), data=b"List-Unsubscribe=One-Click",
                                     method="POST")
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=ca_file)) as answer:
        assert answer.status == 200 and answer.headers.get("Set-Cookie") is None

    step("delete the account")
    page.goto("/account/delete")
    if "/account/confirm-password" in page.url:
        page.locator("#password").fill(NEW_PASSWORD)
        page.locator("main form button[type=submit]").click()
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("#understood").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/login")
    page.locator("#login").fill("maija")
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    context.close()

    step("the first admin enrols two-step verification and invites a moderator")
    context, admin = tab()
    log_in(admin, admin_email, admin_password)
    enrol(admin)
    admin.goto("/admin/staff")
    admin.locator("#email").fill("mona@example.fi")
    admin.locator("input[name=role][value=moderator]").check()
    admin.locator("main form[action$='/invite'] button[type=submit]").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    context.close()

    step("the moderator accepts the invitation and enrols two-step verification")
    context, page = tab()
    page.goto(link("mona@example.fi", "/staff/invite/"))
    page.locator("#username").fill("mona")
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    log_in(page, "mona", NEW_PASSWORD)
    enrol(page)
    context.close()
    browser.close()
print("production journey: passed", flush=True)
