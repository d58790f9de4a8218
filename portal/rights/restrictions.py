"""Restriction of processing (Art. 18): the person asks, staff tell before lifting, the person lifts."""
from .. import audit, clock
from ..db import database
from ..mail.service import send_mail
from ..people.models import Person
from ..translate import lazy_gettext as _l
from .models import NotNow, Restriction


def active_restriction(person):
    """Return the person's restriction in force, or None."""
    return (Restriction.select().where(Restriction.person == person, Restriction.lifted_at.is_null())
            .order_by(Restriction.id.desc()).first())


def restrict(person, reason, details):
    """Restrict processing (Art. 18): storage only, no marketing, flagged for staff."""
    with database.atomic():
        if active_restriction(person) is not None:
            return None
        now = clock.now()
        restriction = Restriction.create(person=person, reason=reason, details=details or "", requested_at=now)
        Person.update(restricted_at=now).where(Person.id == person.id).execute()
        person.restricted_at = now
        audit.record("processing_restricted", person, detail=f"reason: {reason}")
        send_mail(person.email, "restricted", _l("Processing of your data is restricted"), person=person)
    return restriction


def lift_restriction(person, by_person=True):
    """End the restriction in force. Staff must first tell the person (`announce_lift`)."""
    with database.atomic():
        restriction = active_restriction(person)
        if restriction is None:
            return None
        if not by_person and restriction.lift_notice_at is None:
            raise NotNow("tell_first")  # Art. 18(3)
        Restriction.update(lifted_at=clock.now()).where(Restriction.id == restriction.id).execute()
        Person.update(restricted_at=None).where(Person.id == person.id).execute()
        person.restricted_at = None
        audit.record("restriction_lifted", person, detail="by the person" if by_person else "by staff")
    return restriction


def announce_lift(person, when, by):
    """Tell the person their restriction will be lifted (Art. 18(3)); lifting is allowed afterwards."""
    with database.atomic():
        restriction = active_restriction(person)
        if restriction is None:
            return None
        Restriction.update(lift_notice_at=clock.now()).where(Restriction.id == restriction.id).execute()
        send_mail(person.email, "restriction_lifting", _l("Your restriction will be lifted"), person=person,
                  when=when)
        audit.record("restriction_lift_announced", person, actor=by)
    return restriction
