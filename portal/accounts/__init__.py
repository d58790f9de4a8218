"""Accounts: people who can log in, their sessions, and the pages they use."""


def init_app(app):
    """Register the account pages, flask-login, `flask create-admin` and the worker's reset decision."""
    from ..mail.service import register_decider
    from . import account_views  # noqa: F401  (its routes attach to the blueprint of views.py)
    from .cli import create_admin_command
    from .service import decide_password_reset
    from .sessions import login_manager
    from .views import bp

    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    register_decider(app, "reset_password", decide_password_reset)
