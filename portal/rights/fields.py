"""The register definition's field keys: their names, and where the values live.

The privacy notice names the fields each recipient gets; "My data" shows each
field's values. A test checks that every field key of every shipped register
definition is known here, so neither page can silently skip one.
"""
from flask_babel import format_datetime

from ..translate import lazy_gettext as _l

NAMES = {
    "name": _l("name"), "first_name": _l("first name"), "email": _l("email address"),
    "phone": _l("phone number"), "address": _l("postal address"), "language": _l("language"),
    "consent_records": _l("consent records"), "username": _l("username"),
    "password_hash": _l("password hash"), "login_sessions": _l("sign-in sessions"),
    "orders": _l("orders"), "order_lines": _l("order lines"), "billing_details": _l("billing details"),
    "invoices": _l("invoices"), "customer_messages": _l("customer messages"),
    "customer_actions": _l("customer actions"), "newsletter_opens": _l("newsletter opens"),
    "newsletter_clicks": _l("newsletter clicks"), "email_deliveries": _l("email delivery records"),
    "appointments": _l("appointments"), "visits": _l("visits"), "quality_records": _l("quality-control records"),
    "customer_emails": _l("emails you sent us"), "other_consented_data": _l("other data collected with permission"),
}


def field_names(keys):
    """Return the fields' names joined for reading ("email address, first name")."""
    return ", ".join(str(NAMES.get(key, key)) for key in keys)


def _when(value):
    return format_datetime(value, "short") if value else ""


def _account(person):
    return person.accounts.first()


def _sessions(person):
    from ..accounts.models import Account, LoginSession
    return [f"{s.device or '?'} · {_when(s.created_at)} · {s.network}"
            for s in LoginSession.select().join(Account).where(Account.person == person)]


def _consents(person):
    from ..consents.labels import action_label, purpose_title
    from ..consents.service import history
    return [f"{_when(e.occurred_at)}: {action_label(e)}: {purpose_title(e.purpose)}" for e in history(person)]


def _deliveries(person):
    from ..mail.models import OutboxMessage
    rows = OutboxMessage.select().where((OutboxMessage.person == person) | (OutboxMessage.to_address == person.email))
    return [f"{_when(m.created_at)}: {m.template} ({m.status})" for m in rows.order_by(OutboxMessage.id.desc())]


def _interactions(person):
    from ..relationship.models import Interaction
    return [f"{_when(i.occurred_at)}: {i.kind} {i.detail}".strip()
            for i in Interaction.select().where(Interaction.person == person).order_by(Interaction.id.desc())]


def _orders(person):
    from ..orders.money import euros
    from ..orders.models import Order
    return [f"{_when(o.created_at)}: {o.reference} · {euros(o.total_cents)} ({o.status})"
            for o in Order.select().where(Order.person == person).order_by(Order.created_at.desc())]


def _order_lines(person):
    from ..orders.money import euros
    from ..orders.models import Order, OrderLine
    return [f"{line.order.reference}: {line.description} × {line.quantity} · {euros(line.total_cents)}"
            for line in OrderLine.select(OrderLine, Order).join(Order).where(Order.person == person)
            .order_by(Order.created_at.desc(), OrderLine.id)]


def _billing(person):
    from ..orders.models import BillingDetails, Order
    rows = BillingDetails.select(BillingDetails, Order).join(Order).where(Order.person == person)
    return [f"{b.order.reference}: " + ", ".join(x for x in (b.name, b.street, f"{b.postal_code} {b.city}",
                                                               b.country, b.business_id) if x)
            for b in rows.order_by(Order.created_at.desc())]


def _invoices(person):
    from ..orders.money import euros
    from ..orders.models import Invoice, Order
    return [f"{i.number} · {_when(i.issued_at)} · {euros(i.total_cents)}"
            for i in Invoice.select(Invoice, Order).join(Order).where(Order.person == person)
            .order_by(Invoice.issued_at.desc())]


def _appointments(kind):
    def values(person):
        from ..appointments.service import appointments_of
        return [f"{_when(a.starts_at)}: {a.type} · {a.duration_minutes} min" + (f" · {a.notes}" if a.notes else "")
                for a in appointments_of(person, kind)]
    return values


def _nothing(person):
    return []


VALUES = {
    "name": lambda p: [p.name] if p.name else [],
    "first_name": lambda p: [p.first_name] if p.first_name else [],
    "email": lambda p: [p.email],
    "phone": lambda p: [p.phone] if p.phone else [],
    "language": lambda p: [{"fi": "Suomi", "en": "English"}.get(p.language, p.language)],
    "consent_records": _consents,
    "username": lambda p: [_account(p).username] if _account(p) else [],
    "password_hash": lambda p: [str(_l("stored as an argon2id hash; the password itself is never stored"))]
    if _account(p) else [],
    "login_sessions": _sessions,
    "email_deliveries": _deliveries,
    "customer_actions": _interactions,
    "orders": _orders, "order_lines": _order_lines, "billing_details": _billing, "invoices": _invoices,
    "appointments": _appointments("appointment"), "visits": _appointments("visit"),
    # Not yet collected by this portal: shown as "nothing recorded", which is the truth.
    "address": _nothing, "customer_messages": _nothing, "newsletter_opens": _nothing,
    "newsletter_clicks": _nothing, "quality_records": _nothing,
    "customer_emails": _nothing, "other_consented_data": _nothing,
}
