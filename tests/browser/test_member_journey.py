"""A new member's first visit, in a real browser: sign up, verify, log in, switch
language, edit their name in place, log out; the old session cookie is then refused."""
import re

from playwright.sync_api import expect
from support import PASSWORD, link_in


def fill_signup(page, **values):
    fields = {"name": "Maija Meikäläinen", "email": "maija@example.fi", "username": "maija",
              "password": PASSWORD, **values}
    page.get_by_label("Nimi").fill(fields["name"])
    page.get_by_label("Sähköpostiosoite").fill(fields["email"])
    page.get_by_label("Käyttäjätunnus").fill(fields["username"])
    page.get_by_label("Salasana").fill(fields["password"])


def test_new_member_signs_up_verifies_logs_in_and_out(page, live, smtp, browser):
    page.goto("/")
    page.get_by_role("link", name="Liity").first.click()
    expect(page).to_have_url(re.compile(r"/signup$"))

    # Wrong input first: the errors appear in place, focus on the first one.
    fill_signup(page, password="lyhyt")
    page.get_by_role("button", name="Luo tili").click()
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.locator("#adult-error")).to_be_visible()
    expect(page.locator("#password")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/signup$"))

    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_label("Olen vähintään 13-vuotias.").check()
    page.get_by_role("button", name="Luo tili").click()
    expect(page).to_have_url(re.compile(r"/signup/done$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarkista sähköpostisi")

    message = smtp.wait_for_mail("maija@example.fi")
    assert message["Subject"] == "Vahvista sähköpostiosoitteesi"
    page.goto(link_in(message, live.url))
    page.get_by_role("button", name="Vahvista osoitteeni").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash-success")).to_be_visible()

    page.get_by_label("Sähköpostiosoite tai käyttäjätunnus").fill("maija")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("#profile")).to_contain_text("Maija Meikäläinen")

    # English and back; the choice sticks across pages.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    page.goto("/account/sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in devices")
    page.get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    # Edit the name in place: no page load, the section is swapped.
    page.goto("/account")
    page.evaluate("window.__same_page = true")
    page.get_by_role("link", name="Muokkaa tietojani").click()
    page.get_by_label("Nimi").fill("Maija Virtanen")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#profile")).to_contain_text("Maija Virtanen")
    expect(page.locator("#flash")).to_contain_text("tallennettu")
    assert page.evaluate("window.__same_page") is True

    cookie = next(c for c in page.context.cookies() if c["name"] == "portal_session")
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.get_by_role("link", name="Kirjaudu sisään").first).to_be_visible()

    # The cookie from before logging out no longer opens the account.
    replay = browser.new_context(base_url=live.url)
    replay.add_cookies([{**cookie}])
    stranger = replay.new_page()
    stranger.goto("/account")
    expect(stranger).to_have_url(re.compile(r"/login\?next=/account$"))
    replay.close()


def test_login_error_appears_in_place(page, live):
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite tai käyttäjätunnus").fill("nobody@example.fi")
    page.get_by_label("Salasana").fill("väärä salasana tässä")
    page.locator("#login-form").get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.locator(".error-summary")).to_contain_text("on väärin")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_everything_works_with_javascript_off(browser, live, smtp):
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/signup")
    fill_signup(page, email="ei-osoite")
    page.get_by_role("button", name="Luo tili").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#email")).to_be_focused()  # autofocus, no script needed

    fill_signup(page)
    page.get_by_label("Olen vähintään 13-vuotias.").check()
    page.get_by_role("button", name="Luo tili").click()
    expect(page).to_have_url(re.compile(r"/signup/done$"))
    page.goto(link_in(smtp.wait_for_mail("maija@example.fi"), live.url))
    page.get_by_role("button", name="Vahvista osoitteeni").click()

    page.get_by_label("Sähköpostiosoite tai käyttäjätunnus").fill("maija@example.fi")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.get_by_role("link", name="Muokkaa tietojani").click()
    expect(page).to_have_url(re.compile(r"/account/profile$"))
    page.get_by_label("Puhelin (vapaaehtoinen)").fill("040 123 4567")
    page.get_by_role("button", name="Tallenna").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("#profile")).to_contain_text("040 123 4567")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    context.close()
