"""Sign-ups waiting for their double opt-in confirmation.

A `PendingSignup` is not yet a person in the register: it holds what the form
collected until the emailed link (72 h) is opened, and is removed on
confirmation or after 7 days at the latest.
"""
from peewee import CharField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField


class PendingSignup(BaseModel):
    """A form submission waiting for the address owner to confirm it."""

    email = CharField(max_length=254, index=True)
    name = CharField(max_length=100, default="")
    language = CharField(max_length=5)
    source_kind = CharField(max_length=10)  # form, page or link (as in the ledger)
    source = CharField(max_length=64)       # the form key, or the page it came from
    grants = TextField()  # JSON: [{"purpose": ..., "wording": sha256}]
    notice_version = CharField(max_length=40)
    network = CharField(max_length=50, default="")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now, index=True)
    expires_at = DateTimeField()
