"""`flask --app portal dev`: the web server and the mail worker in one terminal."""
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple


def _die_with_parent():
    """In the worker: get SIGTERM when `flask dev` goes, however it goes (Linux)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(signum, frame):
    raise SystemExit(0)


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def dev_command(host, port):
    """Serve the portal for development together with the mail worker."""
    app = current_app._get_current_object()
    if app.config["ENV_NAME"] == "production":
        raise click.ClickException("use gunicorn and `flask --app portal worker` in production.")
    env = dict(os.environ)
    if not os.environ.get("PORTAL_BASE_URL"):
        # Links in mail follow the port this server really listens on.
        app.config["BASE_URL"] = env["PORTAL_BASE_URL"] = f"http://{host}:{port}"
    # SIGTERM (systemd, docker, an IDE's stop button, `make` passing it on) stops
    # both processes, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _stop)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker"], env=env,
                              preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    base = app.config["BASE_URL"]
    click.echo(f"Portal: {base}/  ·  mail: {base}/dev/mail/  ·  Ctrl-C stops both.")
    try:
        # Werkzeug directly: Flask ignores app.run() inside a `flask` command.
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def init_app(app):
    """Register the development command."""
    app.cli.add_command(dev_command)
