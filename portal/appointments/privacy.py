"""Appointments' share of export and erasure."""
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import Appointment

COVERS = {Appointment: "exported; deleted on erasure"}


def export(person):
    """Return the person's appointments and visits, oldest first."""
    return [Table("appointments", _l("Your appointments and visits"), [
        Field("kind", _l("appointment (booked) or visit (took place)")),
        Field("starts_at", _l("When (UTC)")), Field("type", _l("What kind of appointment or visit")),
        Field("duration_minutes", _l("Length in minutes"), type="integer"),
        Field("notes", _l("Our notes")),
        Field("created_at", _l("When it was recorded")),
    ], lambda: ({"kind": a.kind, "starts_at": iso(a.starts_at), "type": a.type,
                 "duration_minutes": a.duration_minutes, "notes": a.notes, "created_at": iso(a.created_at)}
                for a in Appointment.select().where(Appointment.person == person)
                .order_by(Appointment.starts_at, Appointment.id).iterator()))]


def erase(person):
    """Remove the person's appointments and visits."""
    Appointment.delete().where(Appointment.person == person).execute()
