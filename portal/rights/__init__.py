"""Member rights: see, download, restrict, delete; requests from people without an account."""
from flask import Blueprint

bp = Blueprint("rights", __name__)


def init_app(app):
    """Register the rights pages and `flask --app portal export-schema`."""
    import json

    import click
    from flask_babel import force_locale

    from . import admin_views, views  # noqa: F401  (routes attach to bp)
    from .export import json_schema

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.bp)

    @app.cli.command("export-schema")
    def export_schema():
        """Print the JSON Schema of the export's data.json (kept in docs/export-schema.json)."""
        with app.test_request_context(), force_locale("en"):
            click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
