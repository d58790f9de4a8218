"""Consents: the ledger, the current states, the suppression list and the member's page."""
from flask import Blueprint

bp = Blueprint("consents", __name__)


def init_app(app):
    """Register the consent page, `flask suppression-key` and the email-hash backfill."""
    import click

    from .service import fill_email_hashes

    @app.cli.command("suppression-key")
    def suppression_key():
        """Print the key of the suppression list's hashes (keep it when rotating the secret)."""
        click.echo(app.config["SUPPRESSION_KEY"])

    app.extensions.setdefault("after_upgrade", []).append(fill_email_hashes)
    from . import labels, views  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
    app.jinja_env.globals.update(action_label=labels.action_label, source_label=labels.source_label,
                                 purpose_title=labels.purpose_title)
