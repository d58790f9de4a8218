"""Test harness with real parts: a migrated database per test (SQLite or
PostgreSQL), a real SMTP server on loopback, and helpers that use the pages
the way a browser does, CSRF tokens included.

Run on PostgreSQL with `pytest --db=postgresql` and PORTAL_TEST_DATABASE_URL.
"""
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from portal import clock, create_app
from portal.config import PROJECT_ROOT
from portal.db import database, open_database, upgrade

BASE_URL = "http://portal.test"
PASSWORD = "vihreä tuoli pilvessä"  # strong enough for the rules, easy to read in tests


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
    from portal.accounts.models import Account, Person

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


# ---------------------------------------------------------------- helpers

class SmtpServer:
    """aiosmtpd on a free loopback port; `messages` are parsed EmailMessages."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count, timeout=15):
        """Wait until `count` messages have arrived; return them."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class Mailbox:
    """Deliver the outbox to the SMTP server and read what arrived."""

    def __init__(self, app, smtp):
        self.app, self.smtp = app, smtp

    def deliver(self):
        from portal.mail.delivery import deliver_due
        with self.app.app_context():
            deliver_due()
        return self.smtp.messages

    def to(self, address):
        self.deliver()
        return [m for m in self.smtp.messages if m["To"] == address]

    def last_to(self, address):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.smtp.messages]}"
        return found[-1]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def link_in(message, base=BASE_URL):
    """Return the first link into the portal in a message's text part."""
    match = re.search(re.escape(base) + r"/[^\s<>\"]+", text_of(message))
    assert match, "no portal link in the message"
    return match.group(0)


def path_of(link, base=BASE_URL):
    return link[len(base):]


class Web:
    """A test client that posts forms with their CSRF token, like a browser."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token = None

    def get(self, path, htmx=False, **kwargs):
        response = self.client.get(path, headers=self._headers(htmx), **kwargs)
        self._remember_token(response)
        return response

    def post(self, path, data=None, htmx=False, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        response = self.client.post(path, data=data, headers=self._headers(htmx), **kwargs)
        self._remember_token(response)
        return response

    def csrf_token(self):
        if self.token is None:
            self.get("/")
        return self.token

    def login(self, login="maija@example.fi", password=PASSWORD, remember=False):
        self.token = None
        response = self.post("/login", {"login": login, "password": password,
                                        **({"remember": "y"} if remember else {})})
        self.token = None  # the session (and its CSRF token) is new after login
        return response

    def session_cookie(self):
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None

    def _headers(self, htmx):
        return {"HX-Request": "true"} if htmx else {}

    def _remember_token(self, response):
        if response.mimetype == "text/html":
            match = self.CSRF.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def count_rows(app):
    """Return a function counting the rows of a model."""
    def count(model):
        with app.app_context():
            return model.select().count()
    return count
