"""On PostgreSQL the running portal is not the owner of its tables: `flask db grant`
gives a runtime role what it needs, and the audit log and the consent ledger stay
append-only even for someone who has that role's password."""
import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from support import PASSWORD, Web

SIGNUP = {"name": "Maija Meikäläinen", "email": "maija@example.fi", "username": "maija",
          "password": PASSWORD, "adult": "y"}


@pytest.fixture
def runtime_role(backend, database_url):
    """A fresh login role on the test cluster, dropped afterwards."""
    if backend != "postgresql":
        pytest.skip("roles are a PostgreSQL matter; run with --db=postgresql")
    role = f"portal_runtime_{secrets.token_hex(4)}"
    admin = psycopg2.connect(database_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE ROLE "{role}" LOGIN')
    parts = urlsplit(database_url)
    netloc = f"{role}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    yield role, urlunsplit(parts._replace(netloc=netloc))
    cursor = admin.cursor()
    cursor.execute(f'DROP OWNED BY "{role}"')
    cursor.execute(f'DROP ROLE "{role}"')
    admin.close()


def refused(url, statement):
    """Run `statement` as the role; return the error PostgreSQL answered, or None."""
    connection = psycopg2.connect(url)
    try:
        connection.cursor().execute(statement)
        connection.commit()
        return None
    except psycopg2.Error as exc:
        return exc.pgerror or str(exc)
    finally:
        connection.close()


def test_the_runtime_role_runs_the_portal_but_cannot_rewrite_its_history(make_app, runtime_role, smtp):
    role, role_url = runtime_role
    owner_app = make_app()
    result = owner_app.test_cli_runner().invoke(args=["db", "grant", role])
    assert result.exit_code == 0, result.output
    assert role in result.output

    app = make_app(env={"PORTAL_DATABASE_URL": role_url, "PORTAL_SMTP_URL": smtp.url})
    web = Web(app)
    assert web.post("/signup", SIGNUP).status_code == 303  # people, accounts, tokens, the outbox
    assert web.post("/subscribe/newsletter", {"email": "tiina@example.fi"}).status_code in (200, 303)
    retention = app.test_cli_runner().invoke(args=["retention", "run"])  # deletes across the tables
    assert retention.exit_code == 0, retention.output

    for statement in ("TRUNCATE audit_entry", "TRUNCATE consent_event",
                      "DROP TRIGGER consent_event_no_update ON consent_event",
                      "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
                      "UPDATE audit_entry SET detail = 'rewritten'", "DELETE FROM audit_entry",
                      "UPDATE consent_event SET action = 'granted'", "DELETE FROM breach",
                      "DELETE FROM schema_migration"):
        assert refused(role_url, statement), f"the runtime role could run: {statement}"
    assert refused(role_url, "INSERT INTO audit_entry (occurred_at, actor_role, action, detail, network) "
                             "VALUES (now(), '', 'test', '', '')") is None


def test_grant_refuses_sqlite_and_the_owner_itself(make_app, backend):
    app = make_app()
    result = app.test_cli_runner().invoke(args=["db", "grant", "postgres"])
    assert result.exit_code != 0
    assert ("SQLite" in result.output) if backend == "sqlite" else ("owner" in result.output)
