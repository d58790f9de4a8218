"""Signed links in marketing mail: preferences, one-click unsubscribe, material downloads.

Each link is signed for one purpose (its salt) and carries only the keyed hash
of the person's address (`Person.email_hash`), never an id or the address.
A link therefore dies when the address changes or the person is erased, and
none of them can log anyone in. Each also expires: a preferences link after 30
days, an unsubscribe link (the one-click List-Unsubscribe of a message, and
the link in its footer) after a year, since people unsubscribe from old mail,
and a material link after 7 days. An expired unsubscribe link no longer opens
a page, but its one-click POST still unsubscribes (`withdrawal_from`): a
withdrawal is honoured however old the message (Art. 7(3)), and the signature
still proves we sent that link for that address and purpose.
"""
import datetime as dt

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from .. import clock
from ..people.models import Person

PREFERENCES_MAX_AGE = 30 * 24 * 3600
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600
MATERIAL_MAX_AGE = 7 * 24 * 3600
# Unsubscribe links mailed before they had a timestamp never expired. They keep working
# for a year from the change (issue 10), so that nobody is stuck with mail they cannot
# leave; after this day the untimed form is refused like any other bad token.
UNTIMED_UNSUBSCRIBE_UNTIL = dt.datetime(2027, 12, 31)

EXPIRED, INVALID = "expired", "invalid"


class ClockSigner(TimestampSigner):
    """A timestamp signer that reads the portal's clock (which tests can move)."""

    def get_timestamp(self):
        return int(clock.timestamp())


def _plain(salt):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _timed(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=ClockSigner)


def _read(salt, token, max_age):
    """Return (payload, None), or (None, EXPIRED or INVALID)."""
    try:
        return _timed(salt).loads(token, max_age=max_age), None
    except SignatureExpired:
        return None, EXPIRED
    except BadSignature:
        return None, INVALID


def preferences_token(person):
    """Return the token of the person's 30-day preferences link."""
    return _timed("preferences").dumps(person.email_hash)


def unsubscribe_token(person, purpose):
    """Return the token of a one-click unsubscribe link for `purpose` (valid a year)."""
    return _timed("unsubscribe").dumps([person.email_hash, purpose])


def material_token(person, form_key):
    """Return the token of a 7-day download link for a form's material."""
    return _timed("material").dumps([person.email_hash, form_key])


def _person(email_hash):
    if not isinstance(email_hash, str) or len(email_hash) != 64:
        return None
    return Person.get_or_none(Person.email_hash == email_hash)


def read_preferences(token):
    """Return (person, None) for a usable preferences token, or (None, EXPIRED or INVALID)."""
    email_hash, problem = _read("preferences", token, PREFERENCES_MAX_AGE)
    if problem:
        return None, problem
    person = _person(email_hash)
    return (person, None) if person is not None else (None, INVALID)


def read_unsubscribe(token):
    """Return (person, purpose, None) for a usable unsubscribe token, or (None, None, EXPIRED or INVALID)."""
    payload, problem = _read("unsubscribe", token, UNSUBSCRIBE_MAX_AGE)
    if problem == INVALID and clock.now() < UNTIMED_UNSUBSCRIBE_UNTIL:
        try:
            payload, problem = _plain("unsubscribe").loads(token), None
        except BadSignature:
            pass
    if problem:
        return None, None, problem
    try:
        email_hash, purpose = payload
    except (ValueError, TypeError):
        return None, None, INVALID
    person = _person(email_hash)
    return (person, purpose, None) if person is not None else (None, None, INVALID)


def withdrawal_from(token):
    """Return (person, purpose) of any unsubscribe token we signed, however old, or (None, None)."""
    person, purpose, problem = read_unsubscribe(token)
    if problem != EXPIRED:
        return person, purpose
    try:
        email_hash, purpose = _timed("unsubscribe").loads(token)  # the signature, not the age
    except (BadSignature, ValueError, TypeError):
        return None, None
    person = _person(email_hash)
    return (person, purpose) if person is not None else (None, None)


def read_material(token):
    """Return (person, form_key) of a material token, or (None, None) when invalid or expired."""
    try:
        email_hash, form_key = _timed("material").loads(token, max_age=MATERIAL_MAX_AGE)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None, None
    person = _person(email_hash)
    return (person, form_key) if person is not None else (None, None)
