"""Rights verbs: restrict, lift, erase a person, and handle requests from people without an account.

`erase_person` runs every concern's erasure in one transaction, then deletes
the person row itself; a confirmation goes to the old address from an outbox
row that is deleted as soon as it has been delivered.
"""
import datetime as dt
import secrets

from flask import current_app

from .. import audit, clock
from ..accounts.models import Account, digest
from ..people.models import Person
from ..accounts.sessions import end_sessions
from ..accounts.tokens import consume_token, find_token, issue_token
from ..db import database
from ..files import private_folder, write_private
from ..mail.service import external_url, send_mail
from ..translate import lazy_gettext as _l
from .links import EXPORT_LINK_DAYS, export_token
from .models import DataRequest, Restriction
from .registry import CONCERNS


class NotNow(PermissionError):
    """The action is not allowed in the request's or restriction's present state."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


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


def erase_person(person, by="self", notify=True):
    """Erase everything about `person` in one transaction; keep only the suppression hash.

    Every concern erases its own tables; the person row goes last, taking the
    consent events with it. The notice to the old address is purged from the
    outbox once delivered.
    """
    with database.atomic():
        person_id, email, language = person.id, person.email, person.language
        accounts = list(Account.select().where(Account.person == person))
        for account in accounts:
            end_sessions(account, reason="erased")
        for concern in CONCERNS:
            concern.erase(person)
        Person.delete().where(Person.id == person_id).execute()
        if notify:
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
                           received_at=now, due_at=clock.add_months(now, 1), token_hash=digest(raw))
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


# ------------------------------------------------------------ staff handling (the request queue)

ATTACHMENT_TYPES = {b"%PDF": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG": "png"}


def effective_due(request):
    """Return when a request must be answered: its due date, or the extended one."""
    return request.extended_until or request.due_at


def queue():
    """Return the verified requests not yet closed, by effective due date."""
    rows = list(DataRequest.select().where(DataRequest.state.in_(("open", "answered")),
                                           DataRequest.closed_at.is_null()))
    return sorted(rows, key=lambda r: (effective_due(r), r.id))


def record_request(email, kind, channel, received_at, details, attachment, by):
    """Record a request that came by email or letter, with the scanned letter if any."""
    with database.atomic():
        person = Person.get_or_none(Person.email == email)
        row = DataRequest.create(kind=kind, channel=channel, email=email, person=person, details=details or "",
                                 language=person.language if person else "fi", received_at=received_at,
                                 due_at=clock.add_months(received_at, 1), verified_at=clock.now(), state="open",
                                 recorded_by=by.id)
        if attachment is not None:
            DataRequest.update(attachment=_store_attachment(row.id, attachment)).where(DataRequest.id == row.id).execute()
        audit.record("data_request_recorded", person, detail=f"request {row.id}: {kind} by {channel}", actor=by)
    return row


def _store_attachment(request_id, data):
    kind = next((ext for magic, ext in ATTACHMENT_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise ValueError("not a PDF, JPEG or PNG file")
    folder = private_folder(current_app.config["REQUESTS_DIR"])
    name = f"{request_id}-{secrets.token_hex(8)}.{kind}"
    write_private(folder / name, data)
    return name


def extend(request, months, reason, by):
    """Extend the deadline by one or two months; only before the first month ends, with a message."""
    if request.extended_until is not None or months not in (1, 2):
        raise NotNow("extended_once")
    if not reason:
        raise NotNow("no_reason")
    if clock.now() >= request.due_at:
        raise NotNow("too_late")
    with database.atomic():
        until = clock.add_months(request.due_at, months)
        DataRequest.update(extended_until=until, extension_reason=reason, extension_sent_at=clock.now()) \
            .where(DataRequest.id == request.id).execute()
        send_mail(request.email, "request_extended", _l("We need more time for your request"),
                  person=request.person, language=request.language, until=until, reason=reason)
        audit.record("data_request_extended", request.person_id, detail=f"request {request.id}: +{months} months",
                     actor=by)


def send_export(request, by):
    """Answer an access or portability request with a 7-day download link."""
    person = request.person
    if person is None:
        raise NotNow("no_person")
    with database.atomic():
        send_mail(request.email, "request_export", _l("Your data"), person=person, language=request.language,
                  link=external_url("rights.request_export", token=export_token(person)), days=EXPORT_LINK_DAYS)
        DataRequest.update(state="answered", answered_at=clock.now()).where(DataRequest.id == request.id).execute()
        audit.record("data_exported", person, detail=f"request {request.id}: link sent", actor=by)


def erase_for_request(request, by):
    """Erase the person of an erasure request (the same service as self-service erasure)."""
    person = request.person
    if person is None:
        raise NotNow("no_person")
    with database.atomic():
        DataRequest.update(state="answered", answered_at=clock.now()).where(DataRequest.id == request.id).execute()
        erase_person(person, by=f"staff for request {request.id}")


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


def close(request, reply, by):
    """Close a request with a reply that is emailed to the person."""
    if not reply:
        raise NotNow("no_reply")
    with database.atomic():
        now = clock.now()
        DataRequest.update(state="closed", reply=reply, closed_at=now,
                           answered_at=request.answered_at or now).where(DataRequest.id == request.id).execute()
        send_mail(request.email, "request_reply", _l("Answer to your request"), person=request.person,
                  language=request.language, reply=reply, kind=request.kind)
        audit.record("data_request_closed", request.person_id, detail=f"request {request.id}", actor=by)
