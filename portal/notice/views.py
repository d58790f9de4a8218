"""The privacy notice pages: the version in force, every earlier version, the banner."""
from flask import Blueprint, abort, redirect, render_template, request

from ..accounts.access import login_required
from ..accounts.models import Account
from ..register import RegisterError, get_register, parse_register
from ..register.versions import NoticeVersion, current
from ..translate import lazy_gettext as _l
from ..web import me, public, safe_next

bp = Blueprint("notice", __name__)

BASIS_NAMES = {
    "consent": _l("consent"),
    "contract": _l("contract"),
    "legitimate_interest": _l("legitimate interest"),
    "legal_obligation": _l("legal obligation"),
}
TRANSFER_NAMES = {
    "none": _l("stays in the EU/EEA"),
    "adequacy": _l("EU adequacy decision"),
    "scc": _l("EU Standard Contractual Clauses"),
}
COOKIE_NAMES = {
    "necessary": _l("strictly necessary"),
    "preferences": _l("preferences"),
    "statistics": _l("statistics"),
    "marketing": _l("marketing"),
}


def render_notice(definition, version_label, archived):
    return render_template("notice/privacy.html", r=definition, version_label=version_label, archived=archived,
                           versions=NoticeVersion.select(NoticeVersion.label, NoticeVersion.published_at)
                           .order_by(NoticeVersion.id.desc()),
                           basis_names=BASIS_NAMES, transfer_names=TRANSFER_NAMES, cookie_names=COOKIE_NAMES)


@bp.get("/privacy")
@public
def privacy():
    """Show the privacy notice generated from the register definition in force."""
    return render_notice(get_register(), current()[1], archived=False)


@bp.get("/privacy/<label>")
@public
def version(label):
    """Show an earlier (or the current) version of the notice, exactly as it was."""
    row = NoticeVersion.get_or_none(NoticeVersion.label == label)
    if row is None:
        abort(404)
    try:
        definition = parse_register(row.source, f"notice version {label}")
    except RegisterError:
        abort(404)
    return render_notice(definition, row.label, archived=row.id != current()[0])


@bp.post("/privacy/seen")
@login_required
def seen():
    """Remember that the member has seen the notice version in force (hides the banner)."""
    version_id = current()[0]
    if version_id is not None:
        Account.update(notice_seen=version_id).where(Account.id == me().id).execute()
    return redirect(safe_next(request.form.get("next")), code=303)


def notice_changed():
    """Return True when the signed-in member has not yet seen the notice version in force."""
    version_id = current()[0]
    return (version_id is not None and me().is_authenticated
            and (me().notice_seen or 0) < version_id)
