"""Rights verbs: restrict, lift, erase a person, and handle requests from people without an account.

`erase_person` runs every concern's erasure in one transaction, then deletes
the person row itself; a confirmation goes to the old address from an outbox
row that is deleted as soon as it has been delivered.
"""
import calendar
import datetime as dt
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from flask import current_app

from .. import audit, clock
from ..accounts.models import Account, Person, digest
from ..accounts.sessions import end_sessions
from ..accounts.tokens import consume_token, find_token, issue_token
from ..db import database
from ..mail.service import external_url, send_mail
from ..newsletter.links import ClockSigner
from ..translate import lazy_gettext as _l
from .models import DataRequest, Restriction
from .registry import concerns

EXPORT_LINK_DAYS = 7


def add_months(moment, months):
    """Return the same time `months` calendar months later (31 Jan + 1 = 28/29 Feb)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


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
            raise PermissionError("tell the person before lifting their restriction (Art. 18(3))")
        Restriction.update(lifted_at=clock.now()).where(Restriction.id == restriction.id).execute()
        Person.update(restricted_at=None).where(Person.id == person.id).execute()
        person.restricted_at = None
        audit.record("restriction_lifted", person, detail="by the person" if by_person else "by staff")
    return restriction


def erase_person(person, by="self"):
    """Erase everything about `person` in one transaction; keep only the suppression hash.

    Every concern erases its own tables; the person row goes last, taking the
    consent events with it. The notice to the old address is purged from the
    outbox once delivered.
    """
    with database.atomic():
        person_id, email, language = person.id, person.email, person.language
        accounts = list(Account.select().where(Account.person == person))
        for account in accounts:
            end_sessions(account)
        for concern in concerns():
            concern.erase(person)
        Person.delete().where(Person.id == person_id).execute()
        send_mail(email, "erased", _l("Your data has been deleted"), language=language,
                  purge_after_sending=True)
        audit.record("person_erased", person_id, detail=f"by {by}")


# ------------------------------------------------------------ requests without an account

def file_request(email, kind, details, language):
    """Record a request and mail the link that proves the address (same answer for everyone)."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with database.atomic():
        DataRequest.create(kind=kind, channel="web", email=email, details=details or "", language=language,
                           received_at=now, due_at=add_months(now, 1), token_hash=digest(raw))
        send_mail(email, "request_confirm", _l("Confirm your request"), language=language,
                  link=external_url("rights.confirm_request", token=raw), kind=kind)


def request_for(raw):
    """Return the unverified request behind a confirmation link (valid 72 h), or None."""
    if not raw or len(raw) > 100:
        return None
    request = DataRequest.get_or_none(DataRequest.token_hash == digest(raw), DataRequest.state == "unverified")
    if request is None or request.received_at < clock.now() - dt.timedelta(hours=72):
        return None
    return request


def confirm_request(raw):
    """Verify a request's address; answer access and portability at once. Return the request."""
    with database.atomic():
        request = request_for(raw)
        if request is None:
            return None
        person = Person.get_or_none(Person.email == request.email)
        now = clock.now()
        changes = {"verified_at": now, "token_hash": None, "person": person, "state": "open"}
        if request.kind in ("access", "portability"):
            changes.update(state="answered", answered_at=now)
            if person is not None:
                link = external_url("rights.request_export", token=export_token(person))
                send_mail(request.email, "request_export", _l("Your data"), person=person,
                          language=request.language, link=link, days=EXPORT_LINK_DAYS)
            else:
                send_mail(request.email, "request_nothing_held", _l("We hold no data about you"),
                          language=request.language)
        else:
            send_mail(request.email, "request_received", _l("We received your request"), person=person,
                      language=request.language, kind=request.kind, due=request.due_at)
        DataRequest.update(**changes).where(DataRequest.id == request.id).execute()
        audit.record("data_request_verified", person, detail=f"request {request.id}: {request.kind}")
    return request


def _export_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="export", signer=ClockSigner)


def export_token(person):
    """Return a signed 7-day token for downloading the person's export."""
    return _export_serializer().dumps(person.email_hash)


def person_from_export_token(token):
    """Return the person of an export token that is valid and unexpired, or None."""
    try:
        email_hash = _export_serializer().loads(token, max_age=EXPORT_LINK_DAYS * 24 * 3600)
    except (BadSignature, SignatureExpired):
        return None
    return Person.get_or_none(Person.email_hash == email_hash)


# ------------------------------------------------------------ subscribers without an account

def request_erasure_link(person):
    """Mail a subscriber the link that confirms erasing them (24 h)."""
    with database.atomic():
        raw = issue_token(person, "erase")
        send_mail(person.email, "erase_confirm", _l("Confirm deleting your data"), person=person,
                  link=external_url("rights.erase_by_link", token=raw))


def erasure_target(raw):
    """Return the person behind an erasure link, or None."""
    token = find_token(raw, "erase")
    return token.person if token is not None else None


def erase_by_link(raw):
    """Erase the subscriber whose link this is; return True when done."""
    with database.atomic():
        token = consume_token(raw, "erase")
        if token is None:
            return False
        erase_person(token.person, by="link")
    return True
