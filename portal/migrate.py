"""`flask --app portal db ...`: apply, inspect, revert and draft schema migrations; grant
the runtime role its rights on PostgreSQL.

The scripts live in `migrations/` and never import the app; `db new` drafts
the next one from the difference between `MODELS` and the database.
"""
import click
from flask import current_app
from flask.cli import AppGroup
from playhouse.migrations import MigrationError, template
from playhouse.schema_diff import diff_models

from .db import database, is_postgresql, runner
from .models import MODELS

db_cli = AppGroup("db", help="Apply and inspect schema migrations.")


@db_cli.command("upgrade")
@click.argument("target", required=False)
def upgrade_command(target):
    """Apply pending migrations (up to TARGET when given)."""
    with database.connection_context():
        applied = runner().up(target)
        for step in current_app.extensions.get("after_upgrade", []):
            step()  # data that needs the app (keys, the register) to fill in
    for name in applied:
        click.echo(f"applied: {name}")
    click.echo("database is up to date." if not applied else f"{len(applied)} migration(s) applied.")


@db_cli.command("status")
def status_command():
    """List migrations; exit 1 when some are pending."""
    with database.connection_context():
        rows = runner().status()
    for row in rows:
        mark = " " if not row.applied else ("x" if row.path else "?")
        when = f"  {row.applied:%Y-%m-%d %H:%M:%S}" if row.applied else ""
        click.echo(f"[{mark}] {row.name}{when}")
    if any(not row.applied for row in rows):
        raise SystemExit(1)


@db_cli.command("downgrade")
@click.argument("target", required=False)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def downgrade_command(target, yes):
    """Revert the newest migration (or back through TARGET)."""
    if current_app.config["ENV_NAME"] == "production" and not yes:
        click.confirm("Reverting a migration can drop data. Continue?", abort=True)
    try:
        with database.connection_context():
            reverted = runner().down(target)
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from None
    for name in reverted:
        click.echo(f"reverted: {name}")
    if not reverted:
        click.echo("nothing to revert.")


# What the runtime role may do beyond reading, where it is less than everything:
# the ledger, the audit log and the breach register keep their history.
LIMITED_TABLES = {
    "audit_entry": "SELECT, INSERT",
    "consent_event": "SELECT, INSERT, DELETE",  # DELETE still passes the ledger's triggers
    "breach": "SELECT, INSERT, UPDATE",
    "breach_notice": "SELECT, INSERT, UPDATE",
    "schema_migration": "SELECT",
}


def grant_statements(role, tables):
    """Return the SQL that gives `role` exactly what the running portal needs on `tables`."""
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [f"GRANT USAGE ON SCHEMA public TO {quoted}",
                  f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"]
    for table in sorted(tables):
        statements.append(f'REVOKE ALL ON "{table}" FROM {quoted}')
        rights = LIMITED_TABLES.get(table, "SELECT, INSERT, UPDATE, DELETE")
        statements.append(f'GRANT {rights} ON "{table}" TO {quoted}')
    return statements


@db_cli.command("grant")
@click.argument("role")
def grant_command(role):
    """Let ROLE run the portal on PostgreSQL without owning it (run as the owner after each upgrade).

    The runtime role can read and write what the portal writes, but cannot
    TRUNCATE or ALTER any table or drop a trigger, so the audit log and the
    consent ledger stay append-only even for someone who holds its password.
    """
    if not is_postgresql():
        raise click.ClickException("`db grant` is for PostgreSQL; SQLite has no roles.")
    with database.connection_context():
        owner = database.execute_sql("SELECT current_user").fetchone()[0]
        if owner == role:
            raise click.ClickException("run `db grant` as the owner, for another role than the owner.")
        with database.atomic():
            for statement in grant_statements(role, database.get_tables()):
                database.execute_sql(statement)
    click.echo(f"{role} may now run the portal; {owner} keeps the schema.")


def _our_conventions(body):
    """Make a generated script follow ours: snake_case table names, no import of the app."""
    import re
    body = re.sub(r"^from portal\.db import .*\n", "", body, flags=re.M)
    body = re.sub(r"class (\w+)\(Model\):", r"class \1(Base):", body)
    body = body.replace("            database = db\n", "")
    base = ("    class Base(Model):\n        class Meta:\n            database = db\n"
            "            legacy_table_names = False\n\n")
    return body.replace("def up(migrator, db):\n", "def up(migrator, db):\n" + base, 1)


@db_cli.command("new")
@click.argument("name")
def new_command(name):
    """Write migrations/NNNN_NAME.py from the difference between models and database."""
    with database.connection_context():
        diff = diff_models(database.obj, MODELS)
    path = runner().create(name, body=_our_conventions(template(diff)) if diff else None)
    click.echo(path)
    if not diff:
        click.echo("The models match the database: the new file is an empty skeleton.")


def init_app(app):
    """Register `flask db`."""
    app.cli.add_command(db_cli)
