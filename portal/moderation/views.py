"""Moderation pages: the approval queue, suspensions, spam removal in bulk, blocked domains."""
from flask import Blueprint, abort, flash, render_template, request, url_for

from .. import audit
from ..accounts.access import me
from ..accounts.models import Account
from ..db import parse_id
from ..htmx import redirect_to, render_page
from ..people.models import Person
from ..staff.access import staff_required
from ..translate import gettext as _
from . import service
from .forms import ReasonForm

bp = Blueprint("moderation", __name__)


@bp.get("/admin/moderation")
@staff_required()
def queue():
    """Show sign-ups waiting for approval, unconfirmed sign-ups and blocked domains."""
    pending, unconfirmed = service.pending_approval(), service.unconfirmed()
    audit.record("people_listed", None, detail=f"moderation: {len(pending) + len(unconfirmed)} people")
    return render_template("moderation/queue.html", pending=pending, unconfirmed=unconfirmed,
                           domains=service.blocked_domains(), reason_form=ReasonForm())


def account_or_404(account_id):
    account = Account.select(Account, Person).join(Person).where(Account.id == account_id).first()
    if account is None:
        abort(404)
    return account


@bp.post("/admin/moderation/<int:account_id>/approve")
@staff_required()
def approve(account_id):
    """Approve a pending member."""
    account = account_or_404(account_id)
    if account.state != "pending_approval":
        abort(400)
    service.approve(account, me())
    flash(_("Approved; the member has been told."), "success")
    return redirect_to("moderation.queue")


def with_reason(account_id, verb, done, back):
    account, form = account_or_404(account_id), ReasonForm()
    if not form.validate_on_submit():
        flash(_("Write the reason: the person is told why."), "error")
        return redirect_to(back(account))
    if account.id == me().id or (account.role == "admin" and me().role != "admin"):
        abort(403)
    verb(account, form.reason.data, me())
    flash(done, "success")
    return redirect_to(back(account))


@bp.post("/admin/moderation/<int:account_id>/reject")
@staff_required()
def reject(account_id):
    """Turn a pending sign-up down with a reason."""
    return with_reason(account_id, service.reject, _("Rejected; the person has been told."),
                       lambda a: url_for("moderation.queue"))


@bp.post("/admin/moderation/<int:account_id>/suspend")
@staff_required()
def suspend(account_id):
    """Suspend an account with a reason; its sessions end at once."""
    return with_reason(account_id, service.suspend, _("Suspended; sessions ended and the person told."),
                       lambda a: url_for("admin.person", person_id=a.person_id))


@bp.post("/admin/moderation/<int:account_id>/reinstate")
@staff_required()
def reinstate(account_id):
    """Reinstate a suspended account with a reason."""
    return with_reason(account_id, service.reinstate, _("Reinstated; the person has been told."),
                       lambda a: url_for("admin.person", person_id=a.person_id))


def chosen_accounts():
    ids = [i for i in map(parse_id, request.form.getlist("account")) if i is not None][:500]
    return list(Account.select(Account, Person).join(Person)
                .where(Account.id.in_(ids), Account.email_verified_at.is_null()))


@bp.post("/admin/moderation/spam")
@staff_required()
def spam():
    """Confirm page: list the chosen unconfirmed sign-ups and what deleting them means."""
    accounts = chosen_accounts()
    if not accounts:
        flash(_("Choose at least one sign-up."), "error")
        return redirect_to("moderation.queue")
    return render_page("moderation/spam_confirm.html", "moderation/_spam_confirm.html", accounts=accounts)


@bp.post("/admin/moderation/spam/confirm")
@staff_required()
def spam_confirmed():
    """Delete the confirmed list of unconfirmed sign-ups as spam."""
    removed = service.delete_as_spam(chosen_accounts(), me())
    flash(_("%(count)s sign-ups deleted as spam.", count=removed), "success")
    return redirect_to("moderation.queue")


@bp.post("/admin/moderation/domains")
@staff_required()
def block():
    """Block sign-ups from an email domain."""
    domain = (request.form.get("domain") or "").strip().lower().lstrip("@")
    if not domain or "." not in domain or len(domain) > 253 or any(c.isspace() for c in domain):
        flash(_("Write a domain such as spam.example."), "error")
    else:
        service.block_domain(domain, (request.form.get("reason") or "")[:200], me())
        flash(_("Sign-ups from %(domain)s are now refused.", domain=domain), "success")
    return redirect_to(url_for("moderation.queue") + "#domains")


@bp.post("/admin/moderation/domains/<int:domain_id>/unblock")
@staff_required()
def unblock(domain_id):
    """Allow sign-ups from a domain again."""
    service.unblock_domain(domain_id, me())
    return redirect_to(url_for("moderation.queue") + "#domains")
