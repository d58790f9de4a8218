"""Breach register verbs: record an incident, record the Ombudsman notification, notify people.

Notices go through the outbox in each person's language and are recorded
per person; a person is never notified twice about one incident. Nothing
here deletes anything.
"""
import datetime as dt

from .. import audit
from ..db import database
from ..mail.service import send_mail
from ..people.models import Person
from ..translate import lazy_gettext as _l
from .models import Breach, BreachNotice

DEADLINE = dt.timedelta(hours=72)


def ombudsman_deadline(breach):
    """Return when the Data Protection Ombudsman must have been told (72 h from awareness)."""
    return breach.discovered_at + DEADLINE


def record(fields, by):
    """Record a new incident; return it."""
    with database.atomic():
        breach = Breach.create(recorded_by=by.id, **fields)
        audit.record("breach_recorded", None, detail=f"breach {breach.id}", actor=by)
    return breach


def update(breach, fields, by):
    """Change what is known about an incident (it is never deleted)."""
    with database.atomic():
        Breach.update(**fields).where(Breach.id == breach.id).execute()
        audit.record("breach_updated", None, detail=f"breach {breach.id}", actor=by)


def notify(breach, people, by):
    """Queue the notice to each chosen person not yet notified; return how many were queued."""
    sent = 0
    with database.atomic():
        done = {n.person_id for n in BreachNotice.select(BreachNotice.person).where(BreachNotice.breach == breach)}
        for person in people:
            if person.id in done:
                continue
            send_mail(person.email, "breach_notice", _l("A data breach that concerns you"), person=person,
                      breach=breach)
            BreachNotice.create(breach=breach, person=person, language=person.language, sent_by=by.id)
            audit.record("breach_notice_sent", person, detail=f"breach {breach.id}", actor=by)
            sent += 1
    return sent


def notified(breach):
    """Return how many people have been sent the notice of an incident."""
    return BreachNotice.select().where(BreachNotice.breach == breach).count()


def people_by_ids(ids):
    """Return the people with these ids (the staff's selection)."""
    return list(Person.select().where(Person.id.in_(ids))) if ids else []
