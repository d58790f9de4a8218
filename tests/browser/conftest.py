"""Browser tests: the portal served for real, its mail worker, and Debian's Chromium.

Skipped with a reason when /usr/bin/chromium is missing, unless
PORTAL_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from support import free_port

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

