"""Sign-up, email verification and the pages an unverified or pending member sees."""
import datetime as dt
import re

import pytest
from support import PASSWORD, html_of, link_in, path_of, text_of

from portal import clock
from portal.accounts.models import Account, EmailToken
from portal.mail.models import OutboxMessage
from portal.people.models import Person

FORM = {"name": "Maija Meikäläinen", "email": "Maija@Example.fi", "username": "maija",
        "password": PASSWORD, "adult": "y"}


def sign_up(web, **changes):
    return web.post("/signup", {**FORM, **changes})


def verify_link(mailbox, address="maija@example.fi"):
    return path_of(link_in(mailbox.last_to(address)))


def test_sign_up_verify_and_log_in(web, mailbox, app):
    response = sign_up(web)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/signup/done")
    assert "maija@example.fi" in web.get("/signup/done").get_data(as_text=True)

    message = mailbox.last_to("maija@example.fi")
    assert message["Subject"] == "Vahvista sähköpostiosoitteesi"  # Finnish by default
    assert link_in(message) in html_of(message)

    # Until verified, member pages send the person to the "confirm first" page.
    assert web.login("maija", PASSWORD).status_code == 303
    assert web.get("/account").headers["Location"].endswith("/account/unverified")

    link = verify_link(mailbox)
    page = web.get(link)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)  # a GET changes nothing
    with app.app_context():
        assert Account.get().email_verified_at is None
    assert web.post(link).status_code == 303
    with app.app_context():
        account = Account.get()
        assert account.email_verified_at is not None and account.state == "active"
        assert account.person.email == "maija@example.fi" and account.person.status == "member"
    assert web.get("/account").status_code == 200


def test_signup_needs_no_consent_and_the_age_confirmation(web, app):
    response = sign_up(web, adult="")
    assert response.status_code == 422
    assert "13" in response.get_data(as_text=True)
    with app.app_context():
        assert Person.select().count() == 0
    assert sign_up(web).status_code == 303  # no consent box exists to tick


@pytest.mark.parametrize("field, value", [
    ("name", ""), ("name", "x" * 101), ("name", "Rivi\nvaihto"), ("email", "not-an-address"),
    ("email", "a" * 250 + "@x.fi"), ("username", "a"), ("username", "Bad Name!"),
    ("phone", "call me"), ("password", "short"),
])
def test_each_field_is_checked_on_the_server(web, app, field, value):
    response = sign_up(web, **{field: value})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in body and f'id="{field}-error"' in body
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', body).group(0)
    assert "autofocus" in tag  # focus moves to the first error
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error\b', tag)  # the error is tied to its field
    with app.app_context():
        assert Person.select().count() == 0 and OutboxMessage.select().count() == 0


def test_htmx_gets_the_form_fragment_with_errors(web):
    response = web.post("/signup", {**FORM, "email": "nope"}, htmx=True)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form") and "<html" not in body
    ok = web.post("/signup", FORM, htmx=True)
    assert ok.status_code == 204 and ok.headers["HX-Redirect"].endswith("/signup/done")


def test_known_address_gets_the_same_answer_and_a_notice(web, mailbox, member):
    member(email="maija@example.fi", username="vanha")
    first = sign_up(web, username="toinen")
    assert first.status_code == 303 and first.headers["Location"].endswith("/signup/done")
    message = mailbox.last_to("maija@example.fi")
    assert "/login" in text_of(message) and "/password/reset" in text_of(message)
    fresh = sign_up(web, email="uusi@example.fi", username="kolmas")
    assert fresh.status_code == first.status_code and fresh.headers["Location"] == first.headers["Location"]


def test_taken_username_is_named(web, member):
    member(email="toinen@example.fi", username="maija")
    response = sign_up(web)
    assert response.status_code == 422
    assert 'id="username-error"' in response.get_data(as_text=True)


def test_honeypot_answers_as_usual_and_stores_nothing(web, app):
    response = sign_up(web, website="http://spam.example")
    assert response.status_code == 303
    with app.app_context():
        assert Person.select().count() == 0 and OutboxMessage.select().count() == 0


def test_a_failure_mid_signup_leaves_nothing_behind(web, app):
    """The mail is the last write of sign-up; make the database refuse it."""
    from portal.db import database, is_postgresql
    with app.app_context():
        if is_postgresql():
            database.execute_sql("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                                 "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql")
            database.execute_sql("CREATE TRIGGER refuse BEFORE INSERT ON outbox_message "
                                 "FOR EACH ROW EXECUTE FUNCTION refuse()")
        else:
            database.execute_sql("CREATE TRIGGER refuse BEFORE INSERT ON outbox_message "
                                 "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    try:
        response = sign_up(web)
        assert response.status_code == 500
        assert "injected" not in response.get_data(as_text=True)  # no traceback shown
        with app.app_context():
            for model in (Person, Account, EmailToken, OutboxMessage):
                assert model.select().count() == 0, model.__name__
    finally:
        with app.app_context():
            database.execute_sql("DROP TRIGGER refuse ON outbox_message" if is_postgresql()
                                 else "DROP TRIGGER refuse")
            if is_postgresql():
                database.execute_sql("DROP FUNCTION refuse()")


def test_verification_link_expires_after_24_hours(web, mailbox, app):
    sign_up(web)
    link = verify_link(mailbox)
    clock.travel(dt.timedelta(hours=24, seconds=1))
    assert web.get(link).status_code == 404
    assert web.post(link).status_code == 404
    with app.app_context():
        assert Account.get().email_verified_at is None


def test_verification_link_works_once(web, mailbox):
    sign_up(web)
    link = verify_link(mailbox)
    assert web.post(link).status_code == 303
    assert web.post(link).status_code == 404


def test_resend_voids_the_old_link_and_answers_the_same_for_any_address(web, mailbox):
    sign_up(web)
    old = verify_link(mailbox)
    known = web.post("/verify/resend", {"email": "maija@example.fi"})
    unknown = web.post("/verify/resend", {"email": "ei-ole@example.fi"})
    assert known.status_code == unknown.status_code == 303
    new = verify_link(mailbox)
    assert new != old
    assert web.post(old).status_code == 404
    assert web.post(new).status_code == 303
    assert mailbox.to("ei-ole@example.fi") == []


def test_register_that_requires_approval_holds_verified_members(make_app, smtp):
    from support import Mailbox, Web

    from portal.config import PROJECT_ROOT
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url,
                        "PORTAL_REGISTER": str(PROJECT_ROOT / "registers" / "liikkuvat-puntit.toml")})
    web, mailbox = Web(app), Mailbox(app, smtp)
    sign_up(web)
    web.post(verify_link(mailbox))
    web.login("maija", PASSWORD)
    response = web.get("/account")
    assert response.headers["Location"].endswith("/account/pending")
    assert "hyväksy" in web.get("/account/pending").get_data(as_text=True).lower()
    with app.app_context():
        assert Account.get().state == "pending_approval"


def test_a_subscriber_signing_up_keeps_one_person(web, mailbox, app):
    with app.app_context():
        Person.create(email="maija@example.fi", name="", source="form:newsletter", status="subscriber")
    sign_up(web)
    with app.app_context():
        person = Person.get()
        assert person.name == ""  # nothing changes before the address is proven
    web.post(verify_link(mailbox))
    with app.app_context():
        assert Person.select().count() == 1
        person = Person.get()
        assert person.name == "Maija Meikäläinen" and person.accounts.count() == 1
        assert person.status == "member"
