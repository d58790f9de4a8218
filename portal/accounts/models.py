"""People, their accounts, login sessions and the tokens sent to them by email.

A Person is anyone in the register; an Account is a Person who can log in.
Tokens and sessions are stored only as SHA-256 digests of their secrets.
"""
import hashlib
import hmac
import unicodedata

from flask import current_app
from peewee import BlobField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField

ROLES = ("member", "moderator", "admin")
STAFF_ROLES = ("moderator", "admin")
ACCOUNT_STATES = ("active", "pending_approval", "suspended")
PERSON_STATUSES = ("prospect", "subscriber", "member", "customer")


def digest(secret):
    """Return the SHA-256 hex digest under which a token or session id is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_login(identifier):
    """Return an email or username as stored: trimmed, NFC, lower case."""
    return unicodedata.normalize("NFC", (identifier or "").strip()).lower()


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

    @classmethod
    def reachable_for(cls, purpose, similar_products=False):
        """Return a query of the people who may be contacted for `purpose` now.

        The one place that decides: consent, soft opt-in or objection,
        restriction, suppression, unverified and suspended accounts
        (consents/audience.py).
        """
        from ..consents.audience import reachable_for
        return reachable_for(purpose, similar_products)


class Account(BaseModel):
    """A person who can log in (flask-login's user object)."""

    person = ForeignKeyField(Person, unique=True, backref="accounts", on_delete="CASCADE")
    username = CharField(max_length=30, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default="member")
    state = CharField(max_length=20, default="active", index=True)
    email_verified_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=clock.now)
    last_login_at = DateTimeField(null=True)
    password_changed_at = DateTimeField(default=clock.now)
    # Added by migration 0003: the privacy notice version the member has seen.
    notice_seen = IntegerField(null=True)
    # Added by migration 0004: staff second factor. The secret is stored encrypted
    # (portal/crypto.py); the last accepted time step makes each code work once.
    totp_secret = BlobField(null=True)
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(null=True)

    # flask-login protocol
    is_anonymous = False

    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.state != "suspended"

    def get_id(self):
        return str(self.id)

    @property
    def is_staff(self):
        return self.role in STAFF_ROLES

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @classmethod
    def by_login(cls, identifier):
        """Return the account whose email or username is `identifier`, or None."""
        identifier = normal_login(identifier)
        query = cls.select(cls, Person).join(Person)
        if "@" in identifier:
            return query.where(Person.email == identifier).first()
        return query.where(cls.username == identifier).first()


class LoginSession(BaseModel):
    """A signed-in browser; the cookie holds the secret, this row its digest."""

    account = ForeignKeyField(Account, backref="sessions", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
    last_seen_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()
    remember = BooleanField(default=False)
    reauthenticated_at = DateTimeField(null=True)
    device = CharField(max_length=80, default="")
    network = CharField(max_length=50, default="")
    # Added by migration 0004: when this session passed the staff second factor.
    second_factor_at = DateTimeField(null=True)


class EmailToken(BaseModel):
    """A single-use secret sent by email for one purpose to one person."""

    person = ForeignKeyField(Person, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=32)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    data = TextField(null=True)

    class Meta:
        indexes = ((("person", "purpose"), False),)
