"""Every concern that stores personal data, each with its export and erasure.

`rights` composes them: the export walks them in order, erasure runs all of
them in one transaction. A test walks `MODELS` and fails if a table that
links to a person is not covered here.
"""
from importlib import import_module

CONCERNS = ("accounts", "consents", "newsletter", "relationship", "orders", "appointments", "rights", "mail",
            "retention", "processors", "breaches", "staff", "imports")  # files last: they cannot roll back


def concerns():
    """Return the privacy modules of every concern, in export order."""
    return [import_module(f"portal.{name}.privacy") for name in CONCERNS]


def covered_models():
    """Return {model: how it is handled} over all concerns."""
    covered = {}
    for module in concerns():
        covered.update(module.COVERS)
    return covered
