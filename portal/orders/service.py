"""Order verbs: keep products, place and record orders, mark them paid and invoice them.

Each verb owns its transaction. A member's order is pending until the payment
provider's signed webhook says it is paid (webhook.py); staff may record an
order that is already paid. Paying issues the invoice, whose number comes from
a per-year counter row incremented in the same transaction, so numbers never
skip or repeat (the row lock serialises concurrent payments on PostgreSQL; on
SQLite the database's write lock does).
"""
import secrets

from flask import current_app

from .. import audit, clock
from ..clock import local
from ..consents import service as ledger
from ..db import database, parse_id
from ..mail.service import external_url, send_mail
from ..people.models import Person, normalise_email
from ..register import get_register
from ..translate import lazy_gettext as _l
from .accounting import voucher_kept_until
from .models import KINDS, BillingDetails, Invoice, InvoiceCounter, Order, OrderLine, Product
from .money import line_amounts

PRODUCT_FIELDS = ("kind", "name", "description", "price_cents", "vat_rate_bp", "starts_at",
                  "duration_minutes", "access_link", "active")
BILLING_FIELDS = ("name", "street", "postal_code", "city", "country", "business_id")


class NotForSale(ValueError):
    """The product is not on sale, or the order has nothing in it."""


def save_product(product=None, **fields):
    """Create a product, or change one; return it."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"unknown product fields: {', '.join(sorted(unknown))}")
    if fields.get("kind", "product") not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if fields.get("access_link") and not fields["access_link"].startswith("https://"):
        raise ValueError("the access link must be an https:// address")  # it becomes a link on our pages
    for key, highest in (("price_cents", 10**9), ("vat_rate_bp", 10000)):
        value = fields.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= highest:
            raise ValueError(f"{key} must be a whole number from 0 to {highest}")
    with database.atomic():
        if product is None:
            return Product.create(**fields)
        fields["updated_at"] = clock.now()
        Product.update(**fields).where(Product.id == product.id).execute()
        return Product.get_by_id(product.id)


def _create_order(person, items, billing, source, staff=None):
    """Write an order with its lines and billing details; return it."""
    if not items:
        raise NotForSale("an order needs at least one product")
    order = Order.create(person=person, reference=secrets.token_hex(8), source=source, recorded_by=staff)
    total = vat = 0
    for product, quantity in items:
        if not product.active or quantity < 1:
            raise NotForSale(product.name)
        line_total, line_vat = line_amounts(quantity, product.price_cents, product.vat_rate_bp)
        OrderLine.create(order=order, product=product, description=product.name[:200], quantity=quantity,
                         unit_price_cents=product.price_cents, vat_rate_bp=product.vat_rate_bp,
                         total_cents=line_total, vat_cents=line_vat)
        total, vat = total + line_total, vat + line_vat
    BillingDetails.create(order=order, **{k: billing[k] for k in BILLING_FIELDS if billing.get(k)})
    Order.update(total_cents=total, vat_cents=vat).where(Order.id == order.id).execute()
    order.total_cents, order.vat_cents = total, vat
    if person is not None and person.status in ("prospect", "subscriber"):
        Person.update(status="customer", updated_at=clock.now()).where(Person.id == person.id).execute()
    return order


def place_order(person, items, billing, refused_marketing, language):
    """A member orders on the portal: a pending order, and their soft opt-in or its refusal.

    `items` are (product, quantity) pairs; `billing` holds BILLING_FIELDS.
    The payment itself happens at the payment provider.
    """
    with database.atomic():
        order = _create_order(person, items, billing, "shop")
        ledger.soft_opt_in(person, "purchase", "shop", refused_marketing, language)
    return order


def record_order(person, items, billing, staff, paid=False, refused_marketing=False, language=None):
    """Staff record an order for a person (paid at once when `paid`); return it.

    Staff must have offered the customer the refusal of marketing of similar
    products, and pass their answer as `refused_marketing`.
    """
    with database.atomic():
        order = _create_order(person, items, billing, "staff", staff=staff)
        ledger.soft_opt_in(person, "staff", "record_order", refused_marketing, language or person.language)
        audit.record("order_recorded", person, detail=f"order {order.reference}", actor=staff)
        if paid:
            mark_paid(order)
    return order


def record_provider_order(reference, customer, billing, items, amount, currency, refusal):
    """Record an order completed at the payment provider's own checkout, paid; return (order, outcome).

    The buyer is found by address or added as a customer. Soft opt-in starts
    only when the provider says the unticked refusal box was offered; if it
    was not, nothing about marketing is recorded. An order we already have
    (a shop order paid at the provider's checkout) is paid only if the event's
    amount, currency and items are exactly its own. Raise ValueError for an
    event that does not add up.
    """
    from email_validator import EmailNotValidError, validate_email
    email = normalise_email(customer.get("email") if isinstance(customer.get("email"), str) else "")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError("customer email is not valid") from None
    if not isinstance(customer.get("name") or "", str):
        raise ValueError("customer name is not text")
    billing = _billing(billing)
    lines = []
    for item in items:
        product_id = item.get("product") if isinstance(item, dict) else None
        product_id = parse_id(product_id) if isinstance(product_id, int) else None
        product = Product.get_or_none(Product.id == product_id) if product_id is not None else None
        quantity = item.get("quantity", 1) if isinstance(item, dict) else 0
        if product is None or not isinstance(quantity, int) or not 1 <= quantity <= 100:
            raise ValueError("an item names no product on sale or a bad quantity")
        lines.append((product, quantity))
    existing = Order.get_or_none(Order.reference == reference)
    if existing is not None:
        # Only the order it names, as payment.succeeded checks it: else a cheap event could
        # mark someone's dearer pending order paid.
        if not matches(existing, lines, amount, currency):
            raise ValueError("amount, currency or items do not match the order")
        return existing, "paid" if mark_paid(existing) is not None else f"already {existing.status}"
    language = customer.get("language") if customer.get("language") in ("fi", "en") else "fi"
    with database.atomic():
        person = Person.get_or_none(Person.email == email)
        if person is None:
            sources = get_register().sources
            source = next((key for key in ("purchase", "customer") if key in sources), "purchase")
            person = Person.create(email=email, name=" ".join((customer.get("name") or "").split())[:100],
                                   language=language, source=source, status="customer")
        order = _create_order(person, lines, billing, "provider")
        if order.total_cents != amount or currency.upper() != order.currency:
            raise ValueError("amount or currency does not match the items")
        Order.update(reference=reference).where(Order.id == order.id).execute()
        order.reference = reference
        if isinstance(refusal, dict) and refusal.get("offered") is True:
            ledger.soft_opt_in(person, "purchase", "provider", bool(refusal.get("refused")), language)
        mark_paid(order)
    return order, "recorded and paid"


def _billing(billing):
    """Return the billing details of a provider's event, checked against the columns; raise ValueError."""
    checked = {}
    for key in BILLING_FIELDS:
        value = billing.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value.strip()) > BillingDetails._meta.fields[key].max_length:
            raise ValueError(f"billing {key} is not text of at most "
                             f"{BillingDetails._meta.fields[key].max_length} characters")
        checked[key] = " ".join(value.split())
    if not all(checked.get(k) for k in ("name", "street", "postal_code", "city")):
        raise ValueError("billing needs name, street, postal_code and city")
    if "country" in checked and not (len(checked["country"]) == 2 and checked["country"].isalpha()):
        raise ValueError("billing country is not a two-letter code")
    return checked


