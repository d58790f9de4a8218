"""The retention rules: what each removes, when, and how it counts before removing.

A rule is `rule(ctx, apply)` returning `Item`s: the definition field the data
belongs to (the report groups items under that field's category), what the
item is, and how many rows were removed (or, with `apply` false, would be).
Periods come from the register definition's categories, so changing a
retention rule there changes what the job does. Each rule runs in its own
transaction (service.run).
"""
from dataclasses import dataclass

from peewee import Tuple, fn

from ..accounts.models import Account, EmailToken, LoginSession
from ..accounts.sessions import MEMBER
from ..appointments.models import Appointment
from ..consents.models import Consent, ConsentEvent, ConsentEventPermit
from ..mail.models import OutboxMessage
from ..newsletter.models import PendingSignup
from ..newsletter.service import UNCONFIRMED_KEPT, purge_unconfirmed
from ..orders.accounting import voucher_cutoff
from ..orders.models import BillingDetails, Invoice, Order, OrderLine
from ..people.models import Person
from ..relationship.models import CONSENTED, Interaction
from . import expiry, stubs
from .periods import RULE, period

DONE = ("sent", "failed")


@dataclass
class Item:
    """What one rule removed, or would remove, of one kind of data."""

    field: str  # a field key of the definitions: finds the category it belongs to
    label: str
    count: int


@dataclass
class Context:
    """When the job runs, under which definition, and whether delivered bodies are kept."""

    now: object
    register: object
    keep_bodies: bool = False

    def rule_of(self, field):
        """Return the retention rule text of the category holding `field`, or None."""
        category = self.register.category_with_field(field)
        return category.retention if category else None

    def cutoff(self, field, anchor):
        """Return now minus the period of `field`'s category when its rule counts from `anchor`."""
        rule = self.rule_of(field)
        match = RULE.match(rule or "")
        if not match or match.group("anchor") != anchor:
            return None
        return period(rule).before(self.now)


def _remove(model, condition, apply):
    """Delete the rows of `model` matching `condition` and return how many, or only count them."""
    if apply:
        return model.delete().where(condition).execute()
    return model.select().where(condition).count()


def unconfirmed(ctx, apply):
    """Sign-ups and accounts left unconfirmed for 7 days (newsletter.service.purge_unconfirmed)."""
    cutoff = ctx.now - UNCONFIRMED_KEPT
    if apply:
        signups, accounts = purge_unconfirmed(ctx.now)
    else:
        signups = PendingSignup.select().where(PendingSignup.created_at < cutoff).count()
        accounts = Account.select().where(Account.email_verified_at.is_null(), Account.created_at < cutoff).count()
    return [Item("email", "unconfirmed sign-ups after 7 days", signups),
            Item("username", "accounts not verified within 7 days", accounts)]


def sign_in(ctx, apply):
    """Sessions that have ended or idled out, sessions of suspended accounts, expired email tokens."""
    suspended = Account.select(Account.id).where(Account.state == "suspended")
    dead = ((LoginSession.expires_at < ctx.now)
            | ((LoginSession.remember == False) & (LoginSession.last_seen_at < ctx.now - MEMBER.idle))  # noqa: E712
            | LoginSession.account.in_(suspended))
    sessions = _remove(LoginSession, dead, apply)
    tokens = _remove(EmailToken, EmailToken.expires_at < ctx.now, apply)
    return [Item("login_sessions", "ended, idle and suspended accounts' sign-in sessions", sessions),
            Item("username", "expired email links (tokens)", tokens)]


def email_delivery(ctx, apply):
    """Bodies of delivered mail at once; the delivery records after the category's period."""
    items = []
    if ctx.keep_bodies:
        items.append(Item("email_deliveries", "delivered message bodies (kept in development)", 0))
    else:
        bodies = OutboxMessage.status.in_(DONE) & OutboxMessage.payload.is_null(False)
        count = OutboxMessage.select().where(bodies).count()
        if apply and count:
            OutboxMessage.update(payload=None).where(bodies).execute()
        items.append(Item("email_deliveries", "delivered message bodies", count))
    cutoff = ctx.cutoff("email_deliveries", "sent")
    if cutoff is not None:
        old = (((OutboxMessage.status == "sent") & (OutboxMessage.sent_at < cutoff))
               | ((OutboxMessage.status == "failed") & (OutboxMessage.created_at < cutoff)))
        count = _remove(OutboxMessage, old, apply)
        items.append(Item("email_deliveries", f"delivery records after {ctx.rule_of('email_deliveries')}", count))
    return items


def consent_records(ctx, apply):
    """Every record of a purpose whose consent was withdrawn longer ago than the category's period.

    Objections stay while the person is in the register. The ledger's triggers
    let these events go only under a permit, written and removed here.
    """
    cutoff = ctx.cutoff("consent_records", "withdrawn")
    if cutoff is None:
        return []
    expired = Consent.select(Consent.person, Consent.purpose).where(
        Consent.state == "withdrawn", Consent.updated_at < cutoff)
    if not apply:
        count = (ConsentEvent.select().join(Consent, on=((Consent.person == ConsentEvent.person)
                                                         & (Consent.purpose == ConsentEvent.purpose)))
                 .where(Consent.state == "withdrawn", Consent.updated_at < cutoff).count())
    else:
        ConsentEventPermit.insert_from(expired, [ConsentEventPermit.person_id, ConsentEventPermit.purpose]).execute()
        permitted = ConsentEventPermit.select(ConsentEventPermit.person_id, ConsentEventPermit.purpose)
        # The states go with their events (ON DELETE CASCADE).
        count = ConsentEvent.delete().where(
            Tuple(ConsentEvent.person, ConsentEvent.purpose).in_(permitted)).execute()
        ConsentEventPermit.delete().execute()
    return [Item("consent_records", f"records of consents withdrawn, after {ctx.rule_of('consent_records')}", count)]


