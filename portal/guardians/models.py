"""A guardian: who gave a child's data and consented for them (GDPR 8, Tietosuojalaki 1050/2018 §5).

A child under 13 cannot consent to an information society service alone, so
staff record the child with their guardian: the guardian's name and contact
are the source of the child's data, and the guardian's consents are the
child's consent events (source `guardian`). A child without an address of
their own gets a placeholder (`guardian:<random>`) that no mail is sent to.
"""
from peewee import CharField, ForeignKeyField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField
from ..people.models import Person

PLACEHOLDER = "guardian:"


class Guardian(BaseModel):
    """The guardian who gave a child's data: name and contact, and who recorded it."""

    child = ForeignKeyField(Person, unique=True, backref="guardians", on_delete="CASCADE")
    name = CharField(max_length=100)
    email = CharField(max_length=254, index=True)
    phone = CharField(max_length=32, null=True)
    recorded_by = ForeignKeyField(Account, null=True, backref="+", on_delete="SET NULL")
    recorded_at = DateTimeField(default=clock.now)


def children_of(email):
    """Return the children whose guardian has this address, oldest record first."""
    return [g.child for g in Guardian.select(Guardian, Person).join(Person)
            .where(Guardian.email == email).order_by(Guardian.id)]
