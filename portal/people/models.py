"""The people in the register, and which addresses may enter it.

A Person is anyone in the register: prospect, subscriber, customer or member
(an account is a person who can also log in: accounts/). An address is kept
normalised, and recognised elsewhere by its keyed hash without being stored.
"""
import hashlib
import hmac
import unicodedata

from flask import current_app
from peewee import CharField, IntegerField

from .. import clock
from ..db import BaseModel, DateTimeField, IdField
from ..translate import lazy_gettext as _l

PERSON_STATUSES = ("prospect", "subscriber", "member", "customer")
BLOCKED_DOMAIN = _l("Addresses at this domain cannot be used here. Please use another address.")


def normalise_email(value):
    """Return an address (or a login name) as stored: trimmed, NFC-normalised, lower case."""
    return unicodedata.normalize("NFC", (value or "").strip()).lower()


def name_key(name):
    """Return the form of a name that staff search matches: case-folded, spaces collapsed."""
    return " ".join((name or "").split()).casefold()[:100]


def address_hash(email):
    """Return the keyed hash (HMAC-SHA-256) of a normalised address.

    The suppression list and `Person.email_hash` use it, so an address can be
    recognised without being stored.
    """
    key = current_app.config["SUPPRESSION_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


class Person(BaseModel):
    """Anyone in the register: prospect, subscriber, customer or member."""

    id = IdField()  # never reused (migration 0009): what outlives a person names them by id
    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=100, default="")
    phone = CharField(max_length=32, null=True)
    language = CharField(max_length=5, default="fi")
    source = CharField(max_length=64)
    status = CharField(max_length=16, default="prospect")
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    # Added by migration 0002 (hence last): the keyed hash that the suppression
    # list is matched against, and when processing was restricted (Art. 18).
    email_hash = CharField(max_length=64, null=True, index=True)
    restricted_at = DateTimeField(null=True, index=True)
    # Added by migration 0004: the name case-folded in Python (SQLite's lower() knows
    # only ASCII, and Finnish names have ä and ö), for staff search by name prefix.
    name_key = CharField(max_length=100, null=True, index=True)

    def save(self, *args, **kwargs):
        """Save, keeping `email_hash` and `name_key` in step with the address and name."""
        if self.email and (self._pk is None or "email" in self._dirty):
            self.email_hash = address_hash(self.email)
        if self._pk is None or "name" in self._dirty:
            self.name_key = name_key(self.name)
        return super().save(*args, **kwargs)

    @staticmethod
    def name_fields(name):
        """Return the columns to write when the name changes in an UPDATE."""
        return {"name": name, "name_key": name_key(name)}

    @property
    def first_name(self):
        """Return the first word of the name (what a greeting uses)."""
        return self.name.split()[0] if self.name.strip() else ""


class BlockedDomain(BaseModel):
    """A domain whose addresses cannot sign up or subscribe (spam defence)."""

    domain = CharField(max_length=253, unique=True)
    reason = CharField(max_length=200, default="")
    blocked_by = IntegerField(null=True)  # staff account id
    created_at = DateTimeField(default=clock.now)


def domain_of(email):
    """Return the domain part of an address, lower case."""
    return email.rsplit("@", 1)[-1].strip().lower()


def is_blocked(email):
    """Return True when sign-ups from the address's domain are blocked."""
    return BlockedDomain.select().where(BlockedDomain.domain == domain_of(email)).exists()

