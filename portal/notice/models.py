"""Versions of the privacy notice: each distinct register definition is one version."""
from peewee import CharField, TextField

from .. import clock
from ..db import BaseModel, DateTimeField


class NoticeVersion(BaseModel):
    """The register definition as published at one time, readable forever after."""

    label = CharField(max_length=40, unique=True)
    content_hash = CharField(max_length=64, unique=True)
    source = TextField()  # the definition's TOML text
    published_at = DateTimeField(default=clock.now)
