"""The mail worker: a huey consumer that delivers the outbox.

The web process nudges the queue after a request that wrote mail; the worker
also sweeps the outbox every minute, so a lost nudge only delays a message.
After a failed try the worker books one run for when the next message is due.
Queue storage is SQLite in the instance folder, or Redis with PORTAL_REDIS_URL.
"""
import logging
from pathlib import Path

import click
from flask import current_app, g
from flask.cli import with_appcontext
from huey import RedisHuey, SqliteHuey, crontab

from .. import clock
from ..files import private_folder, private_sqlite_file
from .delivery import deliver_due, next_retry_at

log = logging.getLogger("portal.mail")
NEXT_RUN_KEY = "outbox-next-run"


def make_huey(app):
    """Return the huey instance for the configured queue storage."""
    if app.config["REDIS_URL"]:
        return RedisHuey("portal", url=app.config["REDIS_URL"], results=False)
    path = private_folder(Path(app.instance_path)) / "queue.db"
    private_sqlite_file(path)
    return SqliteHuey("portal", filename=str(path), results=False)


def init_app(app):
    """Create the queue, its tasks, the nudge after requests and `flask worker`."""
    huey = make_huey(app)

    def deliver_and_book():
        # Whichever run tried a message books the run for its retry.
        with app.app_context():
            deliver_due()
            _book_next_run(huey, deliver_outbox)

    deliver_outbox = huey.task(name="deliver_outbox")(deliver_and_book)
    huey.periodic_task(crontab(minute="*"), name="sweep_outbox")(deliver_and_book)

    app.extensions["huey"] = huey
    app.extensions["deliver_outbox"] = deliver_outbox

    @app.teardown_appcontext
    def _nudge(exc):
        if g.pop("mail_queued", False) and exc is None:
            nudge_worker()

    app.cli.add_command(worker_command)


def nudge_worker():
    """Ask the worker to deliver now; the minute sweep covers a failed nudge."""
    try:
        current_app.extensions["deliver_outbox"]()
    except Exception:  # the queue being down must not fail the user's request
        log.warning("could not nudge the mail worker; the sweep will deliver", exc_info=True)


def _book_next_run(huey, task):
    """Schedule one run for when the earliest waiting message is due."""
    due = next_retry_at()
    if due is None:
        return
    booked = huey.get(NEXT_RUN_KEY, peek=True)
    now = clock.now()
    if booked is not None and now < booked <= due:
        return  # a run is already booked in time
    delay = max(0.0, (due - now).total_seconds()) + 0.05
    huey.put(NEXT_RUN_KEY, due)
    task.schedule(delay=delay)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(threads):
    """Run the mail worker (Ctrl-C stops it)."""
    huey = current_app.extensions["huey"]
    logging.getLogger("huey").setLevel(logging.WARNING)
    click.echo(f"mail worker: delivering via {'SMTP' if current_app.config['SMTP_URL'] else 'the console'}; "
               "Ctrl-C stops it.")
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=True,
                                    initial_delay=0.1, backoff=1.15, max_delay=1.0)
    consumer.run()

