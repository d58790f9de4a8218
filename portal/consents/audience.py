"""Who may be contacted for a purpose now: the one query every sender uses.

`reachable_for(purpose)` returns a query of `Person` rows. It respects, in
SQL, everything that stops processing: a consent that is not granted, an
objection, a restriction (Art. 18), the suppression list, an account that is
unverified or suspended. Legitimate-interest purposes (the community) reach
only people with a verified, active (approved) account.
"""
from peewee import JOIN, fn

from ..accounts.models import Account, Person
from ..register import get_register
from .models import Consent, Suppression


class UnknownPurpose(ValueError):
    """The purpose is not in the register definition."""


def reachable_for(purpose):
    """Return the query of people who may be contacted for `purpose`."""
    definition = get_register().purposes.get(purpose)
    if definition is None:
        raise UnknownPurpose(purpose)
    query = Person.select().where(Person.restricted_at.is_null())
    if definition.basis == "consent":
        query = query.join(Consent).where(Consent.purpose == purpose, Consent.state == "granted")
    else:
        objected = Consent.select(Consent.id).where(
            Consent.person == Person.id, Consent.purpose == purpose, Consent.state == "objected")
        query = query.where(~fn.EXISTS(objected))
    if definition.basis == "legitimate_interest":
        # Community and profile purposes concern people with an approved account.
        query = query.join(Account, on=(Account.person == Person.id), join_type=JOIN.INNER).where(
            Account.email_verified_at.is_null(False), Account.state == "active")
    else:
        blocked = Account.select(Account.id).where(
            Account.person == Person.id,
            Account.email_verified_at.is_null() | (Account.state == "suspended"))
        query = query.where(~fn.EXISTS(blocked))
    if definition.direct_marketing:
        suppressed = Suppression.select(Suppression.address_hash).where(
            Suppression.address_hash == Person.email_hash)
        query = query.where(~fn.EXISTS(suppressed))
    return query


def is_reachable(person, purpose):
    """Return True when `person` may be contacted for `purpose` now."""
    return reachable_for(purpose).where(Person.id == person.id).exists()
