"""Accounts of people who can log in, their login sessions and the tokens sent to them by email.

An Account is a Person (people/) who can log in. Tokens and sessions are
stored only as SHA-256 digests of their secrets.
"""
import hashlib

from peewee import BlobField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField, IdField
from ..people.models import Person, normalise_email

ROLES = ("member", "moderator", "admin")
STAFF_ROLES = ("moderator", "admin")
ACCOUNT_STATES = ("active", "pending_approval", "suspended")


def digest(secret):
    """Return the SHA-256 hex digest under which a token or session id is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Account(BaseModel):
    """A person who can log in (flask-login's user object)."""

    id = IdField()  # never reused (migration 0009): the audit log names staff by id
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
        identifier = normalise_email(identifier)
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
