"""The database: one peewee proxy, the base model, and `flask db ...`.

The proxy is bound in `create_app` from `PORTAL_DATABASE_URL`. SQLite runs
with WAL, foreign keys, a busy timeout and `secure_delete`; PostgreSQL is used
by URL. Both are pooled, so a request borrows a connection instead of opening
one. Schema changes happen only through the numbered scripts in `migrations/`,
applied by `flask db` (migrate.py).
"""
import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from peewee import DatabaseProxy, Model
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from .config import PROJECT_ROOT
from .files import FOLDER_MODE, private_sqlite_file

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


class IdField(peewee.AutoField):
    """A row id that is never handed out again, even after the newest row is deleted.

    SQLite reuses the largest rowid once its row is gone unless the table says
    AUTOINCREMENT; PostgreSQL's sequences never go back, so it needs nothing.
    People and accounts use it: audit rows, requests and vouchers outlive them by id.
    """

    def ddl(self, ctx):
        node = super().ddl(ctx)
        db = self.model._meta.database
        if isinstance(getattr(db, "obj", db), peewee.SqliteDatabase):
            return peewee.NodeList((node, peewee.SQL("AUTOINCREMENT")))
        return node


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



def runner(db=None):
    """Return the migration runner for `migrations/`."""
    return Runner(db or database.obj, directory=str(MIGRATIONS_DIR))


def upgrade(db=None):
    """Apply every pending migration; return the applied names."""
    with (db or database.obj).connection_context():
        return runner(db).up()
