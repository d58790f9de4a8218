"""The database: one peewee proxy, the base model, and `flask db ...`.

The proxy is bound in `create_app` from `PORTAL_DATABASE_URL`. SQLite runs
with WAL, foreign keys, a busy timeout and `secure_delete`; PostgreSQL is used
by URL. Both are pooled, so a request borrows a connection instead of opening
one. Schema changes happen only through the numbered scripts in `migrations/`.
"""
import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
import peewee
from peewee import DatabaseProxy, Model
from playhouse.migrations import MigrationError, Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from .config import PROJECT_ROOT

database = DatabaseProxy()
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
# Row ids are 32-bit on PostgreSQL (serial); SQLite's are wider, but an id past
# this range names no row on either, and past 2**63 SQLite cannot even compare it.
MAX_ID = 2**31 - 1

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "secure_delete": 1,
    "synchronous": "normal",
}


class DateTimeField(peewee.DateTimeField):
    """A naive-UTC datetime column, read with fromisoformat.

    peewee tries strptime formats one by one on SQLite's text values, which
    made reading a signed-in member's session row cost more than the query.
    """

    def adapt(self, value):
        if value and isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                pass
        return super().adapt(value)


class BaseModel(Model):
    """Base of every model: bound to the proxy, snake_case table names."""

    class Meta:
        database = database
        legacy_table_names = False


def parse_id(value):
    """Return `value` as a row id (ASCII digits, 1 to MAX_ID), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def get_or_404(model, row_id):
    """Return the row of `model` with this id, or answer 404 (a view helper)."""
    from flask import abort
    row_id = parse_id(row_id)
    row = model.get_or_none(model.id == row_id) if row_id is not None else None
    if row is None:
        abort(404)
    return row


def insert_rows(model, columns, rows, conflict=(), update=()):
    """Insert many rows with one prepared statement (executemany); optionally upsert.

    peewee's insert_many builds SQL with a parameter per value, which cost
    more than the inserts themselves for an import of 100,000 rows.
    """
    if not rows:
        return
    db, table = database.obj, model._meta.table_name
    names = [model._meta.fields[c].column_name for c in columns]
    marks = ", ".join([db.param] * len(names))
    sql = f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) VALUES ({marks})'
    if conflict:
        targets = ", ".join(f'"{model._meta.fields[c].column_name}"' for c in conflict)
        sets = ", ".join(f'"{model._meta.fields[c].column_name}" = excluded."{model._meta.fields[c].column_name}"'
                         for c in update)
        sql += f" ON CONFLICT ({targets}) DO UPDATE SET {sets}" if update else f" ON CONFLICT ({targets}) DO NOTHING"
    cursor = db.cursor()
    cursor.executemany(sql, rows)


def open_database(url):
    """Return a pooled peewee database for a sqlite:/// or postgresql:// URL."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):].split("?", 1)[0])
        if path != ":memory:":
            from .files import FOLDER_MODE, private_sqlite_file
            Path(path).parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            private_sqlite_file(Path(path))  # the database, its -wal and -shm: 0600
        return PooledSqliteDatabase(
            path, pragmas=SQLITE_PRAGMAS, max_connections=32, stale_timeout=600,
            check_same_thread=False)
    return PooledPostgresqlDatabase(
        unquote(parts.path.lstrip("/")),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname, port=parts.port,
        max_connections=int(options.pop("max_connections", 32)),
        stale_timeout=600, **options)


def is_postgresql(db=None):
    """Return True when the bound database is PostgreSQL."""
    db = db or database.obj
    return isinstance(db, PooledPostgresqlDatabase)


def init_app(app):
    """Bind the proxy and borrow a connection for each request."""
    database.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)
        # Returning peewee's True here would become the response (STYLE 5).

    @app.teardown_request
    def _release(exc):
        if not database.is_closed():
            database.close()

    app.cli.add_command(db_cli)


def runner(db=None):
    """Return the migration runner for `migrations/`."""
    return Runner(db or database.obj, directory=str(MIGRATIONS_DIR))


def upgrade(db=None):
    """Apply every pending migration; return the applied names."""
    with (db or database.obj).connection_context():
        return runner(db).up()


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
    from playhouse.migrations import template
    from playhouse.schema_diff import diff_models

    from .models import MODELS

    with database.connection_context():
        diff = diff_models(database.obj, MODELS)
    path = runner().create(name, body=_our_conventions(template(diff)) if diff else None)
    click.echo(path)
    if not diff:
        click.echo("The models match the database: the new file is an empty skeleton.")
