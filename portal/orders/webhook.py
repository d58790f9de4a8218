"""The payment provider's webhook: signed JSON, checked in constant time, applied once.

The provider posts a JSON object to `/webhooks/payments`:

    {"id": "evt_123", "type": "payment.succeeded", "order": "<order reference>",
     "amount": 4900, "currency": "EUR"}

with the header `X-Portal-Signature: sha256=<hex>`, the HMAC-SHA-256 of the
raw body keyed with PORTAL_PAYMENT_WEBHOOK_SECRET. `payment.succeeded` marks
the order paid and invoices it; `payment.failed` cancels a pending order;
other types are recorded and ignored. The event id is stored in the same
transaction as its effect, so a repeated call changes nothing.

A purchase made at the provider's own checkout arrives as `order.completed`,
with `order` the provider's id for it and

    "customer": {"email": ..., "name": ..., "language": "fi"},
    "billing": {"name": ..., "street": ..., "postal_code": ..., "city": ..., "country": "FI",
                "business_id": ...},
    "items": [{"product": <product id>, "quantity": 1}],
    "marketing_refusal": {"offered": true, "refused": false}

which records the order, paid and invoiced, for the person with that address.
For a reference we already have, it pays that order only when amount, currency
and items are exactly the order's own, as `payment.succeeded` checks the amount.
A NUL character anywhere in the event is refused (PostgreSQL cannot store it).
"""
import hashlib
import hmac
import json
import logging

from peewee import IntegrityError

from ..db import database
from . import service
from .models import Order, PaymentEvent

log = logging.getLogger("portal.orders")
SIGNATURE_HEADER = "X-Portal-Signature"


class Refused(Exception):
    """The call is not applied; `status` is the HTTP answer (400 or 401)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


def sign(body, secret):
    """Return the signature header value of `body` (what the provider sends)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body, header, secret):
    """Raise Refused(401) unless `header` is the body's signature with `secret`."""
    if not header or not hmac.compare_digest(sign(body, secret).encode(), header.strip().encode()):
        raise Refused(401, "bad or missing signature")


def parse(body):
    """Return the event as a dict; raise Refused(400) when it is malformed."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "body is not JSON") from None
    if not isinstance(event, dict):
        raise Refused(400, "body is not a JSON object")
    if _has_nul(event):
        raise Refused(400, "a value holds a NUL character")  # PostgreSQL refuses NUL in text
    for key, kind in (("id", str), ("type", str), ("order", str), ("amount", int), ("currency", str)):
        value = event.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is str and not 0 < len(value) <= 100):
            raise Refused(400, f"field {key!r} is missing or not a {kind.__name__}")
    return event


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(_has_nul(v) for v in value)


def receive(body, header, secret):
    """Check, parse and apply one call; return its outcome. Raise Refused."""
    verify(body, header, secret)
    event = parse(body)
    with database.atomic():
        try:
            with database.atomic():
                row = PaymentEvent.create(event_id=event["id"], kind=event["type"][:40], outcome="received")
        except IntegrityError:
            log.info("payment event %s repeated; nothing changed", event["id"])
            return "duplicate"
        order, outcome = _apply(event)
        PaymentEvent.update(order=order, outcome=outcome).where(PaymentEvent.id == row.id).execute()
    log.info("payment event %s (%s) for order %s: %s", event["id"], event["type"], event["order"], outcome)
    return outcome


def _apply(event):
    """Apply an event to its order; return (order, outcome). Raise Refused(400)."""
    if event["type"] == "order.completed":
        customer, billing, items = event.get("customer"), event.get("billing"), event.get("items")
        if not isinstance(customer, dict) or not isinstance(billing, dict) or not isinstance(items, list) or not items:
            raise Refused(400, "order.completed needs customer, billing and items")
        try:
            return service.record_provider_order(event["order"], customer, billing, items, event["amount"],
                                                 event["currency"], event.get("marketing_refusal"))
        except ValueError as problem:
            raise Refused(400, str(problem)) from None
    order = Order.get_or_none(Order.reference == event["order"])
    if order is None:
        raise Refused(400, "unknown order")
    if event["type"] == "payment.succeeded":
        if event["amount"] != order.total_cents or event["currency"].upper() != order.currency:
            raise Refused(400, "amount or currency does not match the order")
        return order, "paid" if service.mark_paid(order) is not None else f"already {order.status}"
    if event["type"] == "payment.failed":
        return order, "cancelled" if service.cancel(order) else f"already {order.status}"
    return order, "ignored"
