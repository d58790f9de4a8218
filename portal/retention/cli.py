"""`flask --app portal retention run [--dry-run]`, and the worker's daily run."""
import click
from flask.cli import AppGroup
from huey import crontab

from .. import clock
from ..db import database
from ..register import get_register
from .service import render, run

retention_cli = AppGroup("retention", help="Remove the data whose retention period has ended.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def run_command(dry_run):
    """Apply every retention rule of the register definition and print what went, per category."""
    now = clock.now()
    with database.connection_context():
        report = run(apply=not dry_run, now=now)
    for line in render(report, get_register(), not dry_run, now):
        click.echo(line)


def init_app(app):
    """Register `flask retention` and the worker's daily run (03:30 UTC)."""
    app.cli.add_command(retention_cli)
    huey = app.extensions["huey"]

    def daily():
        with app.app_context(), database.connection_context():
            run(apply=True)

    huey.periodic_task(crontab(hour="3", minute="30"), name="retention")(daily)
