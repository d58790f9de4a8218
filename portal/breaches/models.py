"""The breach register (Art. 33-34). Nothing here is ever deleted."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField
from ..people.models import Person

RISKS = ("none", "risk", "high")


class Breach(BaseModel):
    """A personal data breach: what, when found, whom it touches, what was done."""

    title = CharField(max_length=200)
    description = TextField()
    occurred_at = DateTimeField(null=True)
    discovered_at = DateTimeField()
    categories = CharField(max_length=500)
    people_affected = IntegerField(default=0)  # approximate
    records_affected = IntegerField(default=0)  # approximate
    consequences = TextField(default="")
    measures = TextField(default="")
    risk = CharField(max_length=10)
    ombudsman_notified_at = DateTimeField(null=True)
    not_notified_reason = TextField(default="")
    recorded_by = IntegerField(null=True)
    created_at = DateTimeField(default=clock.now)


class BreachNotice(BaseModel):
    """The notice one affected person was sent about a breach."""

    breach = ForeignKeyField(Breach, backref="notices", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="breach_notices", on_delete="SET NULL")
    language = CharField(max_length=5)
    sent_by = IntegerField(null=True)
    queued_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("breach", "person"), True),)
