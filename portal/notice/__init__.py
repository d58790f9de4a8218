"""The privacy notice: generated from the register definition, versioned, and the
record of processing activities (Art. 30) from the same source.

Each distinct definition text becomes a `NoticeVersion` when the app starts
(and after `db upgrade`); every version stays readable at /privacy/<label>.
Consent events record the label of the version in force.
"""
import hashlib

from flask import Blueprint, current_app
from peewee import DatabaseError, IntegrityError

from ..db import database
from ..register import get_register

bp = Blueprint("notice", __name__)


def ensure_version(app):
    """Record the running definition as a notice version if it is new; return the version."""
    from .models import NoticeVersion
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


def init_app(app):
    """Register the notice pages and `flask register ropa`; record the running version."""
    from . import ropa, views  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
    app.cli.add_command(ropa.register_cli)
    try:
        ensure_version(app)
    except DatabaseError:
        app.extensions.pop("notice_version", None)  # not migrated yet: `db upgrade` records it
    app.extensions.setdefault("after_upgrade", []).append(lambda: ensure_version(app))

    from ..rights.fields import field_names
    app.jinja_env.globals.update(notice_changed=notice_changed, field_names=field_names,
                                 basis_name=lambda key: views.BASIS_NAMES[key],
                                 transfer_name=lambda key: views.TRANSFER_NAMES[key])


def notice_changed():
    """Return True when the signed-in member has not yet seen the notice version in force."""
    from flask_login import current_user
    version_id = current()[0]
    return (version_id is not None and current_user.is_authenticated
            and (current_user.notice_seen or 0) < version_id)
