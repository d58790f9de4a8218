"""Every concern that stores personal data, named once, in export order.

`rights` composes them: the export and "My data" read their tables, erasure
runs all their `erase` in one transaction. A test walks `MODELS` and fails if
a table that links to a person is not covered by one of them.
"""
from ..accounts import privacy as accounts
from ..appointments import privacy as appointments
from ..breaches import privacy as breaches
from ..consents import privacy as consents
from ..guardians import privacy as guardians
from ..imports import privacy as imports
from ..mail import privacy as mail
from ..newsletter import privacy as newsletter
from ..orders import privacy as orders
from ..processors import privacy as processors
from ..relationship import privacy as relationship
from ..staff import privacy as staff
from . import privacy as rights

CONCERNS = (accounts, consents, newsletter, relationship, orders, appointments, guardians, rights, mail,
            processors, breaches, staff, imports)  # files last: they cannot roll back


def tables():
    """Return every concern's tables, in export order."""
    return [table for concern in CONCERNS for table in concern.TABLES]


def covered_models():
    """Return {model: how it is handled} over all concerns."""
    covered = {}
    for concern in CONCERNS:
        covered.update(concern.COVERS)
    return covered
