"""`flask dev` (what `make run` starts): the links follow the port it serves on, and
SIGTERM stops the web server and its mail worker alike, as Ctrl-C does."""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from support import PASSWORD, free_port

from portal import clock
from portal.accounts import passwords
from portal.accounts.models import Account
from portal.config import PROJECT_ROOT
from portal.people.models import Person


def children_of(pid):
    """Return the ids of the live processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def dev_server(environ):
    """Start `flask dev --port N` on the test database with no PORTAL_BASE_URL set."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    port = free_port()
    env = {**os.environ, **environ, "PORTAL_ENV": "development"}
    env.pop("PORTAL_BASE_URL")
    env.pop("PORTAL_SMTP_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "dev", "--port", str(port)],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    deadline = time.monotonic() + 10
    while not children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = children_of(process.pid)
    yield process, port
    if process.poll() is None:
        process.kill()
    for worker in workers:  # in case it outlived the server (the bug this file tests for)
        if alive(worker):
            os.kill(worker, signal.SIGKILL)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_the_dev_server_stops_its_worker_too(dev_server, stop):
    process, port = dev_server
    worker, = children_of(process.pid)
    process.send_signal(stop)
    process.wait(timeout=15)
    deadline = time.monotonic() + 15
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker), "the mail worker outlived `flask dev`"


def test_links_in_mail_follow_the_port_it_serves_on(dev_server, make_app):
    process, port = dev_server
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/password/reset")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    app = make_app()
    with app.test_request_context():
        person = Person.create(email="maija@example.fi", name="Maija", source="test", status="member")
        Account.create(person=person, username="maija", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
    request = urllib.request.Request(f"http://127.0.0.1:{port}/password/reset",
                                     data=urlencode({"csrf_token": token, "email": "maija@example.fi"}).encode(),
                                     headers={"Cookie": cookie})
    urllib.request.urlopen(request)
    from portal.mail.models import OutboxMessage
    deadline = time.monotonic() + 20
    with app.app_context():
        while not OutboxMessage.select().where(OutboxMessage.status == "sent").exists():
            assert time.monotonic() < deadline, "the worker printed no mail"
            time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=15)[0]
    assert f"Portal: http://127.0.0.1:{port}/" in output
    assert f"http://127.0.0.1:{port}/password/reset/" in output, output[-2000:]
    assert ":5000" not in output
