"""Products, orders and their lines, billing details, invoices and payment events.

Money is whole cents; a price includes VAT, and a VAT rate is in basis points
(2550 = 25.5 %). Times are naive UTC. An order, its lines, its billing details
and its invoice are accounting vouchers once paid: erasing the buyer detaches
them (`person` becomes NULL, `detached_at` is set) and the retention job
deletes them when their period under the Accounting Act ends.
"""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..accounts.models import Account
from ..db import BaseModel, DateTimeField
from ..people.models import Person

KINDS = ("webinar", "product")
STATUSES = ("pending", "paid", "cancelled")
SOURCES = ("shop", "staff", "provider")


class Product(BaseModel):
    """A webinar or another product for sale."""

    kind = CharField(max_length=10, default="product")
    name = CharField(max_length=200)
    description = TextField(default="")
    price_cents = IntegerField()  # including VAT
    vat_rate_bp = IntegerField()  # basis points: 2550 = 25.5 %
    starts_at = DateTimeField(null=True)  # webinars: UTC, shown in Europe/Helsinki
    duration_minutes = IntegerField(null=True)
    access_link = CharField(max_length=500, null=True)  # webinars: the course platform's page
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)

    @property
    def is_webinar(self):
        return self.kind == "webinar"

    @classmethod
    def for_sale(cls):
        """Return the products on sale, webinars first by date."""
        return (cls.select().where(cls.active == True)  # noqa: E712 (peewee expression)
                .order_by(cls.kind.desc(), cls.starts_at, cls.name))


class Order(BaseModel):
    """An order: pending until the payment provider says it is paid."""

    person = ForeignKeyField(Person, null=True, backref="orders", on_delete="SET NULL")
    reference = CharField(max_length=32, unique=True)  # what the payment provider knows it by
    status = CharField(max_length=10, default="pending")
    source = CharField(max_length=10, default="shop")
    total_cents = IntegerField(default=0)
    vat_cents = IntegerField(default=0)
    currency = CharField(max_length=3, default="EUR")
    recorded_by = ForeignKeyField(Account, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=clock.now, index=True)
    paid_at = DateTimeField(null=True)
    detached_at = DateTimeField(null=True)  # the buyer was erased; kept only as a voucher

    class Meta:
        table_name = "sales_order"  # ORDER is an SQL keyword


class OrderLine(BaseModel):
    """One product on an order, with its price and VAT as they were when ordered."""

    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, null=True, backref="+", on_delete="SET NULL")
    description = CharField(max_length=200)
    quantity = IntegerField(default=1)
    unit_price_cents = IntegerField()  # including VAT
    vat_rate_bp = IntegerField()
    total_cents = IntegerField()  # quantity x unit price, including VAT
    vat_cents = IntegerField()  # the VAT included in total_cents


class BillingDetails(BaseModel):
    """Who is billed for an order: what the invoice must show about the buyer."""

    order = ForeignKeyField(Order, unique=True, backref="billing", on_delete="CASCADE")
    name = CharField(max_length=100)  # a person's or a business's name
    street = CharField(max_length=200)
    postal_code = CharField(max_length=16)
    city = CharField(max_length=100)
    country = CharField(max_length=2, default="FI")
    business_id = CharField(max_length=20, null=True)  # business buyers (Y-tunnus or VAT number)


class Invoice(BaseModel):
    """The invoice of a paid order, numbered without gaps within its year.

    The seller's details are copied from the register definition when it is
    issued, so a later change of address does not rewrite an old voucher.
    """

    order = ForeignKeyField(Order, unique=True, backref="invoices", on_delete="CASCADE")
    year = IntegerField()
    sequence = IntegerField()
    number = CharField(max_length=20, unique=True)
    issued_at = DateTimeField(default=clock.now, index=True)
    seller_name = CharField(max_length=200)
    seller_address = CharField(max_length=300)
    seller_business_id = CharField(max_length=20, default="")
    total_cents = IntegerField()
    vat_cents = IntegerField()

    class Meta:
        indexes = ((("year", "sequence"), True),)


class InvoiceCounter(BaseModel):
    """The last invoice number used in a year; incremented in the invoice's transaction."""

    year = IntegerField(primary_key=True)
    last = IntegerField(default=0)


class PaymentEvent(BaseModel):
    """A payment provider's event, kept so that a repeated call changes nothing."""

    event_id = CharField(max_length=100, unique=True)
    kind = CharField(max_length=40)
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="CASCADE")
    outcome = CharField(max_length=20)
    received_at = DateTimeField(default=clock.now)
