"""The customer relationship log: what happened between a person and the business.

An `Interaction` is a dated line such as "free material sent"; staff will add
messages, actions, appointments and visits to the same log.
"""
from peewee import CharField, ForeignKeyField, TextField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField
from ..people.models import Person

KINDS = ("free_material_sent", "message", "action")


class Interaction(BaseModel):
    """One dated event in a person's relationship with the business."""

    person = ForeignKeyField(Person, backref="interactions", on_delete="CASCADE")
    kind = CharField(max_length=32)
    detail = CharField(max_length=200, default="")
    staff = ForeignKeyField(Account, null=True, backref="+", on_delete="SET NULL")
    occurred_at = DateTimeField(default=clock.now)
    # Added by migration 0004: what staff wrote about a message or an action.
    note = TextField(default="")

    class Meta:
        indexes = ((("person", "occurred_at"), False),)
