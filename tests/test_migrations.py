"""Schema only through migrations: the migrated schema equals the models, both ways."""
import os
import shutil
import subprocess
import sys

import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from portal.config import PROJECT_ROOT
from portal.db import MIGRATIONS_DIR, runner
from portal.models import MODELS

APP_TABLES = {m._meta.table_name for m in MODELS}


def sqlite_schema(db):
    # Triggers exist only in migrations (the ledger's append-only guard, tested in test_consents).
    rows = db.execute_sql("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                          "AND type <> 'trigger' AND name NOT LIKE 'schema_migration%' "
                          "ORDER BY type, name").fetchall()
    return [(kind, name, " ".join(sql.split())) for kind, name, sql in rows]


def postgres_schema(db, schema):
    columns = db.execute_sql(
        "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, column_default "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name <> 'schema_migration' "
        "ORDER BY table_name, column_name", (schema,)).fetchall()
    columns = [row[:5] + ((row[5] or "").replace(schema + ".", ""),) for row in columns]
    indexes = db.execute_sql(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
        "AND tablename <> 'schema_migration' ORDER BY indexname", (schema,)).fetchall()
    indexes = [(t, n, d.replace(schema + ".", "")) for t, n, d in indexes]
    foreign = db.execute_sql(
        "SELECT tc.table_name, kcu.column_name, ccu.table_name, rc.delete_rule "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
        " AND kcu.constraint_schema = tc.constraint_schema "
        "JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name "
        " AND rc.constraint_schema = tc.constraint_schema "
        "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name "
        " AND ccu.constraint_schema = tc.constraint_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = %s ORDER BY 1, 2", (schema,)).fetchall()
    return columns, indexes, foreign


def build_both(migrated, modelled):
    """Migrate one empty database and create the other straight from MODELS."""
    applied = runner(migrated).up()
    assert applied, "no migrations ran on the empty database"
    with modelled.bind_ctx(MODELS):
        modelled.create_tables(MODELS)


def test_sqlite_migrated_schema_equals_the_models(tmp_path):
    migrated = SqliteDatabase(str(tmp_path / "migrated.db"))
    modelled = SqliteDatabase(str(tmp_path / "modelled.db"))
    build_both(migrated, modelled)
    assert set(migrated.get_tables()) - {"schema_migration", "sqlite_sequence"} == APP_TABLES
    assert sqlite_schema(migrated) == sqlite_schema(modelled)


def test_postgresql_migrated_schema_equals_the_models(postgres_url):
    if not postgres_url:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not set (CI sets it)")
    from urllib.parse import urlsplit
    parts = urlsplit(postgres_url)
    admin = PostgresqlDatabase(parts.path.lstrip("/"), user=parts.username, password=parts.password,
                               host=parts.hostname, port=parts.port)
    with admin.connection_context():
        for schema in ("schema_migrated", "schema_modelled"):
            admin.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            admin.execute_sql(f"CREATE SCHEMA {schema}")

    def in_schema(schema):
        return PostgresqlDatabase(parts.path.lstrip("/"), user=parts.username, password=parts.password,
                                  host=parts.hostname, port=parts.port, options=f"-c search_path={schema}")

    migrated, modelled = in_schema("schema_migrated"), in_schema("schema_modelled")
    try:
        build_both(migrated, modelled)
        with admin.connection_context():
            assert set(admin.get_tables(schema="schema_migrated")) - {"schema_migration"} == APP_TABLES
            assert postgres_schema(admin, "schema_migrated") == postgres_schema(admin, "schema_modelled")
    finally:
        for db in (migrated, modelled):
            db.close()
        with admin.connection_context():
            for schema in ("schema_migrated", "schema_modelled"):
                admin.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def flask(*args, env):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=PROJECT_ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


NAMES = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def test_db_commands(tmp_path):
    env = {"PORTAL_ENV": "test", "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    status = flask("db", "status", env=env)
    assert status.returncode == 1 and "[ ] 0001_initial" in status.stdout  # pending
    up = flask("db", "upgrade", env=env)
    assert up.returncode == 0 and all(f"applied: {name}" in up.stdout for name in NAMES)
    again = flask("db", "upgrade", env=env)
    assert "up to date" in again.stdout
    status = flask("db", "status", env=env)
    assert status.returncode == 0 and f"[x] {NAMES[-1]}" in status.stdout
    down = flask("db", "downgrade", env=env)
    assert down.returncode == 0 and f"reverted: {NAMES[-1]}" in down.stdout
    assert flask("db", "status", env=env).returncode == 1


def test_every_migration_reverts_and_reapplies(tmp_path):
    db = SqliteDatabase(str(tmp_path / "round.db"))
    migrations = runner(db)
    assert migrations.up() == NAMES
    assert migrations.down(NAMES[0]) == NAMES[::-1]
    assert set(db.get_tables()) - {"sqlite_sequence"} == {"schema_migration"}  # SQLite's own, never dropped
    assert migrations.up() == NAMES


def test_db_new_writes_the_next_numbered_script(tmp_path, monkeypatch, app):
    import portal.db
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    monkeypatch.setattr(portal.db, "MIGRATIONS_DIR", folder)
    result = app.test_cli_runner().invoke(args=["db", "new", "add nickname"])
    assert result.exit_code == 0, result.output
    created = sorted(p.name for p in folder.glob("[0-9]*.py"))
    # The next number after the highest, even where a number is missing (0004 lives on another branch).
    assert created[-1] == f"{int(NAMES[-1][:4]) + 1:04d}_add_nickname.py"
    assert "def up(migrator, db)" in (folder / created[-1]).read_text()
    assert "skeleton" in result.output  # the models match the migrated database
