"""Password storage and rules (AUTH-01..07) and the reset links (TOK-01..07)."""
import datetime as dt
import logging
import threading

import argon2
import pytest
from support import PASSWORD, Web, link_in, path_of
from werkzeug.serving import make_server

from portal import clock
from portal.accounts.models import Account, EmailToken, LoginSession


def test_hashes_are_argon2id_with_rfc9106_parameters(make_app):
    app = make_app(PASSWORD_HASHING="rfc9106")
    from portal.accounts.passwords import hash_password
    with app.app_context():
        first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # salted
    for value in (first, second):
        params = argon2.extract_parameters(value)
        assert params.type is argon2.Type.ID
        assert params.memory_cost >= 65536 and params.time_cost >= 3 and params.parallelism == 4
        assert value.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_cheap_hash_is_upgraded_at_login(make_app):
    cheap = make_app()
    with cheap.app_context():
        from portal.accounts.passwords import hash_password
        from portal.people.models import Person
        person = Person.create(email="maija@example.fi", name="Maija", source="test")
        Account.create(person=person, username="maija", password_hash=hash_password(PASSWORD),
                       email_verified_at=clock.now())
        assert argon2.extract_parameters(Account.get().password_hash).memory_cost == 8
    strong = make_app(PASSWORD_HASHING="rfc9106")
    assert Web(strong).login("maija", PASSWORD).status_code == 303
    with strong.app_context():
        assert argon2.extract_parameters(Account.get().password_hash).memory_cost == 65536
    assert Web(strong).login("maija", PASSWORD).status_code == 303


@pytest.mark.parametrize("length, accepted", [(11, False), (12, True), (64, True), (128, True), (129, False)])
def test_length_rules(app, length, accepted):
    from portal.accounts.passwords import password_problem
    password = ("Ähtäri kevät " + "qz7 Lumi pöllö " * 10)[:length]
    with app.test_request_context():
        assert (password_problem(password) is None) is accepted, password_problem(password)


def test_any_unicode_is_allowed_and_nothing_is_truncated(web, member, app):
    password = "🦉 pöllö ёлка 森 " + "x7Qv" * 25 + " viimeinen"
    assert len(password) > 100
    member(password=password)
    assert web.login(password=password).status_code == 303
    changed = password[:99] + ("y" if password[99] != "y" else "z") + password[100:]
    assert Web(app).login(password=changed).status_code == 422


