"""`flask --app portal export-schema`: the JSON Schema of the export's data.json."""
import json

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from .export import json_schema


@click.command("export-schema")
@with_appcontext
def export_schema_command():
    """Print the JSON Schema of the export's data.json (kept in docs/export-schema.json)."""
    with current_app.test_request_context(), force_locale("en"):
        click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
