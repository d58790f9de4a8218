"""Test harness with real parts: a migrated database per test (SQLite or
PostgreSQL), a real SMTP server on loopback, and helpers that use the pages
the way a browser does, CSRF tokens included.

Run on PostgreSQL with `pytest --db=postgresql` and PORTAL_TEST_DATABASE_URL.
"""
import os
import shutil
import signal
import subprocess
import sys

import pytest
from support import BASE_URL, PASSWORD, Mailbox, SmtpServer, Web

from portal import clock, create_app
from portal.config import PROJECT_ROOT
from portal.db import database, open_database, upgrade


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="database backend for the suite (postgresql needs PORTAL_TEST_DATABASE_URL)")


def pytest_report_header(config):
    return f"portal database backend: {config.getoption('--db')}"


# ---------------------------------------------------------------- databases

@pytest.fixture(scope="session")
def backend(request):
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres_url(backend):
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if backend == "postgresql" and not url:
        pytest.exit("--db=postgresql needs PORTAL_TEST_DATABASE_URL", returncode=2)
    return url


@pytest.fixture(scope="session")
def migrated_template(backend, postgres_url, tmp_path_factory):
    """Migrate one database for the session; tests get copies or truncations of it."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "portal.db"
        db = open_database(f"sqlite:///{path}")
        upgrade(db)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close_all()
        return path
    db = open_database(postgres_url)
    with db.connection_context():
        db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    upgrade(db)
    db.close_all()
    return postgres_url


@pytest.fixture
def database_url(backend, migrated_template, tmp_path):
    """A migrated, empty database for one test."""
    if backend == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(migrated_template, path)
        return f"sqlite:///{path}"
    db = open_database(migrated_template)
    with db.connection_context():
        tables = [t for t in db.get_tables() if t != "schema_migration"]
        if tables:
            db.execute_sql("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables)))
    db.close_all()
    return migrated_template


# ---------------------------------------------------------------- the app

@pytest.fixture
def environ(database_url, tmp_path):
    """The environment a test app starts from."""
    return {
        "PORTAL_ENV": "test",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "PORTAL_BASE_URL": BASE_URL,
        # Fixed, so a worker process started by a test can read the queued mail.
        "PORTAL_SECRET_KEY": "test secret that is long enough for the portal",
    }


@pytest.fixture
def make_app(environ):
    """Build apps from the test environment plus extra variables or config."""
    apps = []

    def build(env=None, **config):
        app = create_app(overrides=config, environ={**environ, **(env or {})})
        apps.append(app)
        return app

    yield build
    clock.reset()
    if database.obj is not None:
        database.close_all()


@pytest.fixture
def smtp():
    """A real SMTP server on loopback that keeps what it receives."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(make_app, smtp):
    return make_app(env={"PORTAL_SMTP_URL": smtp.url})


@pytest.fixture
def web(app):
    return Web(app)


@pytest.fixture
def mailbox(app, smtp):
    return Mailbox(app, smtp)


@pytest.fixture
def member(app):
    """Create a verified, active member (or another role) and return its account."""
    from portal.accounts.models import Account
    from portal.people.models import Person

    def create(email="maija@example.fi", password=PASSWORD, name="Maija Meikäläinen",
               username=None, role="member", state="active", verified=True, language="fi"):
        from portal.accounts import passwords
        with app.test_request_context():
            person = Person.create(email=email, name=name, language=language, source="test", status="member")
            return Account.create(person=person, username=username or email.split("@")[0].replace("+", "."),
                                  password_hash=passwords.hash_password(password), role=role, state=state,
                                  email_verified_at=clock.now() if verified else None)
    return create


@pytest.fixture
def start_worker(environ):
    """Start `flask --app portal worker` as its own process; stopped after the test."""
    processes = []

    def start(env=None):
        full = {**os.environ, **environ, **(env or {})}
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker"],
                                   cwd=PROJECT_ROOT, env=full, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def count_rows(app):
    """Return a function counting the rows of a model."""
    def count(model):
        with app.app_context():
            return model.select().count()
    return count
