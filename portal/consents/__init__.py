"""Consents: the ledger, the current states, who may be contacted, the suppression list.

The member's page, My consents, is one of the rights pages (rights/consents_views.py).
"""


def init_app(app):
    """Register `flask suppression-key`, the email-hash backfill and the ledger's words for templates."""
    from . import labels
    from .cli import suppression_key_command
    from .service import fill_email_hashes

    app.cli.add_command(suppression_key_command)
    app.extensions.setdefault("after_upgrade", []).append(fill_email_hashes)
    app.jinja_env.globals.update(action_label=labels.action_label, source_label=labels.source_label,
                                 purpose_title=labels.purpose_title)
