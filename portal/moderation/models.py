"""Email domains that may not be used to sign up (spam defence)."""
from peewee import CharField, IntegerField

from .. import clock
from ..db import BaseModel, DateTimeField


class BlockedDomain(BaseModel):
    """A domain whose addresses cannot sign up or subscribe."""

    domain = CharField(max_length=253, unique=True)
    reason = CharField(max_length=200, default="")
    blocked_by = IntegerField(null=True)  # staff account id
    created_at = DateTimeField(default=clock.now)
