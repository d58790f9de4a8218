"""Logging in and out, server-side sessions, timeouts and throttling (AUTH-08/09, SES)."""
import datetime as dt
import logging
import re
import threading

import argon2
import pytest
from support import PASSWORD, Web

from portal import clock
from portal.accounts.models import Account, LoginSession


def test_log_in_with_email_or_username_and_out(web, member, app):
    member(email="maija@example.fi", username="maija")
    assert web.login("MAIJA@example.fi", PASSWORD).headers["Location"].endswith("/account")
    assert web.get("/account").status_code == 200
    web.post("/logout")
    assert web.get("/account").status_code == 303
    other = Web(app)
    assert other.login("maija", PASSWORD).status_code == 303


@pytest.mark.parametrize("target, expected", [
    ("/account/sessions", "/account/sessions"), ("//evil.example", "/account"),
    ("/\\evil.example", "/account"), ("https://evil.example", "/account"), ("javascript:alert(1)", "/account"),
])
def test_login_redirects_only_to_our_own_pages(web, member, target, expected):
    member()
    response = web.post("/login", {"login": "maija@example.fi", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_logout_ends_the_session_on_the_server(web, member, app):
    member()
    web.login()
    stolen = web.session_cookie()
    web.post("/logout")
    with app.app_context():
        assert LoginSession.select().count() == 0
    replay = Web(app)
    replay.client.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = replay.get("/account")
    assert response.status_code == 303 and "/login" in response.headers["Location"]


def test_logout_is_a_post_with_csrf(web, member):
    member()
    web.login()
    assert web.get("/logout").status_code == 405
    assert web.post("/logout", csrf=False).status_code == 400
    assert web.get("/account").status_code == 200  # still signed in


def test_login_gets_a_new_session_id(web, member, app):
    member()
    web.get("/login")
    before = web.session_cookie()
    web.login()
    after = web.session_cookie()
    assert before != after
    with app.app_context():
        assert LoginSession.select().count() == 1


def test_unknown_address_and_wrong_password_get_the_same_answer(web, member):
    member()
    wrong = web.post("/login", {"login": "maija@example.fi", "password": "väärä salasana tässä"})
    unknown = web.post("/login", {"login": "nobody@example.fi", "password": "väärä salasana tässä"})
    assert wrong.status_code == unknown.status_code == 422
    assert normalise(wrong, "maija@example.fi") == normalise(unknown, "nobody@example.fi")


def normalise(response, login):
    """The page without what may differ: the login typed and the time-stamped CSRF token."""
    body = response.get_data(as_text=True).replace(login, "LOGIN")
    return re.sub(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_.-]{10,}", "CSRF", body)


def test_unknown_address_costs_an_argon2_verify(make_app, monkeypatch):
    """An unknown login does the same argon2 work as a wrong password: one verify, same parameters.

    argon2's cost is set by its parameters alone, so comparing the verifications
    each path runs proves the property without measuring time (AUTH-09).
    """
    app = make_app(PASSWORD_HASHING="rfc9106")
    from portal.accounts import passwords
    from portal.people.models import Person
    with app.test_request_context():
        person = Person.create(email="maija@example.fi", name="M", source="test")
        Account.create(person=person, username="maija", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
    web = Web(app)
    web.csrf_token()
    verified, original = [], argon2.PasswordHasher.verify

    def counted(self, hash, password):  # argon2-cffi's own verify, counted on the way through
        verified.append(argon2.extract_parameters(hash))
        return original(self, hash, password)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)

    def work(login):
        verified.clear()
        assert web.post("/login", {"login": login, "password": "väärä salasana tässä"}).status_code == 422
        return list(verified)

    known, unknown = work("maija@example.fi"), work("nobody@example.fi")
    assert len(known) == len(unknown) == 1
    assert unknown == known  # the same type, memory, time and parallelism: the same cost
    assert unknown[0].memory_cost >= 65536 and unknown[0].time_cost >= 3  # the real, costly parameters


def test_too_many_failures_lock_the_account_for_a_while_only(make_app, smtp, member):
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="5 per hour")
    with app.app_context():
        from portal.accounts import passwords
        from portal.people.models import Person
        for name in ("maija", "matti"):
            person = Person.create(email=f"{name}@example.fi", name=name, source="test")
            Account.create(person=person, username=name, password_hash=passwords.hash_password(PASSWORD),
                           email_verified_at=clock.now())
    web = Web(app)
    for _ in range(5):
        assert web.post("/login", {"login": "maija", "password": "väärä salasana tässä"}).status_code == 422
    blocked = web.post("/login", {"login": "maija", "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password, for now
    assert web.post("/login", {"login": "matti", "password": PASSWORD}).status_code == 303


def test_the_email_and_the_username_of_an_account_share_one_limit(make_app, smtp, member):
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="4 per hour")
    member(email="maija@example.fi", username="maija")
    web, wrong = Web(app), "väärä salasana tässä"
    for login in ("maija", "maija@example.fi", " MAIJA ", "Maija@Example.fi"):
        assert web.post("/login", {"login": login, "password": wrong}).status_code == 422
    assert web.post("/login", {"login": "maija@example.fi", "password": PASSWORD}).status_code == 429
    assert web.post("/login", {"login": "maija", "password": PASSWORD}).status_code == 429


def test_an_unknown_login_is_throttled_like_a_known_one(make_app, smtp):
    """Throttling must not tell which logins exist: unknown ones share a limit by what was typed."""
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="3 per hour")
    web, wrong = Web(app), "väärä salasana tässä"
    for login in ("nobody@example.fi", " NOBODY@example.fi", "Nobody@Example.FI"):
        assert web.post("/login", {"login": login, "password": wrong}).status_code == 422
    assert web.post("/login", {"login": "nobody@example.fi", "password": wrong}).status_code == 429
    assert web.post("/login", {"login": "", "password": wrong}).status_code == 422  # nothing to count


def test_simultaneous_guesses_cannot_get_past_the_limit(make_app, smtp, member):
    """The limit is taken before the password is checked, so parallel tries cannot all slip in."""
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="3 per hour",
                   PASSWORD_HASHING="rfc9106")  # a real verify: the window a racing guess would use
    member()
    browsers = [Web(app) for _ in range(6)]
    for browser in browsers:
        browser.csrf_token()
    start, statuses = threading.Barrier(len(browsers)), []

    def guess(browser):
        start.wait()
        response = browser.post("/login", {"login": "maija@example.fi", "password": "väärä salasana tässä"})
        statuses.append(response.status_code)
    threads = [threading.Thread(target=guess, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [422, 422, 422, 429, 429, 429]


def auth_events(caplog, event=None):
    """Return the fields of the auth events logged so far (LOG-01), optionally of one event."""
    found = [r.fields for r in caplog.records if r.name == "portal.auth"]
    return [f for f in found if event is None or f["event"] == event]


SIGNED_IN_PASSWORD_CHECKS = [
    ("/account/confirm-password", "reauthenticate", lambda password: {"password": password}),
    ("/account/password", "password_change",
     lambda password: {"current_password": password, "password": "uusi vahva salasana kesällä"}),
    ("/account/delete", "account_delete", lambda password: {"password": password, "understood": "y"}),
]


@pytest.mark.parametrize("path, event, form", SIGNED_IN_PASSWORD_CHECKS)
def test_password_checks_of_a_signed_in_account_are_throttled_like_login(make_app, smtp, member, caplog,
                                                                          path, event, form):
    """A stolen session cannot guess the password: the checks share the account's login limit."""
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="3 per hour")
    account = member()
    web = Web(app)
    web.login()
    caplog.set_level(logging.INFO, logger="portal.auth")
    for _ in range(3):
        assert web.post(path, form("väärä salasana tässä")).status_code == 422
    assert web.post(path, form(PASSWORD)).status_code == 429  # even the right one, for now
    assert Web(app).login().status_code == 429  # the same limit as the login's
    with app.app_context():
        kept = Account.get_by_id(account.id)
        assert kept.password_hash == account.password_hash  # nothing was changed or deleted
    failures = auth_events(caplog, event)
    assert [(f["outcome"], f["account_id"]) for f in failures] == [("wrong_password", account.id)] * 3
    assert "väärä" not in repr(failures) and PASSWORD not in repr(auth_events(caplog))


def test_a_fresh_password_entry_is_logged(web, member, caplog):
    account = member()
    web.login()
    caplog.set_level(logging.INFO, logger="portal.auth")
    assert web.post("/account/confirm-password", {"password": PASSWORD}).status_code == 303
    assert [(f["outcome"], f["account_id"]) for f in auth_events(caplog, "reauthenticate")] == \
        [("success", account.id)]


def test_default_limit_is_100_failures_an_hour_per_account(app):
    assert "100 per hour" in app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def test_successful_logins_do_not_use_up_the_limit(make_app, smtp, member):
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="3 per hour")
    web = Web(app)
    with app.app_context():
        from portal.accounts import passwords
        from portal.people.models import Person
        person = Person.create(email="maija@example.fi", name="M", source="test")
        Account.create(person=person, username="maija", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
    for _ in range(5):
        assert web.login("maija", PASSWORD).status_code == 303
        web.post("/logout")


@pytest.mark.parametrize("role, idle, absolute", [
    ("member", dt.timedelta(minutes=30), dt.timedelta(hours=12)),
    ("moderator", dt.timedelta(minutes=15), dt.timedelta(hours=8)),
    ("admin", dt.timedelta(minutes=15), dt.timedelta(hours=8)),
])
def test_idle_and_absolute_timeouts(web, member, role, idle, absolute):
    member(role=role)
    web.login()
    clock.travel(idle - dt.timedelta(minutes=1))
    assert web.get("/account").status_code == 200
    clock.travel(idle - dt.timedelta(minutes=1))
    assert web.get("/account").status_code == 200  # activity keeps it alive
    clock.travel(idle + dt.timedelta(seconds=1))
    assert web.get("/account").status_code == 303  # idle too long

    web.login()
    step = idle - dt.timedelta(minutes=2)
    elapsed = dt.timedelta(0)
    while elapsed + step < absolute:
        clock.travel(step)
        elapsed += step
        assert web.get("/account").status_code == 200
    clock.travel(absolute - elapsed + dt.timedelta(seconds=1))
    assert web.get("/account").status_code == 303  # the absolute limit ends it anyway


def test_remember_me_keeps_a_member_for_30_days(web, member, app):
    member()
    web.login(remember=True)
    cookie = web.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.expires is not None
    clock.travel(dt.timedelta(days=3))
    assert web.get("/account").status_code == 200
    clock.travel(dt.timedelta(days=28))
    assert web.get("/account").status_code == 303


def test_session_list_and_ending_other_sessions(app, member):
    member()
    laptop, phone = Web(app), Web(app)
    laptop.login()
    phone.login()
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count("<li class=\"card\">") == 2
    assert laptop.post("/account/sessions/end-others").status_code == 303
    assert phone.get("/account").status_code == 303
    assert laptop.get("/account").status_code == 200


def test_a_member_cannot_end_someone_elses_session(app, member):
    member(email="maija@example.fi")
    member(email="matti@example.fi")
    maija, matti = Web(app), Web(app)
    maija.login("maija@example.fi")
    matti.login("matti@example.fi")
    with app.app_context():
        matti_session = LoginSession.select().join(Account).where(Account.username == "matti").get()
    assert maija.post(f"/account/sessions/{matti_session.id}/end").status_code == 404
    assert matti.get("/account").status_code == 200


def test_cookies_are_httponly_lax_and_secure_with_https(make_app, member):
    plain = make_app()
    web = Web(plain)
    web.get("/login")
    header = web.client.get_cookie(plain.config["SESSION_COOKIE_NAME"])
    assert header.http_only and header.same_site == "Lax" and not header.secure

    https = make_app(env={"PORTAL_BASE_URL": "https://portal.example.fi"})
    assert https.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = https.test_client().get("/login", base_url="https://portal.example.fi")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_suspended_account_cannot_log_in_and_its_sessions_stop(web, member, app):
    account = member()
    web.login()
    with app.app_context():
        Account.update(state="suspended").where(Account.id == account.id).execute()
    assert web.get("/account").status_code == 303
    response = web.login()
    assert response.status_code == 422


def test_logins_from_one_address_are_limited_whatever_account_they_try(make_app, smtp, member):
    """AUTH-08 per IP: guessing across many accounts from one address is stopped too."""
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_IP="3 per minute")
    member()
    web, elsewhere = Web(app), {"environ_base": {"REMOTE_ADDR": "127.0.0.2"}}
    for name in ("anna", "bertta", "cecilia"):
        assert web.post("/login", {"login": name, "password": "väärä salasana tässä"}).status_code == 422
    assert web.post("/login", {"login": "maija@example.fi", "password": PASSWORD}).status_code == 429
    assert Web(app).post("/login", {"login": "maija@example.fi", "password": PASSWORD}, **elsewhere
                         ).status_code == 303
