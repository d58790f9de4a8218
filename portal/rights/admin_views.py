"""The data request queue for admins: by due date, with every action audited (Art. 12)."""
import datetime as dt

from flask import abort, flash, render_template, request, send_file, url_for

from .. import audit, clock
from ..accounts.access import me
from ..accounts.service import update_profile
from ..db import get_or_404
from ..htmx import redirect_to, render_form
from ..staff.access import staff_required
from ..translate import gettext as _
from ..translate import lazy_gettext as _l
from . import erasure, requests, restrictions
from .forms import (
    RESTRICTION_CHOICES,
    AnnounceLiftForm,
    CloseForm,
    ExtendForm,
    RecordForm,
    RectifyForm,
    StaffRestrictForm,
)
from .models import DataRequest, NotNow, attachment_path
from .views import bp

SOON = dt.timedelta(days=7)
PROBLEMS = {
    "extended_once": _l("A request can be extended once, by one or two months."),
    "no_reason": _l("Write the reason for the extension: the person is told."),
    "too_late": _l("Too late to extend: the person must be told before the first month ends."),
    "no_person": _l("Nobody with this address is in the register."),
    "tell_first": _l("Tell the person first that the restriction will be lifted."),
    "no_reply": _l("Write the reply: it is emailed to the person."),
}


@bp.route("/admin/requests", methods=["GET", "POST"])
@staff_required("admin")
def request_queue():
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
                row = requests.record_request(form.email.data, form.kind.data, form.channel.data, received,
                                             form.details.data, data, me())
                flash(_("The request is recorded. It is due on %(due)s.", due=row.due_at.strftime("%d.%m.%Y")),
                      "success")
                return redirect_to(url_for("rights.request_detail", request_id=row.id))
            except ValueError:
                form.scan.errors.append(_("Attach a PDF, JPEG or PNG file."))
    now, rows = clock.now(), requests.queue()
    audit.record("people_listed", None, detail=f"requests: {len(rows)} shown")
    return render_form("rights/admin_queue.html", form,
                       rows=rows, now=now, soon=now + SOON, due=requests.effective_due)


@bp.get("/admin/requests/<int:request_id>")
@staff_required("admin")
def request_detail(request_id):
    """Show one request and the actions that answer it."""
    row = get_or_404(DataRequest, request_id)
    audit.record("data_request_viewed", row.person_id, detail=f"request {row.id}")
    return render_template("rights/admin_request.html", row=row, now=clock.now(), due=requests.effective_due(row),
                           restriction=restrictions.active_restriction(row.person) if row.person else None,
                           reasons=RESTRICTION_CHOICES)


@bp.get("/admin/requests/<int:request_id>/scan")
@staff_required("admin")
def request_scan(request_id):
    """Open the scanned letter of a request."""
    row = get_or_404(DataRequest, request_id)
    path = attachment_path(row)
    if path is None:
        abort(404)
    audit.record("request_scan_viewed", row.person_id, detail=f"request {row.id}")
    return send_file(path, as_attachment=True, max_age=0)


def _back(row, message=None, problem=None):
    """Flash what happened and go back to the request."""
    if problem is not None:
        flash(str(PROBLEMS[problem]), "error")
    elif message is not None:
        flash(message, "success")
    return redirect_to(url_for("rights.request_detail", request_id=row.id))


def _with_person(request_id):
    """Return (request, person) for an action on the person; the person may be gone."""
    row = get_or_404(DataRequest, request_id)
    return row, row.person


@bp.post("/admin/requests/<int:request_id>/extend")
@staff_required("admin")
def extend_request(request_id):
    """Extend the deadline by one or two months, telling the person why (Art. 12(3))."""
    row, form = get_or_404(DataRequest, request_id), ExtendForm()
    try:
        requests.extend(row, form.month_count(), (form.reason.data or "").strip(), me())
    except NotNow as problem:
        return _back(row, problem=problem.code)
    return _back(row, _("Extended; the person has been told why."))


@bp.post("/admin/requests/<int:request_id>/export")
@staff_required("admin")
def send_request_export(request_id):
    """Answer an access or portability request with an emailed download link."""
    row = get_or_404(DataRequest, request_id)
    requests.send_export(row, me())
    return _back(row, _("The download link has been emailed."))


@bp.post("/admin/requests/<int:request_id>/erase")
@staff_required("admin")
def erase_for_request(request_id):
    """Erase the person a request names, except what the law keeps."""
    row = get_or_404(DataRequest, request_id)
    erasure.erase_for_request(row, me())
    return _back(row, _("Everything about the person is erased except what the law keeps."))


@bp.post("/admin/requests/<int:request_id>/rectify")
@staff_required("admin")
def rectify_for_request(request_id):
    """Correct the person's name or phone as the request asks (Art. 16)."""
    (row, person), form = _with_person(request_id), RectifyForm()
    if person is None:
        return _back(row, problem="no_person")
    name = " ".join((form.name.data or person.name).split())[:100]
    update_profile(person, name, " ".join((form.phone.data or "").split())[:32] or None, person.language)
    return _back(row, _("The correction is recorded."))


@bp.post("/admin/requests/<int:request_id>/restrict")
@staff_required("admin")
def restrict_for_request(request_id):
    """Restrict processing for the person, with the reason the request gives (Art. 18)."""
    (row, person), form = _with_person(request_id), StaffRestrictForm()
    if person is None:
        return _back(row, problem="no_person")
    reasons = {choice.value for choice in RESTRICTION_CHOICES}
    restrictions.restrict(person, form.reason.data if form.reason.data in reasons else "objection", row.details)
    return _back(row, _("Processing is restricted; the person has been told."))


@bp.post("/admin/requests/<int:request_id>/announce-lift")
@staff_required("admin")
def announce_lift(request_id):
    """Tell the person that their restriction will be lifted (Art. 18(3))."""
    (row, person), form = _with_person(request_id), AnnounceLiftForm()
    if person is None:
        return _back(row, problem="no_person")
    restrictions.announce_lift(person, (form.when.data or "")[:40], me())
    return _back(row, _("The person has been told that the restriction will be lifted."))


@bp.post("/admin/requests/<int:request_id>/lift")
@staff_required("admin")
def lift_restriction(request_id):
    """Lift the person's restriction, once they have been told."""
    row, person = _with_person(request_id)
    if person is None:
        return _back(row, problem="no_person")
    try:
        restrictions.lift_restriction(person, by_person=False)
    except NotNow as problem:
        return _back(row, problem=problem.code)
    return _back(row, _("The restriction is lifted."))


@bp.post("/admin/requests/<int:request_id>/close")
@staff_required("admin")
def close_request(request_id):
    """Close the request with a reply that is emailed to the person."""
    row, form = get_or_404(DataRequest, request_id), CloseForm()
    try:
        requests.close(row, (form.reply.data or "").strip()[:5000], me())
    except NotNow as problem:
        return _back(row, problem=problem.code)
    flash(_("The request is closed and the reply emailed."), "success")
    return redirect_to("rights.request_queue")

