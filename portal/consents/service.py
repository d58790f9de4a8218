"""Consent verbs: grant, withdraw, object, stop all marketing, soft opt-in; the suppression list.

Every change writes one `ConsentEvent` (with the exact wording shown, the
notice version in force and a coarse network hint) and the matching
`Consent` state in the same transaction. Callers own the transaction: these
verbs run inside the `database.atomic()` of the action that causes them.
"""
import hashlib

from flask import has_request_context, request
from peewee import JOIN

from .. import clock
from ..db import database
from ..logs import coarse_network
from ..people.models import Person, address_hash
from ..register import get_register
from ..register.versions import current_label
from .models import CUSTOMER, SOFT_OPT_IN, Consent, ConsentEvent, ConsentWording, Suppression


class NotAllowed(ValueError):
    """The change does not fit the purpose's legal basis."""


def wording(text, language):
    """Store `text` once per version and return its SHA-256 (the proof of what was shown)."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ConsentWording.insert(sha256=sha, language=language, text=text, created_at=clock.now()) \
        .on_conflict_ignore().execute()
    return sha


def consent_wording(purpose, language):
    """Return the SHA-256 of a consent purpose's own consent text in `language`."""
    definition = get_register().purposes[purpose]
    return wording(definition.consent_text[language], language)


def network_hint():
    """Return the coarse network of the current request (IPv4 /24, IPv6 /48), or ''."""
    return coarse_network(request.remote_addr) if has_request_context() else ""


def record(person, purpose, action, source_kind, source, wording_sha=None, confirmed_at=None,
           network=None, reason=None, notice_version=None, when=None, basis=None, state=None):
    """Append one event and set the current state to match it.

    `basis` defaults to the purpose's own; `state` to the action (a soft
    opt-in's grant leaves the state CUSTOMER, not "granted").
    """
    definition = get_register().purposes[purpose]
    when = when or clock.now()
    state = state or action
    event = ConsentEvent.create(
        person=person, purpose=purpose, action=action, basis=basis or definition.basis, occurred_at=when,
        source_kind=source_kind, source=str(source)[:64], wording=wording_sha,
        notice_version=notice_version or current_label(), confirmed_at=confirmed_at,
        network=network_hint() if network is None else network, reason=reason)
    (Consent.insert(person=person, purpose=purpose, state=state, updated_at=when, event=event)
     .on_conflict(conflict_target=[Consent.person, Consent.purpose],
                  update={Consent.state: state, Consent.updated_at: when, Consent.event: event.id})
     .execute())
    return event


def states(person):
    """Return {purpose: state} for the person's recorded consents and objections."""
    return {c.purpose: c.state for c in Consent.select(Consent.purpose, Consent.state)
            .where(Consent.person == person)}


def grant(person, purpose, source_kind, source, wording_sha, confirmed_at=None, network=None,
          notice_version=None):
    """Grant a consent purpose; return the event, or None if it was already granted."""
    if get_register().purposes[purpose].basis != "consent":
        raise NotAllowed(f"{purpose} does not rest on consent")
    if states(person).get(purpose) == "granted":
        return None
    return record(person, purpose, "granted", source_kind, source, wording_sha, confirmed_at,
                  network, notice_version=notice_version)


def withdraw(person, purpose, source_kind, source, wording_sha=None):
    """Withdraw a granted consent or refuse a customer's soft opt-in; return the event or None.

    When no direct-marketing consent is left, the address joins the
    suppression list, so no form or import can bring it back unconfirmed.
    """
    current = states(person).get(purpose)
    if current not in ("granted", CUSTOMER):
        return None
    basis = SOFT_OPT_IN if current == CUSTOMER else None
    event = record(person, purpose, "withdrawn", source_kind, source, wording_sha, basis=basis)
    if get_register().purposes[purpose].direct_marketing and not _marketing_left(person):
        suppress(person.email, "unsubscribed")
    return event


def object_to(person, purpose, source_kind, source, reason=None, wording_sha=None):
    """Object to a legitimate-interest or direct-marketing purpose (Art. 21).

    An objection to direct marketing is absolute and immediate: the address
    is suppressed at once.
    """
    definition = get_register().purposes[purpose]
    if definition.basis != "legitimate_interest" and not definition.direct_marketing:
        raise NotAllowed(f"{purpose} cannot be objected to")
    if states(person).get(purpose) == "objected":
        return None
    event = record(person, purpose, "objected", source_kind, source, wording_sha, reason=reason)
    if definition.direct_marketing:
        suppress(person.email, "objected")
    return event


