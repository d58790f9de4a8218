"""The data request queue for admins: by due date, with every action audited (Art. 12)."""
import datetime as dt

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, FileField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, Optional

from .. import audit, clock
from ..accounts.access import me
from ..accounts.forms import EMAIL_REQUIRED, required, valid_email, within_calendar
from ..accounts.service import update_profile
from ..htmx import redirect_to, render_page
from ..staff.access import staff_required
from ..translate import gettext as _, lazy_gettext as _l
from ..db import get_or_404
from . import service
from .forms import REQUEST_CHOICES, RESTRICTION_CHOICES
from .models import DataRequest, attachment_path

bp = Blueprint("requests", __name__)
SOON = dt.timedelta(days=7)


class RecordForm(FlaskForm):
    email = EmailField(_l("The person's email address"), [required(EMAIL_REQUIRED), valid_email])
    kind = RadioField(_l("What do they ask for?"), choices=REQUEST_CHOICES, validators=[required(_l("Choose what they ask for."))])
    channel = RadioField(_l("How did it come?"), choices=[SelectChoice("email", _l("by email")),
                                                          SelectChoice("letter", _l("by letter"))],
                         validators=[required(_l("Choose how it came."))])
    received = DateField(_l("Received on"), validators=[required(_l("Give the date it was received.")),
                                                        within_calendar])
    details = TextAreaField(_l("What they wrote"), [Optional(), Length(max=2000)])
    scan = FileField(_l("Scanned letter (PDF, JPEG or PNG, at most 5 MB)"))


@bp.route("/admin/requests", methods=["GET", "POST"])
@staff_required("admin")
def queue():
    """List open requests by due date; record a letter or an email."""
    form = RecordForm()
    if form.validate_on_submit():
        upload = request.files.get("scan")
        data = upload.read(5 * 1024 * 1024 + 1) if upload and upload.filename else None
        if data is not None and len(data) > 5 * 1024 * 1024:
            form.scan.errors.append(_("The file is larger than 5 MB."))
        else:
            try:
                received = dt.datetime.combine(form.received.data, dt.time(12))
                row = service.record_request(form.email.data, form.kind.data, form.channel.data, received,
                                             form.details.data, data, me())
                flash(_("The request is recorded. It is due on %(due)s.", due=row.due_at.strftime("%d.%m.%Y")),
                      "success")
                return redirect_to(url_for("requests.detail", request_id=row.id))
            except ValueError:
                form.scan.errors.append(_("Attach a PDF, JPEG or PNG file."))
    now, rows = clock.now(), service.queue()
    audit.record("people_listed", None, detail=f"requests: {len(rows)} shown")
    return render_page("rights/admin_queue.html", None, 422 if form.errors else 200, form=form,
                       rows=rows, now=now, soon=now + SOON, due=service.effective_due)


@bp.get("/admin/requests/<int:request_id>")
@staff_required("admin")
def detail(request_id):
    """Show one request and the actions that answer it."""
    row = get_or_404(DataRequest, request_id)
    audit.record("data_request_viewed", row.person_id, detail=f"request {row.id}")
    return render_template("rights/admin_request.html", row=row, now=clock.now(), due=service.effective_due(row),
                           restriction=service.active_restriction(row.person) if row.person else None,
                           reasons=RESTRICTION_CHOICES)


@bp.get("/admin/requests/<int:request_id>/scan")
@staff_required("admin")
def scan(request_id):
    """Open the scanned letter of a request."""
    row = get_or_404(DataRequest, request_id)
    path = attachment_path(row)
    if path is None:
        abort(404)
    audit.record("request_scan_viewed", row.person_id, detail=f"request {row.id}")
    return send_file(path, as_attachment=True, max_age=0)


PROBLEMS = {
    "extended_once": _l("A request can be extended once, by one or two months."),
    "no_reason": _l("Write the reason for the extension: the person is told."),
    "too_late": _l("Too late to extend: the person must be told before the first month ends."),
    "no_person": _l("Nobody with this address is in the register."),
    "tell_first": _l("Tell the person first that the restriction will be lifted."),
    "no_reply": _l("Write the reply: it is emailed to the person."),
}


@bp.post("/admin/requests/<int:request_id>/<action>")
@staff_required("admin")
def act(request_id, action):
    """Extend, send the export, erase, rectify, restrict or lift, or close with a reply."""
    row, form = get_or_404(DataRequest, request_id), request.form
    person, by = row.person, me()
    if action in ("rectify", "restrict", "announce-lift", "lift") and person is None:
        action = "no-person"
    try:
        if action == "extend":
            months = {"1": 1, "2": 2}.get(form.get("months"), 0)
            service.extend(row, months, (form.get("reason") or "").strip()[:2000], by)
            message = _("Extended; the person has been told why.")
        elif action == "export":
            service.send_export(row, by)
            message = _("The download link has been emailed.")
        elif action == "erase":
            service.erase_for_request(row, by)
            message = _("Everything about the person is erased except what the law keeps.")
        elif action == "rectify":
            name = " ".join((form.get("name") or person.name).split())[:100]
            update_profile(person, name, " ".join((form.get("phone") or "").split())[:32] or None, person.language)
            message = _("The correction is recorded.")
        elif action == "restrict":
            reasons = {choice.value for choice in RESTRICTION_CHOICES}
            service.restrict(person, form.get("reason") if form.get("reason") in reasons else "objection", row.details)
            message = _("Processing is restricted; the person has been told.")
        elif action == "announce-lift":
            service.announce_lift(person, (form.get("when") or "")[:40], by)
            message = _("The person has been told that the restriction will be lifted.")
        elif action == "lift":
            service.lift_restriction(person, by_person=False)
            message = _("The restriction is lifted.")
        elif action == "close":
            service.close(row, (form.get("reply") or "").strip()[:5000], by)
            flash(_("The request is closed and the reply emailed."), "success")
            return redirect_to("requests.queue")
        elif action == "no-person":
            raise service.NotNow("no_person")
        else:
            abort(400)
    except service.NotNow as problem:
        flash(str(PROBLEMS[problem.code]), "error")
    else:
        flash(message, "success")
    return redirect_to(url_for("requests.detail", request_id=row.id))
