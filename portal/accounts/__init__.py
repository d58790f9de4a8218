"""Accounts: people who can log in, their sessions, and the pages they use."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)


def init_app(app):
    """Register the account pages, flask-login and `flask create-admin`."""
    from . import account_views, auth_views  # noqa: F401  (routes attach to bp)
    from .cli import create_admin_command
    from .sessions import login_manager

    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
