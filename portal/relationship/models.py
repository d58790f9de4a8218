"""The customer relationship log: what happened between a person and the business.

An `Interaction` is a dated entry that staff (or the portal) record: a free
material sent, a message or an action (register A), a quality-control note,
an email the customer sent, or other data collected with the person's
permission, tied to their consent to a purpose (register B). Each kind
belongs to one field key of the register definitions (`KIND_FIELDS`), and so
to the category that says how it is shown, exported, erased and kept.
"""
from peewee import CharField, ForeignKeyField, TextField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField
from ..people.models import Person

# The definition's field key each kind of entry belongs to.
KIND_FIELDS = {
    "free_material_sent": "customer_actions",
    "message": "customer_messages",
    "action": "customer_actions",
    "quality": "quality_records",
    "customer_email": "customer_emails",
    "consented": "other_consented_data",
}
KINDS = tuple(KIND_FIELDS)
STAFF_KINDS = ("message", "action", "quality", "customer_email", "consented")  # what staff may record
CONSENTED = "consented"


class Interaction(BaseModel):
    """One dated event in a person's relationship with the business."""

    person = ForeignKeyField(Person, backref="interactions", on_delete="CASCADE")
    kind = CharField(max_length=32)
    detail = CharField(max_length=200, default="")
    staff = ForeignKeyField(Account, null=True, backref="+", on_delete="SET NULL")
    occurred_at = DateTimeField(default=clock.now)
    # Added by migration 0004: what staff wrote about a message or an action.
    note = TextField(default="")
    # Added by migration 0010: the consent purpose that other data collected with
    # permission rests on (kind "consented"); it goes when that consent does.
    purpose = CharField(max_length=40, null=True)

    class Meta:
        indexes = ((("person", "occurred_at"), False),)


def kinds_of(field_keys):
    """Return the kinds of entry belonging to any of `field_keys`."""
    return [kind for kind, key in KIND_FIELDS.items() if key in field_keys]
