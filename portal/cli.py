"""`flask --app portal dev`: the web server and the mail worker in one terminal."""
import subprocess
import sys

import click
from flask.cli import with_appcontext
from flask import current_app
from werkzeug.serving import run_simple


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def dev_command(host, port):
    """Serve the portal for development together with the mail worker."""
    app = current_app._get_current_object()
    if app.config["ENV_NAME"] == "production":
        raise click.ClickException("use gunicorn and `flask --app portal worker` in production.")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker"])
    click.echo(f"Portal: {app.config['BASE_URL']}/  ·  mail: {app.config['BASE_URL']}/dev/mail/  ·  Ctrl-C stops both.")
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
