"""Staff second factor: single-use recovery codes (the TOTP secret lives on Account)."""
from peewee import CharField, ForeignKeyField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField


class RecoveryCode(BaseModel):
    """One of ten single-use codes for when the authenticator is lost; only its hash is kept."""

    account = ForeignKeyField(Account, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
    used_at = DateTimeField(null=True)
