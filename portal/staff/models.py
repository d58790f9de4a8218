"""Staff second factor: single-use recovery codes (the TOTP secret lives on Account)."""
from peewee import CharField, ForeignKeyField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField


class RecoveryCode(BaseModel):
    """One of ten single-use codes for when the authenticator is lost; only a keyed hash is kept."""

    account = ForeignKeyField(Account, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64, unique=True)  # HMAC (staff.totp); plain SHA-256 before 0006
    created_at = DateTimeField(default=clock.now)
    used_at = DateTimeField(null=True)
    # Added by migration 0006: the code's own salt (NULL: a code from before, not yet wrapped).
    salt = CharField(max_length=32, null=True)