def lift_objection(person, purpose, source_kind, source, wording_sha=None):
    """Withdraw one's own objection to a legitimate-interest purpose."""
    if get_register().purposes[purpose].basis != "legitimate_interest":
        raise NotAllowed(f"{purpose} is not a legitimate-interest purpose")
    if states(person).get(purpose) != "objected":
        return None
    return record(person, purpose, "withdrawn", source_kind, source, wording_sha)


def stop_all(person, source_kind, source, text, language):
    """Object to all direct marketing and withdraw every consent (Art. 21(3)), the words shown as proof."""
    with database.atomic():
        stop_all_marketing(person, source_kind, source, wording(text, language))


def stop_all_marketing(person, source_kind, source, wording_sha=None):
    """Object to every direct-marketing purpose and withdraw every other consent (Art. 21(3)).

    Return the events written.
    """
    events, current = [], states(person)
    for purpose in get_register().purposes.values():
        if purpose.direct_marketing and current.get(purpose.key) != "objected":
            events.append(record(person, purpose.key, "objected", source_kind, source, wording_sha))
        elif purpose.basis == "consent" and current.get(purpose.key) == "granted":
            events.append(record(person, purpose.key, "withdrawn", source_kind, source, wording_sha))
    suppress(person.email, "objected")
    return events


def soft_opt_in(person, source_kind, source, refused, language):
    """Start a customer's soft opt-in for each purpose that allows it, or record their refusal.

    Called at a purchase, where the refusal box was offered unticked. A purpose
    the person already has a state for is left alone: a consent stays a
    consent, and an earlier withdrawal, refusal or objection stands. Return
    the events written.
    """
    events, current = [], states(person)
    for purpose in get_register().soft_opt_in_purposes():
        if purpose.key in current:
            continue
        sha = wording(purpose.soft_opt_in_text[language], language)
        if refused:
            events.append(record(person, purpose.key, "withdrawn", source_kind, source, sha, basis=SOFT_OPT_IN))
        else:
            events.append(record(person, purpose.key, "granted", source_kind, source, sha, basis=SOFT_OPT_IN,
                                 state=CUSTOMER))
    return events


def soft_opt_in_offered(person):
    """Return the purposes whose refusal box a purchase by `person` would show."""
    current = states(person)
    return [p for p in get_register().soft_opt_in_purposes() if p.key not in current]


def _marketing_left(person):
    marketing = [p.key for p in get_register().marketing_purposes()]
    return Consent.select().where(Consent.person == person, Consent.purpose.in_(marketing),
                                  Consent.state == "granted").exists()


def is_suppressed(email):
    """Return True when the address is on the suppression list."""
    return Suppression.select().where(Suppression.address_hash == address_hash(email)).exists()


def suppress(email, reason):
    """Put the address on the suppression list (idempotent)."""
    Suppression.insert(address_hash=address_hash(email), reason=reason, created_at=clock.now()) \
        .on_conflict_ignore().execute()


def lift_suppression(email):
    """Take the address off the list: only after a new, confirmed opt-in."""
    Suppression.delete().where(Suppression.address_hash == address_hash(email)).execute()


def fill_email_hashes():
    """Give every person their address hash and name key where missing (after migrations)."""
    for person in Person.select(Person.id, Person.email).where(Person.email_hash.is_null()):
        Person.update(email_hash=address_hash(person.email)).where(Person.id == person.id).execute()
    for person in Person.select(Person.id, Person.name).where((Person.name_key.is_null()) & (Person.name != "")):
        Person.update(**Person.name_fields(person.name)).where(Person.id == person.id).execute()


def history(person):
    """Return the person's consent events, newest first, with their wording."""
    return list(ConsentEvent.select(ConsentEvent, ConsentWording)
                .join(ConsentWording, JOIN.LEFT_OUTER)
                .where(ConsentEvent.person == person)
                .order_by(ConsentEvent.occurred_at.desc(), ConsentEvent.id.desc()))
