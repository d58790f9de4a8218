"""Appointment verbs: staff record an appointment or a visit; the person's list of them."""
from .. import audit
from ..db import database
from .models import KINDS, NOTES_LIMIT, Appointment


def record_appointment(person, kind, starts_at, type, duration_minutes, notes, staff):
    """Record an appointment or visit for `person` on behalf of `staff`; return it.

    Raise ValueError for a kind, length or note that does not fit.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    type = " ".join((type or "").split())
    if not 0 < len(type) <= 100:
        raise ValueError("type must be 1-100 characters")
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= 24 * 60:
        raise ValueError("duration must be 1-1440 minutes")
    if len(notes or "") > NOTES_LIMIT:
        raise ValueError(f"notes can be at most {NOTES_LIMIT} characters")
    with database.atomic():
        appointment = Appointment.create(person=person, kind=kind, starts_at=starts_at, type=type,
                                         duration_minutes=duration_minutes, notes=notes or "", created_by=staff)
        audit.record(f"{kind}_recorded", person, detail=f"{kind} {appointment.id}", actor=staff)
    return appointment


def appointments_of(person, kind):
    """Return the person's appointments or visits, newest first."""
    return list(Appointment.select().where(Appointment.person == person, Appointment.kind == kind)
                .order_by(Appointment.starts_at.desc()))