def matches(order, lines, amount, currency):
    """Return True if an event's (product, quantity) lines, amount and currency are the order's own."""
    own = sorted((line.product_id, line.quantity) for line in order.lines)
    return (amount == order.total_cents and currency.upper() == order.currency
            and own == sorted((product.id, quantity) for product, quantity in lines))


def next_invoice_number(year):
    """Take the next invoice number of `year` inside the caller's transaction; return it."""
    InvoiceCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    query = (InvoiceCounter.update(last=InvoiceCounter.last + 1)
             .where(InvoiceCounter.year == year).returning(InvoiceCounter.last))
    return next(iter(query.execute())).last


def issue_invoice(order, when):
    """Issue the invoice of a paid order (inside the caller's transaction); return it."""
    controller = get_register().controller
    year = local(when).year
    sequence = next_invoice_number(year)
    return Invoice.create(order=order, year=year, sequence=sequence, number=f"{year}-{sequence:05d}",
                          issued_at=when, seller_name=controller.name, seller_address=controller.address,
                          seller_business_id=controller.get("business_id", ""),
                          total_cents=order.total_cents, vat_cents=order.vat_cents)


def mark_paid(order, when=None):
    """Mark an unpaid order paid, invoice it and mail the receipt; return the invoice or None.

    The update is conditional, so an order is paid, and invoiced, only once.
    """
    when = when or clock.now()
    with database.atomic():
        # A failed attempt cancels an order, but money that arrives later still buys it.
        if not Order.update(status="paid", paid_at=when).where(
                Order.id == order.id, Order.status.in_(("pending", "cancelled"))).execute():
            return None
        order = Order.get_by_id(order.id)
        invoice = issue_invoice(order, when)
        person = order.person
        if person is not None:
            send_mail(person.email, "order_paid", _l("Thank you for your order"), person=person,
                      invoice=invoice, lines=list(order.lines),
                      link=external_url("orders.purchase", reference=order.reference))
    return invoice


