"""The member's rights pages, and requests from people without an account.

/account/data shows everything held, by the register's data categories;
/account/export downloads it; /account/restrict and /account/delete restrict
and erase. /privacy/request lets anyone ask, after proving their address.
"""
from flask import Blueprint, Response, abort, flash, render_template, request, stream_with_context

from .. import audit, clock
from ..accounts.access import fresh_password_required, me, member_required
from ..accounts.forms import checked_email
from ..accounts.service import confirm_password
from ..accounts.sessions import end_current_session
from ..htmx import redirect_to, render_form
from ..language import select_locale
from ..limits import per_field, per_ip
from ..logs import auth_event
from ..newsletter.views import person_or_gone
from ..orders.service import vouchers_of
from ..translate import gettext as _
from ..web import public
from . import erasure, links, requests, restrictions
from .export import export_zip
from .forms import DeleteForm, RequestForm, RestrictForm
from .mydata import categories_of

bp = Blueprint("rights", __name__)



@bp.get("/account/data")
@member_required
def data():
    """Show everything held about the member, by data category, with how it is processed."""
    person = me().person
    audit.record("data_viewed", person, detail="by the person")
    return render_template("rights/data.html", categories=categories_of(person), person=person,
                           restriction=restrictions.active_restriction(person))


def download(person, language, filename_prefix):
    """Stream the person's export as an attachment that is never cached."""
    name = f"{filename_prefix}-{clock.now():%Y-%m-%d}.zip"
    return Response(stream_with_context(export_zip(person, language)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.route("/account/export", methods=["GET", "POST"])
@fresh_password_required
def export():
    """Explain the export; a POST downloads it as a ZIP (after a fresh password entry)."""
    if request.method == "POST":
        person = me().person
        audit.record("data_exported", person, detail="by the person")
        return download(person, person.language, _("my-data"))
    return render_template("rights/export.html", open_links=links.open_export_links(me().person))


@bp.post("/account/export/links/cancel")
@member_required
def cancel_export_links():
    """Cancel the emailed download links of one's data that still work."""
    if links.cancel_export_links(me().person):
        flash(_("The download links are cancelled: nobody can use them any more."), "success")
    return redirect_to("rights.export")


@bp.route("/account/restrict", methods=["GET", "POST"])
@member_required
def restrict():
    """Ask to restrict processing with a reason, or see the restriction in force."""
    person = me().person
    restriction = restrictions.active_restriction(person)
    form = RestrictForm()
    if restriction is None and form.validate_on_submit():
        restrictions.restrict(person, form.reason.data, form.details.data)
        flash(_("Processing of your data is now restricted: we only store it. You get no marketing."), "success")
        return redirect_to("rights.restrict")
    return render_form("rights/restrict.html", form,
                       restriction=restriction)


@bp.post("/account/restrict/lift")
@member_required
def lift():
    """Lift one's own restriction."""
    if restrictions.lift_restriction(me().person, by_person=True) is not None:
        flash(_("The restriction is lifted. We process your data again as the privacy notice says."), "success")
    return redirect_to("rights.restrict")


@bp.route("/account/delete", methods=["GET", "POST"])
@member_required
def delete():
    """Say exactly what is deleted and kept; with the password, erase the account."""
    form = DeleteForm()
    if form.validate_on_submit():
        account = me()
        if not confirm_password(account, form.password.data, "account_delete"):
            form.password.errors.append(_("The password is not right."))
        else:
            language = account.person.language
            erasure.erase_person(account.person, by="self")
            auth_event("account_delete", "success", account_id=account.id)
            end_current_session(language=language)
            flash(_("Your account and your data are deleted. A confirmation is on its way to your email."),
                  "success")
            return redirect_to("pages.home")
    vouchers, vouchers_until = vouchers_of(me().person)
    return render_form("rights/delete.html", form, vouchers=vouchers,
                       vouchers_until=vouchers_until)


@bp.route("/privacy/request", methods=["GET", "POST"])
@public
@per_ip("EMAIL_LIMIT_PER_IP")
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)
def request_form():
    """Anyone can ask to use a right; the address is proven by an emailed link first."""
    form = RequestForm()
    if form.validate_on_submit():
        if not form.website.data:
            requests.file_request(form.email.data, form.kind.data, form.details.data, select_locale())
        return redirect_to("rights.request_sent")
    return render_form("rights/request.html", form)


@bp.get("/privacy/request/sent")
@public
def request_sent():
    """Tell the person to confirm the request from their email."""
    return render_template("rights/request_sent.html")


@bp.route("/privacy/request/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_request(token):
    """Confirm a request: a GET shows a button, the POST confirms (mail scanners open links)."""
    pending = requests.peek_request(token)
    if request.method == "POST" and pending is not None:
        done = requests.confirm_request(token)
        if done is not None:
            return render_template("rights/request_confirmed.html", data_request=done), 200
    status = 200 if pending is not None else 404
    return render_template("rights/request_confirm.html", pending=pending, token=token), status


@bp.route("/privacy/export/<token>", methods=["GET", "POST"])
@public
def request_export(token):
    """Download the export a verified request was answered with: the link works once, for 7 days."""
    person = links.take_export(token) if request.method == "POST" else links.peek_export(token)
    if person is None:
        return render_template("rights/export_gone.html", problem=links.export_link_problem(token)), 404
    if request.method == "POST":
        return download(person, person.language, _("my-data"))
    return render_template("rights/request_export.html", token=token, days=links.EXPORT_LINK_DAYS), 200


@bp.post("/privacy/export/<token>/cancel")
@public
def cancel_export(token):
    """Cancel a download link one did not ask for (and any other still open)."""
    person = links.peek_export(token)
    if person is None:
        return render_template("rights/export_gone.html", problem=links.export_link_problem(token)), 404
    links.cancel_export_links(person, by="the link")
    return render_template("rights/export_gone.html", problem="cancelled"), 200


@bp.route("/privacy/erase/<token>", methods=["GET", "POST"])
@public
def erase_by_link(token):
    """A subscriber without an account confirms deleting their data."""
    person = erasure.peek_erasure(token)
    if request.method == "POST" and person is not None and erasure.erase_by_link(token):
        return render_template("rights/erased.html"), 200
    status = 200 if person is not None else 404
    return render_template("rights/erase_confirm.html", valid=person is not None, token=token), \
        status


@bp.post("/preferences/<token>/erase")
@public
def erase_from_preferences(token):
    """A subscriber without an account asks, on the preferences page, to delete their data: a link is mailed."""
    person = person_or_gone(token)
    if person.accounts.exists():
        abort(400)
    erasure.request_erasure_link(person)
    flash(_("We sent a confirmation link to your email. Your data is deleted when you open it and press "
            "the button."), "success")
    return redirect_to("newsletter.preferences", token=token)

