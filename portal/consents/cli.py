"""`flask --app portal suppression-key`: the key the suppression list's hashes are made with."""
import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("suppression-key")
@with_appcontext
def suppression_key_command():
    """Print the key of the suppression list's hashes (keep it when rotating the secret)."""
    click.echo(current_app.config["SUPPRESSION_KEY"])
