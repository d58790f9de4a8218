"""Deliver the outbox over SMTP, with retries and backoff, each message once.

A row is claimed with a conditional update before it is sent, so two workers
never send the same message; a crashed worker's claim expires and the message
is tried again. Transient failures wait (doubling, capped) and retry without
limit; only a recipient the server refuses for good marks a message failed.

Decision rows (`service.decide_later`) are claimed the same way and decided
first: the decider's mail and the removal of the decision are one
transaction, so a decision is made once and its mail is never lost.
"""
import datetime as dt
import logging
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from flask import current_app, g

from .. import clock
from ..config import is_loopback
from ..db import database
from .crypto import unseal
from .models import OutboxMessage
from .service import DECISION

log = logging.getLogger("portal.mail")
LEASE = dt.timedelta(minutes=5)
SMTP_TIMEOUT = 20


class PermanentFailure(Exception):
    """The server refused the recipient for good; retrying cannot help."""


class Unreachable(Exception):
    """No connection to the SMTP server could be made."""


class SmtpTransport:
    """Send messages over one SMTP connection, opened on first use."""

    def __init__(self, url, starttls="optional"):
        parts = urlsplit(url)
        self.starttls = starttls
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.connection = None

    def _connect(self):
        context = ssl.create_default_context()
        if self.tls:
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
                self.tls = True
            elif self.starttls == "required":
                conn.close()
                raise smtplib.SMTPException("the SMTP server does not offer STARTTLS, which is required "
                                            "(add ?starttls=optional to PORTAL_SMTP_URL for a cleartext relay)")
        if self.user:
            if not self.tls and not is_loopback(self.host):
                conn.close()
                raise smtplib.SMTPException("refusing to send the SMTP password without TLS")
            conn.login(self.user, self.password)
        return conn

    def send(self, message):
        if self.connection is None:
            try:
                self.connection = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        try:
            self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes[0]})") from None
            raise

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


class ConsoleTransport:
    """Development mail: print the message instead of sending it."""

    def send(self, message):
        body = message.get_body(("plain",))
        print(f"\n--- mail to {message['To']}: {message['Subject']}\n"
              f"{body.get_content() if body else ''}--- end of mail\n", file=sys.stdout, flush=True)

    def close(self):
        pass


def make_transport():
    """Return the transport for PORTAL_SMTP_URL (console when unset)."""
    url = current_app.config["SMTP_URL"]
    return SmtpTransport(url, current_app.config["SMTP_STARTTLS"]) if url else ConsoleTransport()


def build_message(row, content):
    """Return the EmailMessage for an outbox row and its decrypted content."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = row.to_address
    message["Subject"] = content["subject"]
    message["Date"] = format_datetime(clock.now().replace(tzinfo=dt.UTC))
    message["Message-ID"] = row.message_id
    headers = {"Auto-Submitted": "auto-generated", **content.get("headers", {})}
    for name, value in headers.items():
        message[name] = value
    message.set_content(content["text"])
    message.add_alternative(content["html"], subtype="html")
    message["Content-Language"] = row.language  # after set_content, which clears Content-* headers
    return message


def backoff(attempts):
    """Return how long to wait after `attempts` failed tries."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    cap = current_app.config["MAIL_RETRY_MAX_SECONDS"]
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _due():
    now = clock.now()
    return ((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now)) | \
        ((OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now))


def _claim(row_id):
    now = clock.now()
    return OutboxMessage.update(status="sending", lease_until=now + LEASE).where(
        (OutboxMessage.id == row_id) & _due()).execute() == 1


def _finish(row, **changes):
    OutboxMessage.update(lease_until=None, **changes).where(OutboxMessage.id == row.id).execute()


def _is_decision():
    return OutboxMessage.template.startswith(DECISION)


def _due_ids(kind, limit):
    return [r.id for r in OutboxMessage.select(OutboxMessage.id).where(_due() & kind)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)]


