"""Pending sign-ups' share of a person's data (matched by address: no person yet)."""
import json

from ..personal_data import Field, Table
from ..translate import lazy_gettext as _l
from .models import PendingSignup

COVERS = {PendingSignup: "exported; matched by the address"}


def _pending(person):
    for p in PendingSignup.select().where(PendingSignup.email == person.email):
        yield {"source": p.source, "created_at": p.created_at,
               "purposes": " ".join(g["purpose"] for g in json.loads(p.grants))}


TABLES = [
    Table("pending_signups", _l("Sign-ups waiting for your confirmation"), [
        Field("source", _l("Which form")), Field("created_at", _l("When the form was sent"), "datetime"),
        Field("purposes", _l("What it asked for")),
    ], _pending),
]


def erase(person):
    """Remove the sign-ups waiting for the person's confirmation."""
    PendingSignup.delete().where(PendingSignup.email == person.email).execute()
