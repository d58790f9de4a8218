"""Finnish by default, English complete, the choice remembered; catalogues kept in step."""
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from support import PASSWORD, Web

from portal.config import PROJECT_ROOT
from portal.people.models import Person

TRANSLATIONS = PROJECT_ROOT / "portal" / "translations"


def read_catalogue():
    with open(TRANSLATIONS / "fi" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="fi")


def test_finnish_catalogue_translates_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--omit-header", "."],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    with open(pot, "rb") as fh:
        in_code = {m.id for m in read_po(fh) if m.id}
    catalogue = read_catalogue()
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in in_code - translated)
    assert not missing, f"not translated to Finnish (run `make translations` and translate): {missing[:10]}"


def test_compiled_catalogue_matches_the_translations():
    catalogue = read_catalogue()
    with open(TRANSLATIONS / "fi" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    source = {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    assert compiled == source, "messages.mo is stale: run `make translations`"


def test_finnish_is_the_default(web):
    page = web.get("/login").get_data(as_text=True)
    assert '<html lang="fi">' in page and "Kirjaudu sisään" in page


def test_language_switch_is_remembered_and_works_without_javascript(web):
    response = web.post("/language", {"lang": "en", "next": "/signup"})
    assert response.status_code == 303 and response.headers["Location"] == "/signup"
    for path in ("/signup", "/login", "/privacy"):
        assert '<html lang="en">' in web.get(path).get_data(as_text=True)
    assert "Log in" in web.get("/login").get_data(as_text=True)
    web.post("/language", {"lang": "fi", "next": "/login"})
    assert "Kirjaudu sisään" in web.get("/login").get_data(as_text=True)


def test_language_switch_refuses_foreign_targets_and_unknown_languages(web):
    response = web.post("/language", {"lang": "sv", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="fi">' in web.get("/").get_data(as_text=True)


def test_signed_in_choice_is_stored_with_the_person(web, member, app):
    member()
    web.login()
    web.post("/language", {"lang": "en", "next": "/account"})
    with app.app_context():
        assert Person.get().language == "en"
    other = Web(app)  # a new browser, after logging in, speaks the person's language
    other.login()
    assert '<html lang="en">' in other.get("/account").get_data(as_text=True)


def test_the_language_chosen_before_signing_up_is_kept(web, mailbox, app):
    web.post("/language", {"lang": "en", "next": "/signup"})
    web.post("/signup", {"name": "Mary", "email": "mary@example.com", "username": "mary",
                         "password": PASSWORD, "adult": "y"})
    assert mailbox.last_to("mary@example.com")["Subject"] == "Confirm your email address"
    with app.app_context():
        assert Person.get().language == "en"


def test_dates_are_shown_in_finnish_format_and_helsinki_time(web, member, app):
    import datetime as dt

    from portal.accounts.models import LoginSession
    member()
    web.login()
    with app.app_context():
        LoginSession.update(created_at=dt.datetime(2026, 1, 5, 22, 30)).execute()  # UTC
    page = web.get("/account/sessions").get_data(as_text=True)
    assert "6.1.2026 0.30" in page  # Helsinki is UTC+2 in winter
