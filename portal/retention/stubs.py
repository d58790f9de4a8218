"""Stubs: people whose contact details went when they withdrew everything.

A person who withdrew or refused every consent, and has no account, order,
appointment, restriction or pending sign-up, is not kept as a contact
(the definitions promise that). Their consent records must still be kept for
their own period (`withdrawn + 3 years`) as proof that past messages were
sent with permission. So the person becomes a stub: the address is replaced
by `withdrawn:<id>:<keyed hash of the address>` (the proof can still be
matched to an address someone asks about, but the address cannot be read
back), name and phone are emptied, `email_hash` is cleared so that no link
or lookup finds the stub, and every other row about them is removed. When no
withdrawn consent record is left, the stub goes too.
"""
from peewee import Value

from ..accounts.models import Account, EmailToken
from ..appointments.models import Appointment
from ..consents.models import CUSTOMER, Consent, Suppression
from ..guardians.models import Guardian
from ..mail.models import OutboxMessage
from ..newsletter.models import PendingSignup
from ..orders.models import Order
from ..people.models import Person, address_hash
from ..relationship.models import Interaction
from ..rights.models import DataRequest, Restriction

PREFIX = "withdrawn:"
CHUNK = 500


def candidates():
    """Return a query of (id, email, email_hash) of people to turn into stubs."""
    granted = Consent.select(Consent.person).where(Consent.state.in_(("granted", CUSTOMER)))
    refused = Consent.select(Consent.person).where(Consent.state.in_(("withdrawn", "objected")))
    return Person.select(Person.id, Person.email, Person.email_hash).where(
        ~Person.email.startswith(PREFIX), Person.restricted_at.is_null(),
        Person.id.in_(refused), Person.id.not_in(granted),
        Person.id.not_in(Account.select(Account.person)),
        Person.id.not_in(Order.select(Order.person).where(Order.person.is_null(False))),
        Person.id.not_in(Appointment.select(Appointment.person)),
        Person.email.not_in(PendingSignup.select(PendingSignup.email)))


def finished():
    """Return a query of the ids of stubs with no withdrawn consent record left."""
    kept = Consent.select(Consent.person).where(Consent.state == "withdrawn")
    return Person.select(Person.id).where(Person.email.startswith(PREFIX), Person.id.not_in(kept))


def make_stubs(query, now):
    """Turn the people of `query` into stubs; return how many."""
    rows = list(query.tuples())
    for start in range(0, len(rows), CHUNK):
        _stub(rows[start:start + CHUNK], now)
    return len(rows)


def _stub(rows, now):
    """Suppress the addresses, remove every other row about the people, and blank the person rows."""
    hashes = {person_id: email_hash or address_hash(email) for person_id, email, email_hash in rows}
    ids, emails = list(hashes), [email for _, email, _ in rows]
    Suppression.insert_many([{"address_hash": h, "reason": "unsubscribed", "created_at": now}
                             for h in hashes.values()]).on_conflict_ignore().execute()
    EmailToken.delete().where(EmailToken.person.in_(ids)).execute()
    Interaction.delete().where(Interaction.person.in_(ids)).execute()
    Guardian.delete().where(Guardian.child.in_(ids)).execute()
    Restriction.delete().where(Restriction.person.in_(ids)).execute()
    OutboxMessage.delete().where(OutboxMessage.person.in_(ids) | OutboxMessage.to_address.in_(emails)).execute()
    by_email = dict(zip(emails, ids, strict=True))
    for request in DataRequest.select().where(DataRequest.person.in_(ids) | DataRequest.email.in_(emails)):
        owner = request.person_id if request.person_id in hashes else by_email[request.email]
        DataRequest.update(email="erased:" + hashes[owner][:16], details="", person=None, token_hash=None) \
            .where(DataRequest.id == request.id).execute()
    for person_id, _email, email_hash in rows:
        if email_hash is None:  # rows from before the hash existed
            Person.update(email_hash=hashes[person_id]).where(Person.id == person_id).execute()
    stub_address = Value(PREFIX).concat(Person.id.cast("TEXT")).concat(":").concat(Person.email_hash)
    Person.update(email=stub_address, name="", phone=None, email_hash=None, updated_at=now) \
        .where(Person.id.in_(ids)).execute()
