"""People whose relationship with us has ended: erased, or kept only as the proof of their consents.

The contact category's rule (`contract_end + N years`) covers everyone in the
register, with or without an account. A person's relationship has ended, and
their contact details go, when all of these hold:

- no account (while it exists the relationship goes on);
- no standing consent (`granted`): an offer of similar products (soft opt-in,
  `customer`) rests on being a customer and ends with the customer relationship;
- processing not restricted (Art. 18 keeps the data stored), no sign-up waiting
  for its confirmation, not a stub already, and not someone the stub rule takes;
- no dealing since the cutoff: being added, an order (one still within the
  Accounting Act period), an appointment or visit, a log entry, a data request.

They are erased with rights' own erasure (paid orders stay as detached
vouchers, the suppression hash stays), except someone whose withdrawn
consent's record is still within its own period: they keep only those records,
as a stub (stubs.py), until the consent-records rule has removed them.
"""
from peewee import fn

from ..accounts.models import Account
from ..appointments.models import Appointment
from ..consents.models import Consent, ConsentEvent
from ..newsletter.models import PendingSignup
from ..orders.accounting import voucher_cutoff
from ..orders.models import Order
from ..people.models import Person
from ..relationship.models import CONSENTED, KIND_FIELDS, Interaction
from ..rights.erasure import erase_all_but_consent_proof, erase_person
from ..rights.models import DataRequest
from . import stubs

CHUNK = 200


def expired(ctx):
    """Return a query of the ids of people whose relationship has ended, or None without such a rule."""
    cutoff = ctx.cutoff("email", "contract_end")
    if cutoff is None:
        return None
    vouchers_kept = voucher_cutoff(ctx.now, ctx.register.accounting["financial_year_end"])
    recent = (Order.select(Order.person).where(Order.person.is_null(False),
                                               (Order.created_at >= cutoff) | (Order.paid_at >= cutoff),
                                               fn.COALESCE(Order.paid_at, Order.created_at) >= vouchers_kept)
              | Appointment.select(Appointment.person).where(Appointment.starts_at >= cutoff)
              | Interaction.select(Interaction.person).where(Interaction.occurred_at >= cutoff)
              | DataRequest.select(DataRequest.person).where(DataRequest.person.is_null(False),
                                                             DataRequest.received_at >= cutoff))
    granted = Consent.select(Consent.person).where(Consent.state == "granted")
    taken_by_stub_rule = stubs.candidates().select(Person.id)
    return Person.select(Person.id).where(
        Person.created_at < cutoff, ~Person.email.startswith(stubs.PREFIX), Person.restricted_at.is_null(),
        Person.id.not_in(Account.select(Account.person)), Person.id.not_in(granted),
        Person.id.not_in(recent), Person.email.not_in(PendingSignup.select(PendingSignup.email)),
        Person.id.not_in(taken_by_stub_rule))


def _with_proof(ctx, ids):
    """Return the ids among `ids` holding a withdrawn consent whose record is still within its period."""
    proof = Consent.select(Consent.person).where(Consent.person.in_(ids), Consent.state == "withdrawn")
    cutoff = ctx.cutoff("consent_records", "withdrawn")
    if cutoff is not None:
        proof = proof.where(Consent.updated_at >= cutoff)
    return {row.person_id for row in proof}


def log_fields(ctx):
    """Return {field: kinds} of the log's entries, without data collected with permission (its own rule).

    A kind whose field the definition does not name follows the contact rule, so nothing stays for ever.
    """
    fields = {}
    for kind, key in KIND_FIELDS.items():
        if kind != CONSENTED:
            fields.setdefault(key if ctx.register.category_with_field(key) else "email", []).append(kind)
    return fields


def rule(ctx, apply):
    """Erase (or reduce to stubs) the people whose relationship ended; return (field, label, count)s."""
    query = expired(ctx)
    if query is None:
        return []
    ids = [person_id for (person_id,) in query.tuples()]
    proof = _with_proof(ctx, ids)
    erased = [person_id for person_id in ids if person_id not in proof]
    period = ctx.rule_of("email")
    items = [("email", f"people whose last dealing with us was longer ago than {period} and who hold no "
                           "consent: erased (paid orders stay as vouchers)", len(erased)),
             ("email", f"people whose last dealing with us was longer ago than {period}: contact details "
                           "removed, the records of a recently withdrawn consent kept for their own period",
                  len(proof))]
    for field, count in _their_rows(ctx, ids, erased):
        if count or ctx.register.category_with_field(field):
            items.append((field, f"{field.replace('_', ' ')} of those people", count))
    if apply:
        for start in range(0, len(ids), CHUNK):
            for person in Person.select().where(Person.id.in_(ids[start:start + CHUNK])):
                if person.id in proof:
                    _reduce_to_stub(person, ctx.now)
                else:
                    erase_person(person, by="retention", notify=False)
    return items


def _their_rows(ctx, ids, erased):
    """Yield (field, count) of the rows that go with these people and that no earlier rule counted."""
    yield "appointments", Appointment.select().where(Appointment.person.in_(ids)).count()
    for field, kinds in log_fields(ctx).items():
        yield field, Interaction.select().where(Interaction.person.in_(ids), Interaction.kind.in_(kinds)).count()
    vouchers_kept = voucher_cutoff(ctx.now, ctx.register.accounting["financial_year_end"])
    yield "orders", Order.select().where(Order.person.in_(ids), Order.status != "paid",
                                         Order.created_at >= vouchers_kept).count()
    yield "consent_records", ConsentEvent.select().join(Consent, on=(
        (Consent.person == ConsentEvent.person) & (Consent.purpose == ConsentEvent.purpose))).where(
        Consent.person.in_(erased), Consent.state != "withdrawn").count() if erased else 0


def _reduce_to_stub(person, now):
    """Erase all but the ledger, drop every state but the withdrawn ones, and make the person a stub."""
    erase_all_but_consent_proof(person, by="retention")
    Consent.delete().where(Consent.person == person, Consent.state != "withdrawn").execute()
    stubs.make_stubs(Person.select(Person.id, Person.email, Person.email_hash).where(Person.id == person.id), now)
