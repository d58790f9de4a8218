"""The production smoke journey, in Chromium, against the portal the README's commands
started: sign up, the verification mail, verify, log in, log out, the old cookie refused,
and the first admin sent to two-step enrolment. Usage: production_journey.py URL MAILDIR ADMIN PASSWORD"""
import email
import email.policy
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

url, maildir, admin_email, admin_password = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
PASSWORD = "vihreä tuoli pilvessä"


def step(text):
    print(f"-- {text}", flush=True)


def mail_to(address, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(maildir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                return message
        time.sleep(0.2)
    sys.exit(f"no mail to {address} within {timeout} s")


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    context = browser.new_context(base_url=url, locale="fi-FI", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(20000)

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
    text = mail_to("maija@example.fi").get_body(("plain",)).get_content()
    link = re.search(re.escape(url) + r"/verify/[^\s<>\"]+", text).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    step("log in")
    page.locator("#login").fill("maija")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account$"))
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

    step("the first admin logs in and is sent to set up two-step verification")
    page.goto("/login")
    page.locator("#login").fill(admin_email)
    page.locator("#password").fill(admin_password)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/2fa/enrol"))
    browser.close()
print("production journey: passed", flush=True)
