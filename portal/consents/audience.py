"""Who may be contacted for a purpose now: the one query every sender uses.

`reachable_for(purpose)` returns a query of `Person` rows. It respects, in
SQL, everything that stops processing: a consent that is not granted (a
customer's soft opt-in counts only for messages about similar products), an
objection, a restriction (Art. 18), the suppression list, an account that is
unverified or suspended. Legitimate-interest purposes (the community) reach
only people with a verified, active (approved) account.

The people who are blocked for every purpose are few, so they are gathered
once in a non-correlated subquery (a hashed set for the database) instead of
being looked up row by row: counting 650,000 reachable people among a million
then reads only the consent index (benchmarks/audience.py).
"""
from peewee import JOIN, fn

from ..accounts.models import Account
from ..people.models import Person
from ..register import get_register
from .models import CUSTOMER, Consent, Suppression


class UnknownPurpose(ValueError):
    """The purpose is not in the register definition."""


def blocked_people(marketing):
    """Return a subquery of the ids of people nobody may contact now."""
    restricted = Person.select(Person.id).where(Person.restricted_at.is_null(False))
    accounts = Account.select(Account.person).where(
        Account.email_verified_at.is_null() | (Account.state == "suspended"))
    blocked = restricted | accounts
    if marketing:
        suppressed = (Person.select(Person.id)
                      .join(Suppression, on=(Suppression.address_hash == Person.email_hash)))
        blocked = blocked | suppressed
    return blocked


def reachable_for(purpose, similar_products=False):
    """Return the query of people who may be contacted for `purpose`.

    `similar_products` marks a message about the controller's own products
    similar to what the customer bought: it also reaches customers under
    their soft opt-in (917/2014 §200(2)) where the purpose allows it.
    """
    definition = get_register().purposes.get(purpose)
    if definition is None:
        raise UnknownPurpose(purpose)
    blocked = blocked_people(definition.direct_marketing)
    if definition.basis == "consent":
        allowed = Consent.state == "granted"
        if similar_products and definition.soft_opt_in:
            allowed = Consent.state.in_(("granted", CUSTOMER))
        return (Person.select().join(Consent, on=(Consent.person == Person.id))
                .where(Consent.purpose == purpose, allowed, Consent.person.not_in(blocked)))
    objected = Consent.select(Consent.person).where(Consent.purpose == purpose, Consent.state == "objected")
    query = Person.select().where(Person.id.not_in(blocked), Person.id.not_in(objected))
    if definition.basis == "legitimate_interest":
        # Community and profile purposes concern people with an approved account.
        query = query.join(Account, JOIN.INNER, on=(Account.person == Person.id)).where(
            Account.email_verified_at.is_null(False), Account.state == "active")
    return query


def reachable_condition(purpose):
    """Return a condition on `Person` rows that holds when they are reachable for `purpose`.

    The same rules as `reachable_for`, checked row by row with index lookups,
    for queries driven by something narrower (a name search on a staff page),
    where gathering every blocked person first would cost more than the page.
    """
    definition = get_register().purposes.get(purpose)
    if definition is None:
        raise UnknownPurpose(purpose)
    blocked_account = Account.select(Account.id).where(
        Account.person == Person.id, Account.email_verified_at.is_null() | (Account.state == "suspended"))
    condition = Person.restricted_at.is_null() & ~fn.EXISTS(blocked_account)
    if definition.direct_marketing:
        listed = Suppression.select(Suppression.address_hash).where(Suppression.address_hash == Person.email_hash)
        condition = condition & ~fn.EXISTS(listed)
    if definition.basis == "consent":
        granted = Consent.select(Consent.id).where(Consent.person == Person.id, Consent.purpose == purpose,
                                                   Consent.state == "granted")
        return condition & fn.EXISTS(granted)
    objected = Consent.select(Consent.id).where(Consent.person == Person.id, Consent.purpose == purpose,
                                                Consent.state == "objected")
    condition = condition & ~fn.EXISTS(objected)
    if definition.basis == "legitimate_interest":
        approved = Account.select(Account.id).where(Account.person == Person.id, Account.state == "active",
                                                    Account.email_verified_at.is_null(False))
        condition = condition & fn.EXISTS(approved)
    return condition


def is_reachable(person, purpose, similar_products=False):
    """Return True when `person` may be contacted for `purpose` now."""
    return reachable_for(purpose, similar_products).where(Person.id == person.id).exists()
