"""Staff access: the second factor (AUTH-11), roles (AC-02), invitations and role changes."""
import datetime as dt
import re

import pyotp
from staff_support import enrolled_staff, totp_code
from support import PASSWORD, Web, link_in, path_of

from portal import clock
from portal.accounts.models import Account, LoginSession
from portal.audit.models import AuditEntry
from portal.staff.models import RecoveryCode

ADMIN_ONLY = ("/admin/staff", "/admin/audit", "/admin/requests", "/admin/processors", "/admin/import",
              "/admin/breaches")
STAFF_PAGES = ("/admin", "/admin/people", "/admin/moderation")


def admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def test_members_get_403_on_every_staff_page_and_fragment(app, web, member):
    member()
    web.login()
    for rule in admin_rules(app):
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for htmx in (False, True):
                response = web.post(url, htmx=htmx) if method == "POST" else web.get(url, htmx=htmx)
                if rule.endpoint in ("staff.enrol", "staff.second_factor"):
                    assert response.status_code == 403, (rule.rule, method)
                else:
                    assert response.status_code == 403, (rule.rule, method, response.status_code)


def test_moderators_get_403_on_admin_only_pages(app, member):
    _, web = enrolled_staff(app, member, role="moderator")
    for path in STAFF_PAGES:
        assert web.get(path).status_code == 200, path
    for path in ADMIN_ONLY:
        assert web.get(path).status_code == 403, path
    assert web.post("/admin/breaches/new", {}).status_code == 403
    assert web.post("/admin/processors/mailchimp/export").status_code == 403


def test_staff_must_enrol_an_authenticator_before_any_staff_page(app, web, member):
    account = member(email="uusi@example.fi", role="admin")
    web.login("uusi@example.fi", PASSWORD)
    response = web.get("/admin/people")
    assert response.status_code in (302, 303) and "/admin/2fa/enrol" in response.headers["Location"]
    page = web.get("/admin/2fa/enrol").get_data(as_text=True)
    assert "<svg" in page and 'class="segno"' in page  # the QR code drawn on the server
    secret = re.search(r'<code class="secret" hx-disable>([A-Z2-7]+)</code>', page).group(1)
    with app.app_context():
        stored = bytes(Account.get_by_id(account.id).totp_secret)
    assert secret.encode() not in stored  # kept encrypted
    assert web.post("/admin/2fa/enrol", {"code": "000000"}).status_code == 422
    done = web.post("/admin/2fa/enrol", {"code": pyotp.TOTP(secret).at(clock.timestamp())})
    codes = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(set(codes)) == 10
    assert web.get("/admin/people").status_code == 200
    with app.app_context():
        assert RecoveryCode.select().count() == 10
        assert AuditEntry.select().where(AuditEntry.action == "second_factor_enrolled").exists()


def test_recovery_codes_have_120_bits_in_groups_and_are_stored_keyed_and_salted(app, member):
    from portal.accounts.models import digest
    account, _ = enrolled_staff(app, member)
    with app.test_request_context():
        from portal.staff.totp import RECOVERY_ALPHABET, _new_recovery_codes
        codes = _new_recovery_codes(Account.get_by_id(account.id))
        rows = list(RecoveryCode.select())
    for code in codes:  # six groups of four from a 32-letter alphabet: 24 x 5 = 120 bits
        groups = code.split("-")
        assert len(groups) == 6 and all(len(g) == 4 and set(g) <= set(RECOVERY_ALPHABET) for g in groups)
    assert len(RECOVERY_ALPHABET) == 32 and not set("ilou") & set(RECOVERY_ALPHABET)
    assert len({r.salt for r in rows}) == 10 and all(len(r.salt) == 32 for r in rows)
    stored = {r.code_hash for r in rows}
    for code in codes:  # neither the code nor its plain digest is kept
        assert not stored & {code, digest(code), digest(code.replace("-", ""))}
    typed = codes[3].upper().replace("-", " ").replace("0", "O").replace("1", "l")  # as read off paper
    web = Web(app)
    web.login("admin@example.fi", PASSWORD)
    assert web.post("/admin/2fa", {"code": typed}).status_code == 303
    again = Web(app)
    again.login("admin@example.fi", PASSWORD)
    assert again.post("/admin/2fa", {"code": codes[3]}).status_code == 422  # once only


def test_recovery_codes_from_before_keep_working_once_keyed_after_db_upgrade(app, member):
    from portal.accounts.models import digest
    account, _ = enrolled_staff(app, member)
    with app.app_context():
        for code in ("a1b2c3-d4e5f6", "0f0f0f-123456"):  # how they were made and kept: 48 bits, bare SHA-256
            RecoveryCode.create(account=account.id, code_hash=digest(code))
    first = Web(app)
    first.login("admin@example.fi", PASSWORD)
    assert first.post("/admin/2fa", {"code": "A1B2C3-D4E5F6"}).status_code == 303  # not yet wrapped: as before
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        kept = RecoveryCode.get(RecoveryCode.used_at.is_null())
        assert kept.salt and kept.code_hash != digest("0f0f0f-123456")  # keyed and salted now
    second = Web(app)
    second.login("admin@example.fi", PASSWORD)
    assert second.post("/admin/2fa", {"code": "0f0f0f-123456"}).status_code == 303
    third = Web(app)
    third.login("admin@example.fi", PASSWORD)
    assert third.post("/admin/2fa", {"code": "0f0f0f-123456"}).status_code == 422


