"""Staff: the second factor (TOTP and recovery codes), invitations and roles."""
from flask import Blueprint

bp = Blueprint("staff", __name__)


def init_app(app):
    """Register the staff pages; key the recovery codes kept from before migration 0006."""
    from . import views  # noqa: F401  (routes attach to bp)
    from .totp import wrap_legacy_codes

    app.register_blueprint(bp)
    app.extensions.setdefault("after_upgrade", []).append(wrap_legacy_codes)
