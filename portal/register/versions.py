"""Versions of the register definition as published: the privacy notice in force.

Each distinct definition text becomes a `NoticeVersion` when the app starts
(and after `db upgrade`); every version stays readable at /privacy/<label>.
Consent events record the label of the version in force.
"""
import hashlib

from flask import current_app
from peewee import CharField, IntegrityError, TextField

from .. import clock
from ..db import BaseModel, DateTimeField, database
from .definition import get_register


class NoticeVersion(BaseModel):
    """The register definition as published at one time, readable forever after."""

    label = CharField(max_length=40, unique=True)
    content_hash = CharField(max_length=64, unique=True)
    source = TextField()  # the definition's TOML text
    published_at = DateTimeField(default=clock.now)


def ensure_version(app):
    """Record the running definition as a notice version if it is new; return the version."""
    register = app.extensions["register"]
    content_hash = hashlib.sha256(register.source.encode("utf-8")).hexdigest()
    with database.connection_context():
        version = NoticeVersion.get_or_none(NoticeVersion.content_hash == content_hash)
        if version is None:
            base = register.notice_version
            taken = NoticeVersion.select().where(
                (NoticeVersion.label == base) | NoticeVersion.label.startswith(base + "-")).count()
            label = base if not taken else f"{base}-{taken + 1}"
            try:
                with database.atomic():
                    version = NoticeVersion.create(label=label, content_hash=content_hash, source=register.source)
            except IntegrityError:  # another process recorded it first
                version = NoticeVersion.get(NoticeVersion.content_hash == content_hash)
    app.extensions["notice_version"] = (version.id, version.label)
    return version


def current():
    """Return (id, label) of the notice version in force."""
    cached = current_app.extensions.get("notice_version")
    if cached is None:
        cached = (None, get_register().notice_version)  # database not migrated yet
    return cached


def current_label():
    """Return the label of the notice version in force (recorded with every consent event)."""
    return current()[1]
