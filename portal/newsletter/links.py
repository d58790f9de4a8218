"""Signed links in marketing mail: preferences, one-click unsubscribe, material downloads.

Each link is signed for one purpose (its salt) and carries only the keyed hash
of the person's address (`Person.email_hash`), never an id or the address.
A link therefore dies when the address changes or the person is erased, and
none of them can log anyone in. Material links expire after 7 days.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer, \
    URLSafeTimedSerializer

from .. import clock
from ..people.models import Person

MATERIAL_MAX_AGE = 7 * 24 * 3600


class ClockSigner(TimestampSigner):
    """A timestamp signer that reads the portal's clock (which tests can move)."""

    def get_timestamp(self):
        return int(clock.timestamp())


def _plain(salt):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _timed(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=ClockSigner)


def preferences_token(person):
    """Return the token of the person's preferences link."""
    return _plain("preferences").dumps(person.email_hash)


def unsubscribe_token(person, purpose):
    """Return the token of a one-click unsubscribe link for `purpose`."""
    return _plain("unsubscribe").dumps([person.email_hash, purpose])


def material_token(person, form_key):
    """Return the token of a 7-day download link for a form's material."""
    return _timed("material").dumps([person.email_hash, form_key])


def _person(email_hash):
    if not isinstance(email_hash, str) or len(email_hash) != 64:
        return None
    return Person.get_or_none(Person.email_hash == email_hash)


def person_from_preferences(token):
    """Return the person of a preferences token, or None."""
    try:
        return _person(_plain("preferences").loads(token))
    except BadSignature:
        return None


def from_unsubscribe(token):
    """Return (person, purpose) of an unsubscribe token, or (None, None)."""
    try:
        email_hash, purpose = _plain("unsubscribe").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, None
    person = _person(email_hash)
    return (person, purpose) if person is not None else (None, None)


def from_material(token):
    """Return (person, form_key) of a material token, or (None, None) when invalid or expired."""
    try:
        email_hash, form_key = _timed("material").loads(token, max_age=MATERIAL_MAX_AGE)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None, None
    person = _person(email_hash)
    return (person, form_key) if person is not None else (None, None)
