"""Staff record an appointment or a visit on a person's page."""
import datetime as dt

from flask import Blueprint, flash, request, url_for

from .. import clock
from ..accounts.access import me
from ..db import get_or_404
from ..htmx import redirect_to
from ..people.models import Person
from ..staff.access import staff_required
from ..translate import gettext as _
from .service import record_appointment

bp = Blueprint("appointments", __name__)


@bp.post("/admin/people/<int:person_id>/appointments")
@staff_required()
def record(person_id):
    """Record an appointment or a visit for a person."""
    person, form = get_or_404(Person, person_id), request.form
    try:
        starts = dt.datetime.strptime(form.get("starts_at", ""), "%Y-%m-%dT%H:%M")
        if not clock.in_calendar(starts):
            raise ValueError("a year outside the calendar")
        starts = clock.utc(starts)
        record_appointment(person, form.get("kind"), starts, form.get("type"), form.get("duration", type=int),
                           (form.get("notes") or "").strip(), me())
    except ValueError:
        flash(_("The entry was not saved: give the kind, the time, the type and the length in minutes."), "error")
    else:
        flash(_("Saved."), "success")
    return redirect_to(url_for("admin.person", person_id=person.id) + "#appointments")
