"""Who may open a staff page: a verified moderator or admin who passed the second factor.

`staff_required("admin")` marks a view for the deny-by-default check and,
before the view runs, sends a staff member without an authenticator to
enrol one and a session that has not passed the second factor to the code
page (AUTH-11). Members get 403, on pages and htmx fragments alike (AC-02,
AC-05); the refusal is logged by the error handler (AC-06).
"""
from flask import request, url_for

from ..accounts.access import member_with_role
from ..accounts.sessions import current_session
from ..htmx import redirect_to
from ..web import me, requires

STAFF = ("moderator", "admin")


def _second_factor_gate():
    if me().totp_enabled_at is None:
        return redirect_to(url_for("staff.enrol", next=request.path if request.method == "GET" else None))
    session = current_session()
    if session is None or session.second_factor_at is None:
        return redirect_to(url_for("staff.second_factor", next=request.path if request.method == "GET" else None))
    return None


def may_act_on(actor, account):
    """Return True if `actor` may act on `account`: admins on anyone, moderators on members only."""
    return actor.role == "admin" or not account.is_staff


def staff_required(*roles):
    """Allow only staff whose role is one of `roles` (both by default) and who passed TOTP."""
    roles = roles or STAFF

    def check():
        return member_with_role(roles) or _second_factor_gate()
    return requires("staff:" + ",".join(roles), check)


def staff_signed_in(view):
    """Allow staff who have not yet passed the second factor (the enrolment and code pages)."""
    return requires("staff-unverified", lambda: member_with_role(STAFF))(view)
