"""Record a child under 13 with their guardian, and the guardian's consents in the ledger."""
import secrets

from .. import audit
from ..consents import service as ledger
from ..db import database
from ..people.models import Person
from ..register import get_register
from .models import PLACEHOLDER, Guardian


class NotAllowed(PermissionError):
    """The register definition does not take children's data from guardians."""


def allowed(register=None):
    """Return True when the definition lets staff record children with their guardians."""
    return bool((register or get_register()).membership.get("guardians"))


def record_child(child, guardian, purposes, staff):
    """Record a child (name, email or None, language) with the guardian (name, email, phone); return the child.

    The guardian's consent to each of `purposes` is the child's consent event,
    recorded by staff with the guardian as its source. Raise NotAllowed when
    the definition does not allow it, ValueError for an address already in the register.
    """
    if not allowed():
        raise NotAllowed("guardians")
    email = child["email"] or PLACEHOLDER + secrets.token_hex(12)
    with database.atomic():
        if Person.select().where(Person.email == email).exists():
            raise ValueError("email")
        person = Person.create(email=email, name=child["name"], language=child["language"], source="guardian",
                               status="customer")
        Guardian.create(child=person, name=guardian["name"], email=guardian["email"],
                        phone=guardian.get("phone") or None, recorded_by=staff)
        for purpose in purposes:
            ledger.grant(person, purpose, "staff", "guardian", ledger.consent_wording(purpose, child["language"]))
        audit.record("child_recorded", person, detail=f"with guardian, {len(purposes)} consents", actor=staff)
    return person


def guardian_of(person):
    """Return the guardian recorded for `person`, or None."""
    return Guardian.get_or_none(Guardian.child == person)
