"""The orders concern's share of a person's data.

Erasure keeps what the Accounting Act requires: a paid order with its lines,
billing details and invoice is a voucher. It is detached from the person
(kept without any link to them, seen only by admins) and the retention job
deletes it when its period ends. Unpaid orders are deleted at once.
"""
from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .models import BillingDetails, Invoice, InvoiceCounter, Order, OrderLine, PaymentEvent, Product
from .money import euros
from .service import detach_vouchers

COVERS = {
    Order: "exported; on erasure a paid order is kept as a voucher without the person, an unpaid one deleted",
    OrderLine: "exported; kept or deleted with its order",
    BillingDetails: "exported; kept or deleted with its order (the buyer's name and address are on the voucher)",
    Invoice: "exported; kept with its order as a voucher",
    Product: "not personal: what is on sale",
    InvoiceCounter: "not personal: the last invoice number of each year",
    PaymentEvent: "not personal: the payment provider's event ids and what they did",
}


def _orders(person):
    for o in Order.select().where(Order.person == person).order_by(Order.created_at, Order.id):
        yield {"reference": o.reference, "status": o.status, "source": o.source, "total_cents": o.total_cents,
               "vat_cents": o.vat_cents, "currency": o.currency, "created_at": o.created_at, "paid_at": o.paid_at}


def _lines(person):
    for line in (OrderLine.select(OrderLine, Order).join(Order).where(Order.person == person)
                 .order_by(Order.created_at, OrderLine.id)):
        yield {"order": line.order.reference, "description": line.description, "quantity": line.quantity,
               "unit_price_cents": line.unit_price_cents, "vat_rate_percent": f"{line.vat_rate_bp / 100:g}",
               "total_cents": line.total_cents, "vat_cents": line.vat_cents}


def _billing(person):
    for b in (BillingDetails.select(BillingDetails, Order).join(Order)
              .where(Order.person == person).order_by(Order.created_at)):
        yield {"order": b.order.reference, "name": b.name, "street": b.street, "postal_code": b.postal_code,
               "city": b.city, "country": b.country, "business_id": b.business_id}


def _invoices(person):
    for i in (Invoice.select(Invoice, Order).join(Order).where(Order.person == person)
              .order_by(Invoice.issued_at)):
        yield {"number": i.number, "order": i.order.reference, "issued_at": i.issued_at,
               "total_cents": i.total_cents, "vat_cents": i.vat_cents}


def _billing_line(row):
    parts = (row["name"], row["street"], f"{row['postal_code']} {row['city']}", row["country"], row["business_id"])
    return f"{row['order']}: " + ", ".join(x for x in parts if x)


TABLES = [
    Table("orders", _l("Your orders"), [
        Field("reference", _l("Order reference (the payment provider knows the order by it)")),
        Field("status", _l("pending (waiting for payment), paid or cancelled")),
        Field("source", _l("How it was ordered: shop (this portal), staff or the payment provider")),
        Field("total_cents", _l("Total including VAT, in cents"), type="integer"),
        Field("vat_cents", _l("VAT included in the total, in cents"), type="integer"),
        Field("currency", _l("Currency")), Field("created_at", _l("When you ordered"), "datetime"),
        Field("paid_at", _l("When the payment arrived"), "datetime", nullable=True),
    ], _orders, shows={
        "orders": lambda r: f"{when(r['created_at'])}: {r['reference']} · {euros(r['total_cents'])} ({r['status']})",
    }),
    Table("order_lines", _l("What each order holds"), [
        Field("order", _l("Order reference")), Field("description", _l("Product")),
        Field("quantity", _l("Quantity"), type="integer"),
        Field("unit_price_cents", _l("Unit price including VAT, in cents"), type="integer"),
        Field("vat_rate_percent", _l("VAT rate in per cent")),
        Field("total_cents", _l("Line total including VAT, in cents"), type="integer"),
        Field("vat_cents", _l("VAT included in the line total, in cents"), type="integer"),
    ], _lines, shows={
        "order_lines": lambda r: f"{r['order']}: {r['description']} × {r['quantity']} · {euros(r['total_cents'])}",
    }),
    Table("billing_details", _l("Billing details you gave for each order"), [
        Field("order", _l("Order reference")), Field("name", _l("Name on the invoice")),
        Field("street", _l("Street address")), Field("postal_code", _l("Postal code")),
        Field("city", _l("City")), Field("country", _l("Country code")),
        Field("business_id", _l("Business ID (business buyers)"), nullable=True),
    ], _billing, shows={"billing_details": _billing_line}),
    Table("invoices", _l("Your invoices"), [
        Field("number", _l("Invoice number")), Field("order", _l("Order reference")),
        Field("issued_at", _l("Invoice date"), "datetime"),
        Field("total_cents", _l("Total including VAT, in cents"), type="integer"),
        Field("vat_cents", _l("VAT, in cents"), type="integer"),
    ], _invoices, shows={
        "invoices": lambda r: f"{r['number']} · {when(r['issued_at'])} · {euros(r['total_cents'])}",
    }),
]


def erase(person):
    """Detach paid orders (vouchers) from the person; delete unpaid ones."""
    detach_vouchers(person)
