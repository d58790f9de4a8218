"""Requests to use a right (Art. 12): filed on the web and proven by an emailed link, or recorded
by staff from a letter or an email; due in one calendar month, extendable once, answered and closed."""
import datetime as dt
import secrets

from flask import current_app

from .. import audit, clock
from ..accounts.models import digest
from ..db import database
from ..files import private_folder, write_private
from ..guardians.models import children_of
from ..mail.service import external_url, send_mail
from ..people.models import Person
from ..translate import lazy_gettext as _l
from .links import EXPORT_LINK_DAYS, export_token
from .models import DataRequest, NotNow

ATTACHMENT_TYPES = {b"%PDF": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG": "png"}


def file_request(email, kind, details, language):
    """Record a request and mail the link that proves the address (same answer for everyone)."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with database.atomic():
        DataRequest.create(kind=kind, channel="web", email=email, details=details or "", language=language,
                           received_at=now, due_at=clock.add_months(now, 1), token_hash=digest(raw))
        send_mail(email, "request_confirm", _l("Confirm your request"), language=language,
                  link=external_url("rights.confirm_request", token=raw), kind=kind)


def peek_request(raw):
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
        request = peek_request(raw)
        if request is None:
            return None
        person, children = whose(request.email)
        now = clock.now()
        changes = {"verified_at": now, "token_hash": None, "person": person, "state": "open"}
        if request.kind in ("access", "portability"):
            changes.update(state="answered", answered_at=now)
            if person is not None or children:
                for subject in [person] if person is not None else children:  # a guardian: each child's
                    link = external_url("rights.request_export", token=export_token(subject))
                    send_mail(request.email, "request_export", _l("Your data"), person=subject,
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


def whose(email):
    """Return (the person a request from `email` names, the children it may be about).

    The address's own person, if any; else a guardian's address names their
    child (when there are several, staff see the request without a person and
    each child gets their own answer to access).
    """
    person = Person.get_or_none(Person.email == email)
    if person is not None:
        return person, []
    children = children_of(email)
    return (children[0] if len(children) == 1 else None), children


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
        person, _children = whose(email)
        row = DataRequest.create(kind=kind, channel=channel, email=email, person=person, details=details or "",
                                 language=person.language if person else "fi", received_at=received_at,
                                 due_at=clock.add_months(received_at, 1), verified_at=clock.now(), state="open",
                                 recorded_by=by.id)
        if attachment is not None:
            stored = _store_attachment(row.id, attachment)
            DataRequest.update(attachment=stored).where(DataRequest.id == row.id).execute()
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
