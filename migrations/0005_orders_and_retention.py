"""Products, orders, invoices and payment events; appointments; the ledger's retention permit.

New tables only (nothing here depends on 0004). The ledger's delete guard is
replaced so that the retention job may remove a withdrawn consent's records
after their period, under a permit (`consent_event_permit`) that it writes and
removes inside its own transaction.
"""
from peewee import *

LEDGER_GUARD_SQLITE = (
    "CREATE TRIGGER consent_event_no_delete BEFORE DELETE ON consent_event "
    "WHEN EXISTS (SELECT 1 FROM person WHERE id = OLD.person_id){permit} "
    "BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END")
PERMIT_SQLITE = (" AND NOT EXISTS (SELECT 1 FROM consent_event_permit "
                 "WHERE person_id = OLD.person_id AND purpose = OLD.purpose)")
LEDGER_GUARD_POSTGRESQL = """
    CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND (NOT EXISTS (SELECT 1 FROM person WHERE id = OLD.person_id){permit}) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'consent_event is append-only';
    END $$"""
PERMIT_POSTGRESQL = ("\n        OR EXISTS (SELECT 1 FROM consent_event_permit "
                     "WHERE person_id = OLD.person_id AND purpose = OLD.purpose)")


def _ledger_guard(db, with_permit):
    """Refuse deleting consent events while their person exists (unless a permit names them)."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(LEDGER_GUARD_POSTGRESQL.format(permit=PERMIT_POSTGRESQL if with_permit else ""))
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS consent_event_no_delete")
        db.execute_sql(LEDGER_GUARD_SQLITE.format(permit=PERMIT_SQLITE if with_permit else ""))


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Account(Base):
        class Meta:
            table_name = 'account'

    class Person(Base):
        class Meta:
            table_name = 'person'

    class Appointment(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        kind = CharField(max_length=12)
        starts_at = DateTimeField()
        type = CharField(max_length=100)
        duration_minutes = IntegerField()
        notes = CharField(max_length=2000, default='')
        created_by = ForeignKeyField(Account, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            table_name = 'appointment'
            indexes = ((('person', 'starts_at'), False),)
    db.create_tables([Appointment])

    class Order(Base):
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        reference = CharField(unique=True, max_length=32)
        status = CharField(max_length=10, default='pending')
        source = CharField(max_length=10, default='shop')
        total_cents = IntegerField(default=0)
        vat_cents = IntegerField(default=0)
        currency = CharField(max_length=3, default='EUR')
        recorded_by = ForeignKeyField(Account, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        paid_at = DateTimeField(null=True)
        detached_at = DateTimeField(null=True)
        class Meta:
            table_name = 'sales_order'
    db.create_tables([Order])

    class BillingDetails(Base):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        name = CharField(max_length=100)
        street = CharField(max_length=200)
        postal_code = CharField(max_length=16)
        city = CharField(max_length=100)
        country = CharField(max_length=2, default='FI')
        business_id = CharField(null=True, max_length=20)
        class Meta:
            table_name = 'billing_details'
    db.create_tables([BillingDetails])

    class ConsentEventPermit(Base):
        person_id = IntegerField()
        purpose = CharField(max_length=40)
        class Meta:
            table_name = 'consent_event_permit'
            indexes = ((('person_id', 'purpose'), False),)
    db.create_tables([ConsentEventPermit])

    class Invoice(Base):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        year = IntegerField()
        sequence = IntegerField()
        number = CharField(unique=True, max_length=20)
        issued_at = DateTimeField(index=True)
        seller_name = CharField(max_length=200)
        seller_address = CharField(max_length=300)
        seller_business_id = CharField(max_length=20, default='')
        total_cents = IntegerField()
        vat_cents = IntegerField()
        class Meta:
            table_name = 'invoice'
            indexes = ((('year', 'sequence'), True),)
    db.create_tables([Invoice])

    class InvoiceCounter(Base):
        year = IntegerField(primary_key=True)
        last = IntegerField(default=0)
        class Meta:
            table_name = 'invoice_counter'
    db.create_tables([InvoiceCounter])

    class Product(Base):
        kind = CharField(max_length=10, default='product')
        name = CharField(max_length=200)
        description = TextField(default='')
        price_cents = IntegerField()
        vat_rate_bp = IntegerField()
        starts_at = DateTimeField(null=True)
        duration_minutes = IntegerField(null=True)
        access_link = CharField(null=True, max_length=500)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            table_name = 'product'
    db.create_tables([Product])

    class OrderLine(Base):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        product = ForeignKeyField(Product, null=True, on_delete='SET NULL')
        description = CharField(max_length=200)
        quantity = IntegerField(default=1)
        unit_price_cents = IntegerField()
        vat_rate_bp = IntegerField()
        total_cents = IntegerField()
        vat_cents = IntegerField()
        class Meta:
            table_name = 'order_line'
    db.create_tables([OrderLine])

    class PaymentEvent(Base):
        event_id = CharField(unique=True, max_length=100)
        kind = CharField(max_length=40)
        order = ForeignKeyField(Order, null=True, on_delete='CASCADE')
        outcome = CharField(max_length=20)
        received_at = DateTimeField()
        class Meta:
            table_name = 'payment_event'
    db.create_tables([PaymentEvent])


    _ledger_guard(db, with_permit=True)


def down(migrator, db):
    _ledger_guard(db, with_permit=False)
    migrator.migrate(migrator.drop_table('payment_event'))
    migrator.migrate(migrator.drop_table('order_line'))
    migrator.migrate(migrator.drop_table('product'))
    migrator.migrate(migrator.drop_table('invoice_counter'))
    migrator.migrate(migrator.drop_table('invoice'))
    migrator.migrate(migrator.drop_table('consent_event_permit'))
    migrator.migrate(migrator.drop_table('billing_details'))
    migrator.migrate(migrator.drop_table('sales_order'))
    migrator.migrate(migrator.drop_table('appointment'))