def cancel(order):
    """Cancel a pending order (the payment failed or was abandoned); return True if it was pending."""
    with database.atomic():
        return bool(Order.update(status="cancelled").where(
            Order.id == order.id, Order.status == "pending").execute())


def orders_of(person):
    """Return the person's orders, newest first, with their invoices."""
    return list(Order.select().where(Order.person == person).order_by(Order.created_at.desc(), Order.id.desc()))


def order_of(person, reference):
    """Return the person's order with this reference, or None (AC-03)."""
    return Order.get_or_none(Order.person == person, Order.reference == reference)


def invoice_of(person, invoice_id):
    """Return the person's invoice with this id, or None (AC-03)."""
    return (Invoice.select(Invoice, Order).join(Order)
            .where(Invoice.id == invoice_id, Order.person == person).first())


def webinars_of(person):
    """Return the webinars the person has paid for, soonest first."""
    return list(Product.select().distinct().join(OrderLine, on=(OrderLine.product == Product.id))
                .join(Order).where(Order.person == person, Order.status == "paid", Product.kind == "webinar")
                .order_by(Product.starts_at))


def vouchers_of(person):
    """Return (count, last day kept) of the person's paid orders that erasure would keep."""
    dates = [o.paid_at for o in Order.select(Order.paid_at)
             .where(Order.person == person, Order.status == "paid")]
    if not dates:
        return 0, None
    year_end = get_register().accounting["financial_year_end"]
    return len(dates), max(voucher_kept_until(d, year_end) for d in dates)


def detach_vouchers(person):
    """On erasure: keep paid orders as vouchers without the person; delete the rest."""
    now = clock.now()
    kept = Order.update(person=None, detached_at=now).where(
        Order.person == person, Order.status == "paid").execute()
    Order.delete().where(Order.person == person).execute()  # lines and billing go with them
    return kept


def detached_vouchers():
    """Return the vouchers kept after their buyers were erased (for admins), oldest first."""
    return list(Invoice.select(Invoice, Order).join(Order)
                .where(Order.person.is_null(), Order.detached_at.is_null(False))
                .order_by(Invoice.issued_at))


def voucher_for_staff(invoice_id, actor, reason):
    """Return any invoice for an admin, recording who looked and why (AC-06)."""
    if actor is None or actor.role != "admin" or not (reason or "").strip():
        raise PermissionError("only an admin with a stated reason may open a kept voucher")
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is not None:
        audit.record("voucher_viewed", invoice.order.person_id, detail=f"invoice {invoice.number}: "
                     + " ".join(reason.split())[:150], actor=actor)
    return invoice


def webhook_secret():
    """Return the payment webhook's shared secret, or None when it is not configured."""
    return current_app.config.get("PAYMENT_WEBHOOK_SECRET")
