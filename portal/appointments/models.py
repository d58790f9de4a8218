"""Appointments and visits: when, what kind, how long, and staff's notes."""
from peewee import CharField, ForeignKeyField, IntegerField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField
from ..people.models import Person

KINDS = ("appointment", "visit")
NOTES_LIMIT = 2000


class Appointment(BaseModel):
    """A booked appointment or a visit that took place."""

    person = ForeignKeyField(Person, backref="appointments", on_delete="CASCADE")
    kind = CharField(max_length=12)  # appointment (booked) or visit (took place)
    starts_at = DateTimeField()  # UTC
    type = CharField(max_length=100)  # e.g. "personal training", "body composition"
    duration_minutes = IntegerField()
    notes = CharField(max_length=NOTES_LIMIT, default="")
    created_by = ForeignKeyField(Account, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("person", "starts_at"), False),)
