"""Consents: the ledger, the current states, the suppression list and the member's page."""


def init_app(app):
    """Register the consent page, `flask suppression-key`, the email-hash backfill and the ledger's words."""
    from . import labels
    from .cli import suppression_key_command
    from .service import fill_email_hashes
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(suppression_key_command)
    app.extensions.setdefault("after_upgrade", []).append(fill_email_hashes)
    app.jinja_env.globals.update(action_label=labels.action_label, source_label=labels.source_label,
                                 purpose_title=labels.purpose_title)
