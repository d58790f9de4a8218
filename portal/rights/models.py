"""Restrictions of processing (Art. 18) and data-subject requests (Art. 12, 15-21)."""
from flask import current_app
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField
from ..people.models import Person

RESTRICTION_REASONS = ("accuracy", "objection", "unlawful", "legal_claim")
REQUEST_KINDS = ("access", "portability", "rectification", "erasure", "restriction", "objection")
CHANNELS = ("web", "email", "letter")
REQUEST_STATES = ("unverified", "open", "answered", "closed")


class Restriction(BaseModel):
    """A person's request to restrict processing, and when it ended."""

    person = ForeignKeyField(Person, backref="restrictions", on_delete="CASCADE")
    reason = CharField(max_length=20)
    details = CharField(max_length=2000, default="")
    requested_at = DateTimeField(default=clock.now)
    lifted_at = DateTimeField(null=True)
    lift_notice_at = DateTimeField(null=True)  # when the person was told it would be lifted


class DataRequest(BaseModel):
    """A request to exercise a right, from the web form, an email or a letter."""

    kind = CharField(max_length=20)
    channel = CharField(max_length=10, default="web")
    email = CharField(max_length=254, index=True)
    person = ForeignKeyField(Person, null=True, backref="data_requests", on_delete="SET NULL")
    details = TextField(default="")
    language = CharField(max_length=5, default="fi")
    received_at = DateTimeField(default=clock.now)
    due_at = DateTimeField(index=True)
    verified_at = DateTimeField(null=True)
    state = CharField(max_length=12, default="unverified")
    answered_at = DateTimeField(null=True)
    token_hash = CharField(max_length=64, null=True, unique=True)
    # Added by migration 0004: staff handling (Art. 12(3) extension, the reply, a scanned letter).
    recorded_by = IntegerField(null=True)  # staff account id, for letters and emails
    extended_until = DateTimeField(null=True)
    extension_reason = CharField(max_length=2000, default="")
    extension_sent_at = DateTimeField(null=True)
    reply = TextField(default="")
    closed_at = DateTimeField(null=True)
    attachment = CharField(max_length=100, null=True)  # file name under instance/requests/


def attachment_path(request):
    """Return the stored scan of a request's letter, or None."""
    if not request.attachment:
        return None
    path = current_app.config["REQUESTS_DIR"] / request.attachment
    return path if path.is_file() else None


class NotNow(PermissionError):
    """The action is not allowed in the request's or restriction's present state."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code