def marketing_only(ctx, apply):
    """Contact details of people who withdrew everything and have no other relationship.

    The person becomes a pseudonymous stub holding only their consent records
    until those records' own period ends (stubs.py); then the stub goes. This
    rule runs before `consent_records`, and a stub whose records that rule
    removes goes in the next run, so a dry run counts exactly what a run does.
    """
    removed = _remove(Person, Person.id.in_(stubs.finished()), apply)
    targets = stubs.candidates()
    count = stubs.make_stubs(targets, ctx.now) if apply else targets.count()
    return [Item("email", "contact details of people who withdrew every consent and have no other "
                          "relationship (their consent records are kept for their own period)", count),
            Item("consent_records", "the last trace of such people, once their consent records are gone", removed)]


def vouchers(ctx, apply):
    """Orders, order lines, billing details and invoices whose Accounting Act period has ended."""
    rule = ctx.rule_of("invoices") or "financial_year_end + 6 years"
    match = RULE.match(rule)
    years = int(match.group("n")) if match and match.group("unit") == "years" else 6
    cutoff = voucher_cutoff(ctx.now, ctx.register.accounting["financial_year_end"], years)
    expired = Order.select(Order.id).where(fn.COALESCE(Order.paid_at, Order.created_at) < cutoff)
    counts = {
        "orders": Order.select().where(Order.id.in_(expired)).count(),
        "order_lines": OrderLine.select().where(OrderLine.order.in_(expired)).count(),
        "billing_details": BillingDetails.select().where(BillingDetails.order.in_(expired)).count(),
        "invoices": Invoice.select().where(Invoice.order.in_(expired)).count(),
    }
    if apply and counts["orders"]:
        Order.delete().where(Order.id.in_(expired)).execute()  # lines, billing, invoices, payment events cascade
    labels = {"orders": "orders", "order_lines": "order lines", "billing_details": "billing details",
              "invoices": "invoices"}
    return [Item(key, f"{labels[key]} (vouchers) after 31 December of the {years}th year from the end of "
                      "their financial year", n) for key, n in counts.items()]


def consented_data(ctx, apply):
    """Other data collected with permission, once the consent it rests on is no longer given."""
    rule = ctx.rule_of("other_consented_data")
    given = Consent.select(Consent.person, Consent.purpose).where(Consent.state == "granted")
    lapsed = (Interaction.kind == CONSENTED) & (Interaction.purpose.is_null()
                                                 | Tuple(Interaction.person, Interaction.purpose).not_in(given))
    count = _remove(Interaction, lapsed, apply)
    return [Item("other_consented_data", f"other data collected with permission, after the consent was "
                                         f"withdrawn ({rule or 'until_withdrawn'})", count)]


def relationship_ended(ctx, apply):
    """Appointments, visits and the relationship log of people whose last dealing is past the period.

    People whose whole relationship ended are left to the expiry rule, run
    before, which erases them with all of this.
    """
    items = []
    expired = expiry.expired(ctx)
    cutoff = ctx.cutoff("appointments", "contract_end")
    if cutoff is not None:
        ended = _not_expired(_relationship_ended_before(Appointment, cutoff), Appointment, expired)
        items.append(Item("appointments", f"appointments and visits of people whose last dealing with us was "
                                          f"longer ago than {ctx.rule_of('appointments')}",
                          _remove(Appointment, Appointment.person.in_(ended), apply)))
    for field, kinds in expiry.log_fields(ctx).items():
        cutoff = ctx.cutoff(field, "contract_end")
        if cutoff is None:
            continue
        ended = _not_expired(_relationship_ended_before(Interaction, cutoff), Interaction, expired)
        count = _remove(Interaction, Interaction.person.in_(ended) & Interaction.kind.in_(kinds), apply)
        items.append(Item(field, f"{field.replace('_', ' ')} in the relationship log of people whose last dealing "
                                 f"with us was longer ago than {ctx.rule_of(field)}", count))
    return items


def _not_expired(query, model, expired):
    return query if expired is None else query.where(model.person.not_in(expired))


def _relationship_ended_before(model, cutoff):
    """Return a subquery of people with rows in `model` and no account or dealing since `cutoff`."""
    account = Account.select(Account.person)
    recent = (Order.select(Order.person).where(Order.created_at >= cutoff, Order.person.is_null(False))
              | Appointment.select(Appointment.person).where(Appointment.starts_at >= cutoff)
              | Interaction.select(Interaction.person).where(Interaction.occurred_at >= cutoff))
    return (model.select(model.person).distinct()
            .where(model.person.not_in(account), model.person.not_in(recent)))


def relationship_over(ctx, apply):
    """People whose last relationship ended longer ago than the contact rule and who hold no consent."""
    return [Item(*item) for item in expiry.rule(ctx, apply)]


def engagement(ctx, apply):
    """Newsletter opens and clicks of people who withdrew tracking consent: none are recorded yet."""
    return [Item("newsletter_opens", "newsletter opens and clicks after tracking consent is withdrawn "
                                     "(the portal records none yet)", 0)]


# The order matters where one rule's removal cascades into another's rows: sessions and
# tokens go before the unverified accounts that own some of them, stubs are made before
# consent records expire; vouchers, the consented data and the consent records go before
# the people whose relationship ended, and those people before the rows of everyone else
# whose dealings are old, so that a dry run counts what a run removes.
RULES = (sign_in, unconfirmed, email_delivery, marketing_only, consent_records, vouchers, consented_data,
         relationship_over, relationship_ended, engagement)
