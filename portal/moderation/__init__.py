"""Moderation: the approval queue, suspensions, spam and blocked domains."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)


def init_app(app):
    """Register the moderation pages."""
    from . import views  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
