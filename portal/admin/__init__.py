"""Staff pages about people: dashboard, search, a person's page, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)


def init_app(app):
    """Register the admin pages."""
    from . import views  # noqa: F401  (routes attach to bp)
    from .labels import label

    app.register_blueprint(bp)
    app.jinja_env.filters["label"] = label
