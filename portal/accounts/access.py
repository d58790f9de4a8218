"""Who may open a view: signed in, a verified and approved member, or staff.

Each decorator marks the view for the deny-by-default check in `web.py`.
"""
from flask import abort, flash, g, request, url_for

from ..htmx import redirect_to
from ..translate import lazy_gettext as _l
from ..web import me, requires
from .sessions import recently_authenticated


def _to_login():
    if g.get("session_ended"):
        flash(_l("Your session has ended. Please log in again."), "info")
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect_to(url_for("accounts.login", next=next_path) if next_path else url_for("accounts.login"))


def _signed_in():
    return None if me().is_authenticated else _to_login()


def _member():
    if not me().is_authenticated:
        return _to_login()
    if not me().is_verified:
        return redirect_to("accounts.unverified")
    if me().state == "pending_approval":
        return redirect_to("accounts.pending")
    return None


login_required = requires("login", _signed_in)
member_required = requires("member", _member)


def member_with_role(roles):
    """Return None for a verified member whose role is one of `roles`; else a redirect, or abort 403.

    Staff pages build on this (staff/access.py), adding the second factor.
    """
    denied = _member()
    if denied is not None:
        return denied
    if me().role not in roles:
        abort(403)
    return None


def fresh_password_required(view):
    """Ask for the password again unless it was entered within 10 minutes (SES-06)."""
    def check():
        denied = _member()
        if denied is not None:
            return denied
        if not recently_authenticated():
            return redirect_to(url_for("accounts.reauthenticate", next=request.path))
        return None
    return requires("member", check)(view)
