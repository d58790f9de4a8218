"""Browser tests: the portal served for real, its mail worker, and Debian's Chromium.

Two ways to serve it: `live` is the test configuration over plain http in a
thread (fast); `production` is what the README deploys: PORTAL_ENV=production,
gunicorn serving TLS with a throwaway certificate, the worker sending through
an SMTP server that insists on STARTTLS, Redis when the suite has one.

Skipped with a reason when /usr/bin/chromium is missing, unless
PORTAL_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
"""
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from support import SmtpServer, free_port, make_certificate
from werkzeug.serving import make_server

from portal.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """The app served by werkzeug in a thread, on its own port."""

    def __init__(self, app, port):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live(make_app, smtp, start_worker):
    """Serve the portal on a free port with its worker delivering to the test SMTP server."""
    port = free_port()
    env = {"PORTAL_BASE_URL": f"http://127.0.0.1:{port}", "PORTAL_SMTP_URL": smtp.url}
    app = make_app(env=env)
    start_worker(env)
    server = LiveServer(app, port).start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(base_url=live.url, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()



# ---------------------------------------------------------------- production over TLS

@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A throwaway certificate for 127.0.0.1: the web server's and the SMTP server's."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_smtp(certificate):
    """An SMTP server that refuses mail sent without STARTTLS."""
    server = SmtpServer(certificate=certificate)
    server.start()
    yield server
    server.stop()


class ProductionServer:
    """`gunicorn --certfile --keyfile wsgi:app` as its own process, as the README runs it."""

    def __init__(self, env, port, certificate, log_path):
        self.env, self.port, self.certificate, self.log_path = env, port, certificate, log_path
        self.url = f"https://127.0.0.1:{port}"
        self.process = None

    def start(self):
        cert, key = self.certificate
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
                 "--certfile", str(cert), "--keyfile", str(key), "--access-logfile", "-", "wsgi:app"],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {self.log()}")
            try:
                with self.open("/login") as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer over https within 30 s: {self.log()}")

    def open(self, path, data=None, method=None):
        """Request `path` over https, trusting the throwaway certificate (no cookies)."""
        context = ssl.create_default_context(cafile=str(self.certificate[0]))
        request = urllib.request.Request(self.url + path, data=data, method=method)
        return urllib.request.urlopen(request, context=context, timeout=10)

    def log(self):
        return Path(self.log_path).read_text()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def production(make_app, environ, tls_smtp, start_worker, certificate, tmp_path):
    """The portal in its production configuration over https, with its worker.

    `production.app` is a test-mode twin on the same database, for seeding and
    reading what the production processes wrote.
    """
    port = free_port()
    env = {"PORTAL_ENV": "production", "PORTAL_BASE_URL": f"https://127.0.0.1:{port}",
           "PORTAL_SMTP_URL": tls_smtp.url, "PORTAL_MAIL_FROM": "BloomLead <noreply@example.fi>",
           # The worker verifies the SMTP server's certificate against the throwaway one.
           "SSL_CERT_FILE": str(certificate[0])}
    redis_url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if redis_url:
        import redis
        redis.Redis.from_url(redis_url).flushdb()
        env["PORTAL_REDIS_URL"] = redis_url
    twin = make_app(env={"PORTAL_BASE_URL": env["PORTAL_BASE_URL"], "PORTAL_SMTP_URL": tls_smtp.url})
    start_worker(env)
    server = ProductionServer({**os.environ, **environ, **env}, port, certificate, tmp_path / "gunicorn.log")
    server.app, server.smtp = twin, tls_smtp
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tls_page(browser, production):
    """A Chromium tab on the production server (the throwaway certificate accepted)."""
    context = browser.new_context(base_url=production.url, locale="fi-FI", ignore_https_errors=True,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
