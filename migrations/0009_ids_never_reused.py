"""People's and accounts' ids are never handed out again (SQLite: AUTOINCREMENT).

SQLite gives a new row the largest rowid plus one, so deleting the newest
person gave the next one the same id, and the audit trail, data requests and
staff links that name the erased person by id named the newcomer. SQLite
cannot add AUTOINCREMENT to a table, so each table is rebuilt the way the
SQLite manual describes (lang_altertable.html, "other kinds of schema
changes"): the migrator has turned foreign keys off outside this transaction,
so dropping the old `person` cascades nothing and fires nothing; every trigger
is dropped first (the ledger's guard names `person`, and a rename checks every
trigger) and recreated after; the indexes are recreated from their own SQL;
and the foreign keys are checked before the transaction commits.

The sequence starts above every id that anything still names (audit rows,
permits, staff ids on breaches, requests, exports and blocked domains), so an
id deleted before this migration is not handed out either. PostgreSQL's
serial sequences never go back: nothing to do there.
"""
from peewee import PostgresqlDatabase

PLAIN = '"id" INTEGER NOT NULL PRIMARY KEY'
OUTLIVING = {
    "person": [("audit_entry", "person_id"), ("consent_event_permit", "person_id")],
    "account": [("audit_entry", "actor_id"), ("breach", "recorded_by"), ("breach_notice", "sent_by"),
                ("blocked_domain", "blocked_by"), ("processor_export", "created_by"),
                ("data_request", "recorded_by")],
}


def _rebuild(db, table, autoincrement):
    """Rebuild `table` with (or without) AUTOINCREMENT on its id, keeping rows, indexes and triggers."""
    sql, = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if autoincrement:
        new = sql.replace(PLAIN, PLAIN + " AUTOINCREMENT", 1)
    else:
        new = sql.replace(PLAIN + " AUTOINCREMENT", PLAIN, 1)
    if new == sql:
        return
    scratch = f"{table}__rebuild"
    new = new.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{scratch}"', 1)
    indexes = [row[0] for row in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
    triggers = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    db.execute_sql(new)
    db.execute_sql(f'INSERT INTO "{scratch}" SELECT * FROM "{table}"')
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{scratch}" RENAME TO "{table}"')
    for index in indexes:
        db.execute_sql(index)
    for _, trigger in triggers:
        db.execute_sql(trigger)
    if autoincrement:
        _start_sequence(db, table)
    else:
        db.execute_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rebuilding {table} broke foreign keys: {broken[:5]}")


def _start_sequence(db, table):
    """Start the table's sequence above every id of it that a row anywhere still names."""
    highest = [f'SELECT MAX(id) FROM "{table}"'] + [f'SELECT MAX("{column}") FROM "{other}"'
                                                     for other, column in OUTLIVING[table]]
    seq = max((db.execute_sql(q).fetchone()[0] or 0) for q in highest)
    db.execute_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
    db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq))


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        return
    for table in ("person", "account"):
        _rebuild(db, table, autoincrement=True)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        return
    for table in ("account", "person"):
        _rebuild(db, table, autoincrement=False)