def test_a_code_works_once_and_recovery_codes_work_once(app, member):
    account, _ = enrolled_staff(app, member)
    fresh = Web(app)
    fresh.login("admin@example.fi", PASSWORD)
    assert fresh.get("/admin").headers["Location"].startswith("/admin/2fa")
    used = totp_code(app, account.id)
    assert fresh.post("/admin/2fa", {"code": used}).status_code == 422  # already used by the first login
    clock.travel(dt.timedelta(seconds=31))
    assert fresh.post("/admin/2fa", {"code": totp_code(app, account.id)}).status_code == 303
    with app.test_request_context():
        from portal.staff.totp import _new_recovery_codes
        codes = _new_recovery_codes(Account.get_by_id(account.id))
    third = Web(app)
    third.login("admin@example.fi", PASSWORD)
    assert third.post("/admin/2fa", {"code": codes[0]}).status_code == 303
    fourth = Web(app)
    fourth.login("admin@example.fi", PASSWORD)
    assert fourth.post("/admin/2fa", {"code": codes[0]}).status_code == 422


def test_staff_sessions_time_out_after_15_idle_minutes(app, member):
    _, web = enrolled_staff(app, member)
    clock.travel(dt.timedelta(minutes=16))
    assert web.get("/admin").status_code in (302, 303)


def test_admin_invites_a_moderator_who_joins(app, member, mailbox):
    _, web = enrolled_staff(app, member)
    assert web.post("/admin/staff/invite", {"email": "moderaattori@example.fi", "role": "moderator"}).status_code == 303
    link = path_of(link_in(mailbox.last_to("moderaattori@example.fi")))
    newcomer = Web(app)
    assert newcomer.get(link).status_code == 200
    assert newcomer.post(link, {"username": "moderaattori", "password": PASSWORD}).status_code == 303
    with app.app_context():
        account = Account.get(Account.username == "moderaattori")
        assert account.role == "moderator" and account.email_verified_at is not None
        assert AuditEntry.select().where(AuditEntry.action == "staff_invited").exists()
    assert newcomer.post(link, {"username": "toinen", "password": PASSWORD}).status_code == 404


def test_a_member_who_accepts_an_invitation_keeps_no_member_session(app, member, mailbox):
    """A remembered 30-day member session must not carry staff rights: staff hold to 15 min / 8 h."""
    account = member(email="maija@example.fi")
    _, admin_web = enrolled_staff(app, member)
    remembered = Web(app)
    assert remembered.login("maija@example.fi", PASSWORD, remember=True).status_code == 303
    admin_web.post("/admin/staff/invite", {"email": "maija@example.fi", "role": "moderator"})
    link = path_of(link_in(mailbox.last_to("maija@example.fi")))
    assert remembered.post(link).status_code == 303
    with app.app_context():
        assert Account.get_by_id(account.id).role == "moderator"
        assert LoginSession.select().where(LoginSession.account == account.id).count() == 0
    assert remembered.get("/account").status_code in (302, 303)  # the old cookie is refused
    assert remembered.login("maija@example.fi", PASSWORD, remember=True).status_code == 303
    with app.app_context():
        staff_session = LoginSession.get(LoginSession.account == account.id)
    assert not staff_session.remember
    assert staff_session.expires_at - staff_session.created_at <= dt.timedelta(hours=8)


def test_role_changes_and_resets_are_guarded_and_end_sessions(app, member, mailbox):
    admin, web = enrolled_staff(app, member)
    moderator, moderator_web = enrolled_staff(app, member, role="moderator")
    assert web.post(f"/admin/staff/{admin.id}/role", {"role": "member"}).status_code == 303
    with app.app_context():
        assert Account.get_by_id(admin.id).role == "admin"  # never one's own
    web.post(f"/admin/staff/{moderator.id}/reset-2fa")
    with app.app_context():
        reset = Account.get_by_id(moderator.id)
        assert reset.totp_enabled_at is None and reset.totp_secret is None
        assert LoginSession.select().where(LoginSession.account == moderator.id).count() == 0
    assert moderator_web.get("/admin").status_code in (302, 303)
    web.post(f"/admin/staff/{moderator.id}/role", {"role": "member"})
    with app.app_context():
        assert Account.get_by_id(moderator.id).role == "member"
        assert AuditEntry.select().where(AuditEntry.action == "role_changed").exists()
    assert mailbox.last_to("moderator@example.fi")


def test_enrolling_an_authenticator_needs_a_fresh_password(app, web, member):
    """SES-06: setting up two-step verification asks for the password again after 10 minutes."""
    member(email="uusi@example.fi", role="admin")
    web.login("uusi@example.fi", PASSWORD)
    clock.travel(dt.timedelta(minutes=11))
    response = web.get("/admin/2fa/enrol")
    assert response.status_code in (302, 303) and "/account/confirm-password" in response.headers["Location"]
    assert web.post("/account/confirm-password", {"password": PASSWORD, "next": "/admin/2fa/enrol"}
                    ).headers["Location"] == "/admin/2fa/enrol"
    assert "<svg" in web.get("/admin/2fa/enrol").get_data(as_text=True)


def test_turning_two_step_verification_on_or_resetting_it_tells_the_staff_member(app, web, member, mailbox):
    """AUTH-12: the enrolment and an admin's reset each send the person a notice."""
    account = member(email="uusi@example.fi", role="moderator", language="en")
    web.login("uusi@example.fi", PASSWORD)
    page = web.get("/admin/2fa/enrol").get_data(as_text=True)
    secret = re.search(r'<code class="secret" hx-disable>([A-Z2-7]+)</code>', page).group(1)
    assert web.post("/admin/2fa/enrol", {"code": pyotp.TOTP(secret).at(clock.timestamp())}).status_code == 200
    assert mailbox.last_to("uusi@example.fi")["Subject"] == "Two-step verification was turned on"
    _, admin_web = enrolled_staff(app, member)
    assert admin_web.post(f"/admin/staff/{account.id}/reset-2fa").status_code == 303
    assert mailbox.last_to("uusi@example.fi")["Subject"] == "Two-step verification was reset"
