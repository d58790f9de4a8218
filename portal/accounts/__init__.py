"""Accounts: people who can log in, their sessions, and the pages they use."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)


def init_app(app):
    """Register the account pages, flask-login, `flask create-admin` and the worker's mail decisions."""
    from ..mail.service import register_decider
    from . import account_views, auth_views  # noqa: F401  (routes attach to bp)
    from .cli import create_admin_command
    from .service import decide_password_reset, decide_verification
    from .sessions import login_manager

    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    register_decider(app, "reset_password", decide_password_reset)
    register_decider(app, "verify_email", decide_verification)
