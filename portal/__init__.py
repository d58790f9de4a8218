"""The portal: a membership and newsletter service that runs a personal-data register.

`create_app()` is the only entry point: config -> database -> register ->
extensions -> blueprints -> commands -> error pages. Nothing happens at import.
"""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import PROJECT_ROOT, check_endpoints, check_overrides, load_config


def create_app(overrides=None, environ=None):
    """Build the Flask app from the environment (and test overrides)."""
    environ = os.environ if environ is None else environ
    instance = Path(environ.get("PORTAL_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(load_config(environ, instance))
    app.config.update(overrides or {})
    check_overrides(app.config)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0)

    from . import (
        accounts,
        admin,
        appointments,
        breaches,
        consents,
        db,
        form_html,
        guardians,
        htmx,
        imports,
        language,
        limits,
        logs,
        mail,
        moderation,
        newsletter,
        notice,
        orders,
        pages,
        processors,
        register,
        retention,
        rights,
        signup,
        staff,
        web,
    )

    logs.init_app(app)
    db.init_app(app)
    register.init_app(app)
    web.csrf.init_app(app)
    form_html.init_app(app)
    limits.init_app(app)
    language.init_app(app)
    htmx.init_app(app)
    web.init_app(app)
    accounts.init_app(app)
    signup.init_app(app)
    mail.init_app(app)
    consents.init_app(app)
    newsletter.init_app(app)
    orders.init_app(app)
    appointments.init_app(app)
    guardians.init_app(app)
    retention.init_app(app)
    rights.init_app(app)
    notice.init_app(app)
    staff.init_app(app)
    admin.init_app(app)
    moderation.init_app(app)
    processors.init_app(app)
    imports.init_app(app)
    breaches.init_app(app)
    pages.init_app(app)
    check_endpoints(app.config, app.view_functions)
    from . import cli, migrate
    cli.init_app(app)
    migrate.init_app(app)
    return app
