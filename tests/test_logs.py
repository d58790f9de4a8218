"""Logs: no token from an emailed link ever reaches them (LOG-02, TOK-07).

Each route that takes a token is opened with a real token of the kind we mail,
through a real server: werkzeug's (the development server) and gunicorn with its
default access-log format, which also logs the Referer. The token is in the
path, in a query string and in the Referer; the captured log must not hold it.
"""
import datetime as dt
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from support import free_port
from werkzeug.serving import make_server

from portal import clock
from portal.config import PROJECT_ROOT


def mailed_tokens(app, member):
    """Return {endpoint: token} with a real token for every route that takes one."""
    from portal.accounts.models import digest
    from portal.accounts.tokens import issue_token
    from portal.imports.service import store
    from portal.newsletter import links
    from portal.newsletter.models import PendingSignup
    from portal.people.models import Person
    from portal.rights import links as export_links
    from portal.rights.models import DataRequest

    account = member()
    with app.test_request_context():
        person = Person.get_by_id(account.person_id)
        raw_request, raw_signup = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        DataRequest.create(kind="access", email=person.email, due_at=clock.now(), token_hash=digest(raw_request))
        PendingSignup.create(email="uusi@example.fi", language="fi", source_kind="form", source="newsletter",
                             grants=json.dumps([]), notice_version="x", token_hash=digest(raw_signup),
                             expires_at=clock.now() + dt.timedelta(days=1))
        preferences, export = links.preferences_token(person), export_links.export_token(person)
        return {
            "signup.verify": issue_token(person, "verify_email"),
            "accounts.reset": issue_token(person, "reset_password"),
            "accounts.confirm_email_change": issue_token(person, "change_email", data={"email": "uusi@example.fi"}),
            "staff.accept": issue_token(person, "staff_invite", data={"role": "moderator", "by": 0}),
            "rights.erase_by_link": issue_token(person, "erase"),
            "rights.confirm_request": raw_request,
            "rights.request_export": export,
            "rights.cancel_export": export,
            "newsletter.confirm": raw_signup,
            "newsletter.preferences": preferences,
            "newsletter.change_preference": preferences,
            "newsletter.stop_all": preferences,
            "rights.erase_from_preferences": preferences,
            "newsletter.unsubscribe": links.unsubscribe_token(person, "newsletter"),
            "newsletter.material": links.material_token(person, "opas"),
            "imports.apply": store(b"email\n", app.config["IMPORTS_DIR"]),  # an upload's token, not mailed
        }


def token_paths(app, tokens):
    """Return (token, path) for every rule with a <token>, its other parts filled in."""
    rules = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert {r.endpoint for r in rules} == set(tokens), "a token route without a token in this test"
    return [(tokens[r.endpoint], r.rule.replace("<token>", tokens[r.endpoint]).replace("<purpose>", "newsletter"))
            for r in rules]


def open_everything(base, paths):
    """Request each path three ways: the token in the path, in a query string, in the Referer."""
    for _token, path in paths:
        for url, referer in ((base + path, None), (f"{base}/login?next={quote(path, safe='')}", None),
                             (f"{base}/login?next={path}", None), (base + "/", base + path)):
            request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
            try:
                urllib.request.urlopen(request, timeout=30).read()
            except urllib.error.HTTPError as exc:
                assert exc.code < 500, (url, exc.code)


def assert_no_token(log, paths):
    for token, path in paths:
        parts = [token, *[p for p in token.split(".") if len(p) >= 16]]  # a token's signature alone is one too
        for part in parts:
            assert part not in log, f"{path.split(token)[0]}… leaves its token in the log"
    assert "[redacted]" in log


def test_no_token_reaches_the_development_servers_log(app, member, caplog):
    paths = token_paths(app, mailed_tokens(app, member))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            open_everything(f"http://127.0.0.1:{server.port}", paths)
    finally:
        server.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 4 * len(paths)
    assert_no_token("\n".join(lines), paths)


def test_no_token_reaches_gunicorns_access_log(app, member, environ, tmp_path):
    paths = token_paths(app, mailed_tokens(app, member))
    port, log = free_port(), tmp_path / "access.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "wsgi:app"],  # the default format logs the Referer ("%(f)s")
        cwd=PROJECT_ROOT, env={**os.environ, **environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        open_everything(f"http://127.0.0.1:{port}", paths)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    assert text.count("\n") >= 4 * len(paths) and '"http://127.0.0.1' in text  # referers were logged
    assert_no_token(text, paths)


def test_every_page_with_a_token_in_its_address_keeps_the_referer_on_our_origin(app, member):
    """TOK-07: each route that takes a token answers `Referrer-Policy: same-origin`, errors included."""
    tokens = mailed_tokens(app, member)
    client = app.test_client()
    for rule in (r for r in app.url_map.iter_rules() if "token" in r.arguments):
        path = rule.rule.replace("<token>", tokens[rule.endpoint]).replace("<purpose>", "newsletter")
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method)
            assert response.headers["Referrer-Policy"] == "same-origin", (method, path, response.status_code)
    assert client.get("/login").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
