"""The register definition: what the controller promises, read from TOML once at start-up.

definition.py loads and holds it, schema.py and checks.py say what a valid
one is, fields.py names its field keys, versions.py records each published
version of it (the privacy notice in force).
"""
from .definition import Entry, Register, RegisterError, current_language, get_register, load_register, parse_register

__all__ = ["Entry", "Register", "RegisterError", "current_language", "get_register", "init_app",
           "load_register", "parse_register"]


def init_app(app):
    """Load the definition named by PORTAL_REGISTER; record it as a notice version if it is new."""
    from peewee import DatabaseError

    from .versions import ensure_version
    app.extensions["register"] = load_register(app.config["REGISTER_PATH"])
    try:
        ensure_version(app)
    except DatabaseError:
        app.extensions.pop("notice_version", None)  # not migrated yet: `db upgrade` records it
    app.extensions.setdefault("after_upgrade", []).append(lambda: ensure_version(app))

    @app.context_processor
    def _inject():
        return {"register": app.extensions["register"]}
