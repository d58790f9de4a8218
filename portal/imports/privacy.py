"""Uploaded import files in export and erasure: a person named in one not yet imported.

An upload waits in `instance/imports/` until an admin imports it (or for a day).
It is not the register, so it is not exported; but erasing someone removes their
rows from every waiting file, so no copy of their address outlives the erasure.
"""
from flask import current_app

from ..people.models import normalise_email
from .service import pending_files, rewrite_without

COVERS = {}
TABLES = []  # a waiting upload is not yet part of the register


def erase(person):
    """Remove the person's rows from every upload that waits to be imported."""
    email = normalise_email(person.email)
    for path in pending_files(current_app.config["IMPORTS_DIR"]):
        rewrite_without(path, email)