@pytest.mark.parametrize("password", ["salasana123456", "password1234", "qwertyuiopasdf", "aaaaaaaaaaaaaaa"])
def test_common_passwords_are_refused_at_signup(web, password):
    response = web.post("/signup", {"name": "Maija", "email": "maija@example.fi", "username": "maija",
                                    "password": password, "adult": "y"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)


def test_common_password_is_refused_at_change(web, member):
    member()
    web.login()
    response = web.post("/account/password", {"current_password": PASSWORD, "password": "password1234"})
    assert response.status_code == 422


def test_password_change_needs_the_current_password_and_ends_other_sessions(web, member, app, mailbox):
    member()
    other = Web(app)
    other.login()
    web.login()
    wrong = web.post("/account/password", {"current_password": "not the password", "password": "uusi vahva lause 42"})
    assert wrong.status_code == 422
    ok = web.post("/account/password", {"current_password": PASSWORD, "password": "uusi vahva lause 42"})
    assert ok.status_code == 303
    assert web.get("/account").status_code == 200  # this browser continues
    assert other.get("/account").status_code == 303  # the other one is out
    assert Web(app).login(password="uusi vahva lause 42").status_code == 303
    assert mailbox.last_to("maija@example.fi")["Subject"]  # a notice went out (AUTH-12)


def request_reset(web, mailbox, address="maija@example.fi"):
    web.post("/password/reset", {"email": address})
    return path_of(link_in(mailbox.last_to(address)))


def test_reset_sets_a_new_password_ends_sessions_and_does_not_log_in(web, member, app, mailbox):
    member()
    signed_in = Web(app)
    signed_in.login()
    link = request_reset(web, mailbox)
    assert web.get(link).headers["Referrer-Policy"] == "same-origin"
    response = web.post(link, {"password": "uusi vahva lause 42"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    assert web.get("/account").status_code == 303  # not logged in by the reset
    assert signed_in.get("/account").status_code == 303  # every session ended
    with app.app_context():
        assert LoginSession.select().count() == 0
    assert web.login(password="uusi vahva lause 42").status_code == 303


def test_reset_link_works_once_and_a_new_one_voids_the_old(web, member, mailbox):
    member()
    first = request_reset(web, mailbox)
    second = request_reset(web, mailbox)
    assert web.get(first).status_code == 404
    assert web.post(second, {"password": "uusi vahva lause 42"}).status_code == 303
    web.token = None  # the reset ended this browser's session too
    assert web.post(second, {"password": "toinen vahva lause 43"}).status_code == 404


def test_reset_link_expires_after_30_minutes(web, member, mailbox):
    member()
    link = request_reset(web, mailbox)
    clock.travel(dt.timedelta(minutes=29))
    assert web.get(link).status_code == 200
    clock.travel(dt.timedelta(minutes=1, seconds=1))
    assert web.post(link, {"password": "uusi vahva lause 42"}).status_code == 404


def test_reset_answers_the_same_for_unknown_addresses(web, member, mailbox):
    member()
    known = web.post("/password/reset", {"email": "maija@example.fi"})
    unknown = web.post("/password/reset", {"email": "nobody@example.fi"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert mailbox.to("nobody@example.fi") == []


def stored_rows(app):
    """Every row of every table, as plain values."""
    from portal.models import MODELS
    with app.app_context():
        return {model._meta.table_name: list(model.select().dicts()) for model in MODELS}


def written_by(app, request):
    """Run `request()`; return the rows it added or changed, with what always differs (ids, times) blanked."""
    before = stored_rows(app)
    request()
    after, written = stored_rows(app), {}
    for table, rows in after.items():
        new = [row for row in rows if row not in before[table]]
        gone = [row for row in before[table] if row not in rows]
        if new or gone:
            blank = {"id", "message_id", "created_at", "next_attempt_at"}
            written[table] = [{k: ("…" if k in blank else v) for k, v in row.items()} for row in new], len(gone)
    return written


@pytest.mark.parametrize("path", ["/password/reset", "/verify/resend", "/preferences"])
def test_known_and_unknown_addresses_cost_the_request_the_same_writes(web, member, app, mailbox, path):
    """The request writes one identical queue row either way; the worker decides whether to mail."""
    member(email="maija@example.fi", verified=False, language="en")
    web.csrf_token()
    known = written_by(app, lambda: web.post(path, {"email": "maija@example.fi"}))
    unknown = written_by(app, lambda: web.post(path, {"email": "nobody@example.fi"}))
    rows, removed = known.pop("outbox_message")
    assert known == {} and removed == 0  # no token, no other table touched
    assert [{**row, "to_address": "nobody@example.fi"} for row in rows] == unknown["outbox_message"][0]
    assert rows[0]["person"] is None and rows[0]["payload"] is None

    message = mailbox.last_to("maija@example.fi")  # the worker decided: the known address gets its mail
    assert message["Content-Language"] == "en"  # in the person's own language
    assert mailbox.to("nobody@example.fi") == []
    assert not database_contains(app, "nobody@example.fi")  # the decision left no trace of the unknown address


def test_tokens_are_bound_to_their_purpose(web, member, mailbox):
    member(verified=False)
    reset_link = request_reset(web, mailbox)
    token = reset_link.rsplit("/", 1)[1]
    assert web.post(f"/verify/{token}").status_code == 404


def test_only_token_digests_are_stored(web, member, app, mailbox):
    member()
    link = request_reset(web, mailbox)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    with app.app_context():
        stored = [row.token_hash for row in EmailToken.select()]
        assert token not in stored and len(stored[0]) == 64
        assert not database_contains(app, token)


def database_contains(app, needle):
    """Scan every text and blob column of every table for `needle`."""
    from portal.db import database
    from portal.models import MODELS
    with app.app_context():
        for model in MODELS:
            for row in database.execute_sql(f'SELECT * FROM "{model._meta.table_name}"').fetchall():
                for value in row:
                    data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    if needle.encode() in data:
                        return True
    return False


def test_links_use_the_configured_base_url_not_the_host_header(web, member, mailbox):
    member()
    web.get("/password/reset", base_url="http://evil.example")
    web.post("/password/reset", {"email": "maija@example.fi"}, base_url="http://evil.example")
    link = link_in(mailbox.last_to("maija@example.fi"))
    assert link.startswith("http://portal.test/password/reset/")


def test_tokens_never_reach_the_access_log(app, caplog):
    """Serve the app for real and open a link with a token: the log line has no token."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = "T" * 43
    try:
        import urllib.request
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}/password/reset/{token}")
            except urllib.error.HTTPError as exc:
                assert exc.code == 404
    finally:
        server.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/password/reset/[redacted]" in line for line in lines)
    assert not any(token in line for line in lines)


def test_after_signup_the_database_holds_an_argon2id_hash_and_no_raw_token(make_app, smtp):
    from support import Mailbox
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, PASSWORD_HASHING="rfc9106")
    web, mailbox = Web(app), Mailbox(app, smtp)
    web.post("/signup", {"name": "Maija", "email": "maija@example.fi", "username": "maija",
                         "password": PASSWORD, "adult": "y"})
    token = link_in(mailbox.last_to("maija@example.fi")).rsplit("/", 1)[1]
    with app.app_context():
        hashes = [a.password_hash for a in Account.select()]
    assert hashes and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in hashes)
    assert not database_contains(app, token)
    assert not database_contains(app, PASSWORD)


def test_create_admin_with_a_prompted_password(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-admin", "anna@example.fi", "--name", "Anna Admin"],
                         input="password1234\npassword1234\n" + PASSWORD + "\n" + PASSWORD + "\n")
    assert weak.exit_code == 0, weak.output
    assert "Not accepted" in weak.output  # the common password was refused first
    with app.app_context():
        admin = Account.get()
        assert admin.role == "admin" and admin.is_verified and admin.person.name == "Anna Admin"
    assert Web(app).login("anna@example.fi", PASSWORD).status_code == 303
    again = runner.invoke(args=["create-admin", "anna@example.fi", "--generate-password"])
    assert again.exit_code != 0 and "already has an account" in again.output


def test_create_admin_can_generate_the_password_once(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "anna@example.fi", "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown only now): ")[1].strip()
    assert Web(app).login("anna@example.fi", password).status_code == 303
    assert not database_contains(app, password)


def test_there_are_no_default_accounts(app):
    with app.app_context():
        assert Account.select().count() == 0
