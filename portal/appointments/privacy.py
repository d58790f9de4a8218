"""Appointments' share of a person's data."""
from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .models import Appointment

COVERS = {Appointment: "exported; deleted on erasure"}


def _appointments(person):
    for a in (Appointment.select().where(Appointment.person == person)
              .order_by(Appointment.starts_at, Appointment.id).iterator()):
        yield {"kind": a.kind, "starts_at": a.starts_at, "type": a.type, "duration_minutes": a.duration_minutes,
               "notes": a.notes, "created_at": a.created_at}


def _line(kind):
    def show(row):
        if row["kind"] != kind:
            return None
        notes = f" · {row['notes']}" if row["notes"] else ""
        return f"{when(row['starts_at'])}: {row['type']} · {row['duration_minutes']} min{notes}"
    return show


TABLES = [
    Table("appointments", _l("Your appointments and visits"), [
        Field("kind", _l("appointment (booked) or visit (took place)")),
        Field("starts_at", _l("When (UTC)"), "datetime"), Field("type", _l("What kind of appointment or visit")),
        Field("duration_minutes", _l("Length in minutes"), type="integer"),
        Field("notes", _l("Our notes")),
        Field("created_at", _l("When it was recorded"), "datetime"),
    ], _appointments, shows={"appointments": _line("appointment"), "visits": _line("visit")}),
]


def erase(person):
    """Remove the person's appointments and visits."""
    Appointment.delete().where(Appointment.person == person).execute()
