"""The outbox: every email is a row written in the same transaction as its cause.

The message itself (subject, parts, headers) is stored encrypted and is
emptied once delivered; what stays is who it went to, which template, when.
"""
from peewee import BlobField, BooleanField, CharField, ForeignKeyField, IntegerField

from .. import clock
from ..db import BaseModel, DateTimeField
from ..people.models import Person

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(BaseModel):
    """One email waiting for, or past, delivery."""

    person = ForeignKeyField(Person, null=True, backref="mail", on_delete="CASCADE")
    to_address = CharField(max_length=254)
    template = CharField(max_length=64)
    language = CharField(max_length=5)
    payload = BlobField(null=True)
    status = CharField(max_length=10, default="pending")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=clock.now)
    lease_until = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)
    sent_at = DateTimeField(null=True)
    last_error = CharField(max_length=300, null=True)
    message_id = CharField(max_length=255, unique=True)
    # Added by migration 0003: delete the whole row once delivered (the erasure notice).
    purge_after_sending = BooleanField(default=False)

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)
