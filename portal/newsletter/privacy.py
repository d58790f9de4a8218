"""Pending sign-ups' share of export and erasure (matched by address: no person yet)."""
import json

from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import PendingSignup

COVERS = {PendingSignup: "exported; matched by the address"}


def export(person):
    """Return the sign-ups waiting for the person's confirmation."""
    return [Table("pending_signups", _l("Sign-ups waiting for your confirmation"), [
        Field("source", _l("Which form")), Field("created_at", _l("When the form was sent")),
        Field("purposes", _l("What it asked for")),
    ], lambda: ({"source": p.source, "created_at": iso(p.created_at),
                 "purposes": " ".join(g["purpose"] for g in json.loads(p.grants))}
                for p in PendingSignup.select().where(PendingSignup.email == person.email)))]


def erase(person):
    """Remove the sign-ups waiting for the person's confirmation."""
    PendingSignup.delete().where(PendingSignup.email == person.email).execute()
