"""The orders concern's share of export and erasure.

Erasure keeps what the Accounting Act requires: a paid order with its lines,
billing details and invoice is a voucher. It is detached from the person
(kept without any link to them, seen only by admins) and the retention job
deletes it when its period ends. Unpaid orders are deleted at once.
"""
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import BillingDetails, Invoice, InvoiceCounter, Order, OrderLine, PaymentEvent, Product
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
    return Order.select().where(Order.person == person)


def export(person):
    """Return the person's orders, order lines, billing details and invoices."""
    return [
        Table("orders", _l("Your orders"), [
            Field("reference", _l("Order reference (the payment provider knows the order by it)")),
            Field("status", _l("pending (waiting for payment), paid or cancelled")),
            Field("source", _l("How it was ordered: shop (this portal), staff or the payment provider")),
            Field("total_cents", _l("Total including VAT, in cents"), type="integer"),
            Field("vat_cents", _l("VAT included in the total, in cents"), type="integer"),
            Field("currency", _l("Currency")), Field("created_at", _l("When you ordered")),
            Field("paid_at", _l("When the payment arrived"), nullable=True),
        ], lambda: ({"reference": o.reference, "status": o.status, "source": o.source,
                     "total_cents": o.total_cents, "vat_cents": o.vat_cents, "currency": o.currency,
                     "created_at": iso(o.created_at), "paid_at": iso(o.paid_at)}
                    for o in _orders(person).order_by(Order.created_at, Order.id))),
        Table("order_lines", _l("What each order holds"), [
            Field("order", _l("Order reference")), Field("description", _l("Product")),
            Field("quantity", _l("Quantity"), type="integer"),
            Field("unit_price_cents", _l("Unit price including VAT, in cents"), type="integer"),
            Field("vat_rate_percent", _l("VAT rate in per cent")),
            Field("total_cents", _l("Line total including VAT, in cents"), type="integer"),
            Field("vat_cents", _l("VAT included in the line total, in cents"), type="integer"),
        ], lambda: ({"order": line.order.reference, "description": line.description, "quantity": line.quantity,
                     "unit_price_cents": line.unit_price_cents, "vat_rate_percent": f"{line.vat_rate_bp / 100:g}",
                     "total_cents": line.total_cents, "vat_cents": line.vat_cents}
                    for line in OrderLine.select(OrderLine, Order).join(Order).where(Order.person == person)
                    .order_by(Order.created_at, OrderLine.id))),
        Table("billing_details", _l("Billing details you gave for each order"), [
            Field("order", _l("Order reference")), Field("name", _l("Name on the invoice")),
            Field("street", _l("Street address")), Field("postal_code", _l("Postal code")),
            Field("city", _l("City")), Field("country", _l("Country code")),
            Field("business_id", _l("Business ID (business buyers)"), nullable=True),
        ], lambda: ({"order": b.order.reference, "name": b.name, "street": b.street, "postal_code": b.postal_code,
                     "city": b.city, "country": b.country, "business_id": b.business_id}
                    for b in BillingDetails.select(BillingDetails, Order).join(Order)
                    .where(Order.person == person).order_by(Order.created_at))),
        Table("invoices", _l("Your invoices"), [
            Field("number", _l("Invoice number")), Field("order", _l("Order reference")),
            Field("issued_at", _l("Invoice date")),
            Field("total_cents", _l("Total including VAT, in cents"), type="integer"),
            Field("vat_cents", _l("VAT, in cents"), type="integer"),
        ], lambda: ({"number": i.number, "order": i.order.reference, "issued_at": iso(i.issued_at),
                     "total_cents": i.total_cents, "vat_cents": i.vat_cents}
                    for i in Invoice.select(Invoice, Order).join(Order).where(Order.person == person)
                    .order_by(Invoice.issued_at))),
    ]


def erase(person):
    """Detach paid orders (vouchers) from the person; delete unpaid ones."""
    detach_vouchers(person)
