"""Relationship log verbs: staff record messages and actions."""
from .. import audit, clock
from ..db import database
from .models import Interaction

HELSINKI = "Europe/Helsinki"


def to_utc(local):
    """Return a naive Europe/Helsinki time as naive UTC (None stays None)."""
    if local is None:
        return None
    from zoneinfo import ZoneInfo
    import datetime as dt
    aware = local.replace(tzinfo=ZoneInfo(HELSINKI))
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc):
    """Return a naive UTC time as naive Europe/Helsinki time (None stays None)."""
    if utc is None:
        return None
    from zoneinfo import ZoneInfo
    import datetime as dt
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(HELSINKI)).replace(tzinfo=None)


def record(person, kind, detail, note, when, staff):
    """Add a message or an action to a person's log, by a staff member; audited."""
    with database.atomic():
        entry = Interaction.create(person=person, kind=kind, detail=detail, note=note or "",
                                   occurred_at=to_utc(when) or clock.now(), staff=staff)
        audit.record("relationship_logged", person, detail=kind, actor=staff)
    return entry