def decide_due(limit=100):
    """Make the decisions that are due (each may queue mail); return how many were made."""
    with database.connection_context():
        decided = 0
        for row_id in _due_ids(_is_decision(), limit):
            if _claim(row_id):
                decided += _decide_one(OutboxMessage.get_by_id(row_id))
        g.pop("mail_queued", None)  # deliver_due sends what was queued; no nudge needed
        return decided


def _decide_one(row):
    """Run the decider of a claimed decision row; on an error it waits and is tried again."""
    kind = row.template[len(DECISION):]
    decide = current_app.extensions.get("mail_deciders", {}).get(kind)
    if decide is None:
        _finish(row, status="failed", last_error=f"no decider for {kind}"[:300])
        log.error("outbox %s: no decider for %s", row.id, kind)
        return 0
    try:
        with database.atomic():
            decide(row.to_address, row.language)
            OutboxMessage.delete().where(OutboxMessage.id == row.id).execute()
    except Exception as exc:  # the decision rolled back; the row waits for the next try
        attempts = row.attempts + 1
        _finish(row, status="pending", attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:300],
                next_attempt_at=clock.now() + backoff(attempts))
        log.exception("outbox %s: decision %s failed (attempt %s)", row.id, kind, attempts)
        return 0
    log.info("outbox %s decided", row.id)
    return 1


def deliver_due(limit=100):
    """Make the due decisions, then send the messages that are due; return the number sent."""
    decide_due(limit)
    with database.connection_context():
        ids = _due_ids(~_is_decision(), limit)
        transport, sent = make_transport(), 0
        try:
            for row_id in ids:
                if not _claim(row_id):
                    continue
                outcome = _deliver_one(transport, OutboxMessage.get_by_id(row_id))
                sent += outcome == "sent"
                if outcome == "unreachable":
                    break  # the rest stay due and go with the next round
        finally:
            transport.close()
        return sent


def _deliver_one(transport, row):
    """Try to send one claimed row; return 'sent', 'failed', 'retry' or 'unreachable'."""
    content = unseal(row.payload) if row.payload is not None else None
    if content is None:
        _finish(row, status="failed", last_error="message cannot be decrypted (secret key changed?)")
        log.error("outbox %s cannot be decrypted", row.id)
        return "failed"
    try:
        transport.send(build_message(row, content))
    except PermanentFailure as exc:
        _finish(row, status="failed", attempts=row.attempts + 1, last_error=str(exc)[:300], payload=None)
        log.warning("outbox %s refused for good: %s", row.id, exc)
        return "failed"
    except (Unreachable, smtplib.SMTPException, OSError) as exc:
        attempts = row.attempts + 1
        _finish(row, status="pending", attempts=attempts, last_error=str(exc)[:300],
                next_attempt_at=clock.now() + backoff(attempts))
        log.warning("outbox %s not sent (attempt %s): %s", row.id, attempts, exc)
        if isinstance(exc, Unreachable):
            return "unreachable"
        transport.close()  # start the next message on a fresh connection
        return "retry"
    if row.purge_after_sending:  # e.g. the notice to an erased person's old address
        OutboxMessage.delete().where(OutboxMessage.id == row.id).execute()
        log.info("outbox %s sent and purged", row.id)
        return "sent"
    keep = current_app.config["MAIL_KEEP_SENT_BODIES"]
    _finish(row, status="sent", sent_at=clock.now(), attempts=row.attempts + 1,
            last_error=None, **({} if keep else {"payload": None}))
    log.info("outbox %s sent", row.id)
    return "sent"


def next_retry_at():
    """Return when the earliest waiting message is due, or None."""
    with database.connection_context():
        row = (OutboxMessage.select(OutboxMessage.next_attempt_at)
               .where(OutboxMessage.status == "pending")
               .order_by(OutboxMessage.next_attempt_at).first())
    return row.next_attempt_at if row else None
