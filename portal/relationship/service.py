"""Relationship log verbs: staff record messages, actions, quality-control notes, customer emails
and other data collected with permission."""
from .. import audit, clock
from ..consents.models import Consent
from ..db import database
from ..register import get_register
from .models import CONSENTED, KIND_FIELDS, STAFF_KINDS, Interaction


class NotRecorded(ValueError):
    """The entry does not fit the register definition or the person's consents."""


def staff_kinds(register=None):
    """Return the kinds staff may record under this definition: those whose field a category names."""
    register = register or get_register()
    named = {key for category in register.categories.values() for key in category.fields}
    return [kind for kind in STAFF_KINDS if KIND_FIELDS[kind] in named]


def consent_purposes(register=None):
    """Return the consent purposes that other data collected with permission may rest on."""
    register = register or get_register()
    category = register.category_with_field("other_consented_data")
    keys = category.purposes if category else []
    return [key for key in keys if register.purposes[key].basis == "consent"] or \
        [key for key, p in register.purposes.items() if p.basis == "consent"]


def record(person, kind, detail, note, when, staff, purpose=None):
    """Add an entry to a person's log, by a staff member; audited.

    Raise NotRecorded for a kind the definition does not name, or for data
    collected with permission without a consent the person has given now.
    """
    if kind not in staff_kinds():
        raise NotRecorded("kind")
    if kind == CONSENTED:
        if purpose not in consent_purposes() or not Consent.select().where(
                Consent.person == person, Consent.purpose == purpose, Consent.state == "granted").exists():
            raise NotRecorded("consent")
    else:
        purpose = None
    with database.atomic():
        entry = Interaction.create(person=person, kind=kind, detail=detail, note=note or "", purpose=purpose,
                                   occurred_at=clock.utc(when) or clock.now(), staff=staff)
        audit.record("relationship_logged", person, detail=kind, actor=staff)
    return entry
