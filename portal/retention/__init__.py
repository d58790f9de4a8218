"""Retention that enforces itself: `flask --app portal retention run [--dry-run]`, and daily in the worker.

Each data category of the register definition has its rule (rules.py); the
job removes what has passed its period and prints, per category, how much.
"""


def init_app(app):
    """Register `flask retention` and the worker's daily run."""
    from . import cli
    cli.init_app(app)
