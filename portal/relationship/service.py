"""Relationship log verbs: staff record messages and actions."""
from .. import audit, clock
from ..db import database
from .models import Interaction


def record(person, kind, detail, note, when, staff):
    """Add a message or an action to a person's log, by a staff member; audited."""
    with database.atomic():
        entry = Interaction.create(person=person, kind=kind, detail=detail, note=note or "",
                                   occurred_at=clock.utc(when) or clock.now(), staff=staff)
        audit.record("relationship_logged", person, detail=kind, actor=staff)
    return entry
