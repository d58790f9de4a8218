"""The consent ledger: what each person agreed to, objected to or withdrew, and proof of it.

`ConsentEvent` is append-only: the code has no path that changes or deletes an
event, and database triggers (migrations 0002 and 0005) refuse it too, except
when the person the event belongs to is erased or the retention job holds a
permit for the person and purpose (a withdrawn consent's record after its
period). `Consent` is the current state per
person and purpose, written in the same transaction as the event it follows.
`Suppression` holds keyed hashes of addresses that must not be re-added.
"""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField
from ..people.models import Person

ACTIONS = ("granted", "withdrawn", "objected")
SOURCE_KINDS = ("form", "signup", "page", "link", "import", "staff", "purchase")
# A customer's soft opt-in (917/2014 §200(2)) is its own basis in the ledger: its
# events carry basis SOFT_OPT_IN, and the current state of the purpose becomes
# CUSTOMER ("may be offered similar own products"), never "granted", so every query
# for consent keeps meaning consent (docs/decisions.md).
SOFT_OPT_IN = "soft_opt_in"
CUSTOMER = "customer"


class AppendOnly(Exception):
    """The ledger is append-only; an event cannot be changed or removed."""


class ConsentWording(BaseModel):
    """One version of a text shown beside a consent control, stored once."""

    sha256 = CharField(max_length=64, primary_key=True)
    language = CharField(max_length=5)
    text = TextField()
    created_at = DateTimeField(default=clock.now)


class ConsentEvent(BaseModel):
    """One grant, withdrawal or objection, with its proof. Never changed."""

    # Indexed by (person, occurred_at) below; a second index on person alone would only slow writes.
    person = ForeignKeyField(Person, backref="consent_events", on_delete="CASCADE", index=False)
    purpose = CharField(max_length=40)
    action = CharField(max_length=10)
    basis = CharField(max_length=20)
    occurred_at = DateTimeField(default=clock.now)
    source_kind = CharField(max_length=10)
    source = CharField(max_length=64)
    wording = ForeignKeyField(ConsentWording, null=True, backref="events", on_delete="RESTRICT")
    notice_version = CharField(max_length=40)
    confirmed_at = DateTimeField(null=True)
    network = CharField(max_length=50, default="")
    reason = CharField(max_length=500, null=True)

    class Meta:
        indexes = ((("person", "occurred_at"), False),)

    def save(self, *args, **kwargs):
        if self._pk is not None:
            raise AppendOnly("consent events cannot be changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnly("consent events cannot be deleted")


class Consent(BaseModel):
    """The current state of one person's consent or objection for one purpose."""

    person = ForeignKeyField(Person, backref="consents", on_delete="CASCADE", index=False)  # see (person, purpose)
    purpose = CharField(max_length=40)
    state = CharField(max_length=10)
    updated_at = DateTimeField(default=clock.now)
    event = ForeignKeyField(ConsentEvent, on_delete="CASCADE")

    class Meta:
        indexes = (
            (("person", "purpose"), True),
            (("purpose", "state", "person"), False),
        )


class Suppression(BaseModel):
    """An address that must not be re-added without a new confirmed opt-in.

    Only an HMAC of the normalised address is kept, keyed with a server secret,
    so the list cannot be read back into addresses.
    """

    address_hash = CharField(max_length=64, primary_key=True)
    reason = CharField(max_length=20)
    created_at = DateTimeField(default=clock.now)


class ConsentEventPermit(BaseModel):
    """Leave to delete one person's events for one purpose, inside the retention job's transaction.

    The ledger's triggers (migration 0005) refuse to delete a consent event while
    its person exists, unless a permit names the person and purpose. The job
    writes the permits, deletes the events and removes the permits in one
    transaction, so no other connection ever sees a permit.
    """

    person_id = IntegerField()  # a plain id: the permit outlives nothing and links nothing
    purpose = CharField(max_length=40)

    class Meta:
        indexes = ((("person_id", "purpose"), False),)
