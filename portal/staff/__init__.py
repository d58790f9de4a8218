"""Staff: the second factor (TOTP and recovery codes), invitations and roles."""
from flask import Blueprint

bp = Blueprint("staff", __name__)


def init_app(app):
    """Register the staff pages."""
    from . import views  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
