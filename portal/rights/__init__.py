"""Member rights: see, download, restrict, delete, consents and objections; requests from
people without an account, and the admins' queue that answers them."""


def init_app(app):
    """Register the rights pages and `flask --app portal export-schema`."""
    from . import admin_views, consents_views  # noqa: F401  (their routes attach to the blueprint of views.py)
    from .cli import export_schema_command
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(export_schema_command)
