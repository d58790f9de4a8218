"""Every authentication event is logged (LOG-01): by account id, never a password, code, token or address."""
import datetime as dt
import logging

import pytest
from staff_support import enrolled_staff, totp_code
from support import PASSWORD, Web, link_in, path_of

from portal import clock


@pytest.fixture
def events(caplog):
    """Return a function listing the logged auth events as (event, outcome, fields)."""
    caplog.set_level(logging.INFO, logger="portal.auth")

    def logged(event=None):
        found = [r.fields for r in caplog.records if r.name == "portal.auth"]
        return [f for f in found if event is None or f["event"] == event]
    return logged


def outcomes(found):
    return [(f["outcome"], f.get("account_id")) for f in found]


def test_second_factor_success_failure_and_recovery_codes_are_logged(app, member, events):
    account, _ = enrolled_staff(app, member)
    web = Web(app)
    web.login("admin@example.fi", PASSWORD)
    assert web.post("/admin/2fa", {"code": "000000"}).status_code == 422
    clock.travel(dt.timedelta(seconds=31))
    code = totp_code(app, account.id)
    assert web.post("/admin/2fa", {"code": code}).status_code == 303
    with app.test_request_context():
        from portal.accounts.models import Account
        from portal.staff.totp import _new_recovery_codes
        recovery = _new_recovery_codes(Account.get_by_id(account.id))[0]
    other = Web(app)
    other.login("admin@example.fi", PASSWORD)
    assert other.post("/admin/2fa", {"code": recovery}).status_code == 303
    found = events("second_factor")
    assert outcomes(found)[-3:] == [("failure", account.id), ("success", account.id), ("success", account.id)]
    assert [f.get("method") for f in found[-2:]] == ["totp", "recovery_code"]
    assert found[-1]["recovery_codes_left"] == 9
    assert not any(secret in repr(events()) for secret in (code, recovery, "000000", PASSWORD))


def test_a_login_lockout_is_logged_with_the_locked_account(make_app, smtp, member, events):
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url}, LOGIN_LIMIT_PER_ACCOUNT="2 per hour")
    account = member()
    web = Web(app)
    for _ in range(3):
        web.post("/login", {"login": "maija@example.fi", "password": "väärä salasana tässä"})
    refused, = events("rate_limited")
    assert refused["outcome"] == "refused" and refused["status"] == 429 and refused["account_id"] is None
    assert refused["limit"] == "LOGIN_LIMIT_PER_ACCOUNT" and refused["limited_account_id"] == account.id
    assert refused["endpoint"] == "accounts.login"


def test_an_address_limit_is_logged_without_the_address(app, events):
    web = Web(app)
    for _ in range(4):
        web.post("/password/reset", {"email": "kohde@example.fi"})
    refused, = events("rate_limited")
    assert refused["limit"] == "EMAIL_LIMIT_PER_ADDRESS" and "kohde" not in repr(refused)


def test_a_refused_page_is_logged_with_the_account_that_asked(app, web, member, events):
    account = member()
    web.login()
    assert web.get("/admin/people").status_code == 403
    refused, = events("forbidden")
    assert refused["account_id"] == account.id and refused["endpoint"] == "admin.people_list"


def test_ended_sessions_are_logged(app, member, events):
    account = member()
    laptop, phone, tablet = Web(app), Web(app), Web(app)
    for browser in (laptop, phone, tablet):
        browser.login()
    with app.app_context():
        from portal.accounts.models import LoginSession
        phone_session = list(LoginSession.select().order_by(LoginSession.id))[1]  # in login order
    assert laptop.post(f"/account/sessions/{phone_session.id}/end").status_code == 303
    assert laptop.post("/account/sessions/end-others").status_code == 303
    clock.travel(dt.timedelta(minutes=31))
    assert laptop.get("/account").status_code == 303  # idle too long
    assert [(f["outcome"], f["account_id"], f["count"]) for f in events("sessions_ended")] == \
        [("by_member", account.id, 1), ("by_member", account.id, 1)]
    assert outcomes(events("session_ended")) == [("idle", account.id)]


def test_staff_ending_a_members_sessions_is_logged_with_both_ids(app, member, events):
    admin, web = enrolled_staff(app, member)
    target = member(email="kohde@example.fi")
    Web(app).login("kohde@example.fi")
    web.post(f"/admin/people/{target.person_id}/sessions/end")
    ended = events("sessions_ended")[-1]
    assert (ended["outcome"], ended["account_id"], ended["staff_id"], ended["count"]) == \
        ("by_staff", target.id, admin.id, 1)


def test_an_accepted_invitation_is_logged(app, member, mailbox, events):
    _, web = enrolled_staff(app, member)
    web.post("/admin/staff/invite", {"email": "moderaattori@example.fi", "role": "moderator"})
    link = path_of(link_in(mailbox.last_to("moderaattori@example.fi")))
    assert Web(app).post(link, {"username": "moderaattori", "password": PASSWORD}).status_code == 303
    accepted, = events("staff_invitation")
    with app.app_context():
        from portal.accounts.models import Account
        joined = Account.get(Account.username == "moderaattori")
    assert (accepted["outcome"], accepted["account_id"], accepted["role"]) == ("accepted", joined.id, "moderator")
    assert "moderaattori@example.fi" not in repr(events()) and link.rsplit("/", 1)[1] not in repr(events())


def test_an_auth_event_is_one_json_line_with_utc_time_outcome_and_request_id(app, web, member, events, caplog):
    """LOG-01: what reaches the log file is structured, in UTC, and ties the event to its request."""
    import json
    import re

    from portal.logs import JsonFormatter
    member()
    assert web.post("/login", {"login": "maija@example.fi", "password": "väärä salasana tässä"}).status_code == 422
    web.login()
    records = [r for r in caplog.records if r.name == "portal.auth" and r.fields["event"] == "login"]
    lines = [JsonFormatter().format(r) for r in records]
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    failed, passed = (json.loads(line) for line in lines)
    for entry in (failed, passed):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", entry["time"])
        assert re.fullmatch(r"[0-9a-f]{16}", entry["request_id"])
    assert failed["request_id"] != passed["request_id"]
    assert failed["outcome"] != passed["outcome"] and passed["outcome"] == "success"
