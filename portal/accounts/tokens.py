"""Single-use, purpose-bound, expiring tokens for links in emails (TOK-01..05).

The raw token goes only into the email; the database keeps its SHA-256.
Issuing a token voids the person's earlier unused tokens of the same purpose.
"""
import datetime as dt
import json
import secrets

from .. import clock
from ..people.models import Person
from .models import EmailToken, digest

LIFETIMES = {
    "verify_email": dt.timedelta(hours=24),
    "reset_password": dt.timedelta(minutes=30),
    "change_email": dt.timedelta(hours=24),
    "erase": dt.timedelta(hours=24),
    "staff_invite": dt.timedelta(hours=72),
    "export": dt.timedelta(days=7),  # the download link answering an access request: used once
}


def issue_token(person, purpose, data=None):
    """Store a new token for `person` and `purpose`; return the raw token."""
    now = clock.now()
    (EmailToken.update(used_at=now)
     .where(EmailToken.person == person, EmailToken.purpose == purpose, EmailToken.used_at.is_null())
     .execute())
    raw = secrets.token_urlsafe(32)
    EmailToken.create(person=person, purpose=purpose, token_hash=digest(raw),
                      expires_at=now + LIFETIMES[purpose],
                      data=json.dumps(data) if data is not None else None)
    return raw


def peek_token(raw, purpose):
    """Return the usable token row for `raw` and `purpose`, or None."""
    if not raw or len(raw) > 100:
        return None
    token = (EmailToken.select(EmailToken, Person).join(Person)
             .where(EmailToken.token_hash == digest(raw), EmailToken.purpose == purpose)
             .first())
    if token is None or token.used_at is not None or token.expires_at <= clock.now():
        return None
    return token


def consume_token(raw, purpose):
    """Mark the token used and return it, or None if it is unknown, used or expired.

    The update is conditional, so of two simultaneous uses only one wins.
    """
    token = peek_token(raw, purpose)
    if token is None:
        return None
    now = clock.now()
    won = (EmailToken.update(used_at=now)
           .where(EmailToken.id == token.id, EmailToken.used_at.is_null())
           .execute())
    if not won:
        return None
    token.used_at = now
    return token


def token_data(token):
    """Return the JSON data stored with a token (or an empty dict)."""
    return json.loads(token.data) if token.data else {}


def void_tokens(person, purpose=None):
    """Void the person's unused tokens (of one purpose, or all)."""
    query = EmailToken.update(used_at=clock.now()).where(
        EmailToken.person == person, EmailToken.used_at.is_null())
    if purpose:
        query = query.where(EmailToken.purpose == purpose)
    query.execute()
