"""Retention that enforces itself: each rule with a shifted clock, counted first, removed by the job."""
import datetime as dt

import pytest
from peewee import DatabaseError, ForeignKeyField

from portal import clock
from portal.accounts.models import Account, EmailToken, LoginSession
from portal.appointments.service import record_appointment
from portal.audit.models import AuditEntry
from portal.consents import service as ledger
from portal.consents.audience import reachable_for
from portal.consents.models import Consent, ConsentEvent, ConsentEventPermit, Suppression
from portal.db import database
from portal.mail.models import OutboxMessage
from portal.mail.service import send_mail
from portal.models import MODELS
from portal.newsletter.models import PendingSignup
from portal.orders import service as orders
from portal.orders.accounting import voucher_kept_until
from portal.orders.models import BillingDetails, Invoice, Order, OrderLine, PaymentEvent
from portal.people.models import Person
from portal.relationship.models import Interaction
from portal.retention.service import run

BILLING = {"name": "Maija Meikäläinen", "street": "Hämeenkatu 1", "postal_code": "33100", "city": "Tampere"}


def travel_to(moment):
    """Put the clock at `moment` (naive UTC)."""
    clock.travel(moment - clock.now())


def helsinki(*args):
    """Return the naive UTC time of a Helsinki wall-clock time."""
    from portal.clock import utc
    return utc(dt.datetime(*args))


def counts(app, apply=False):
    """Run the job (or a dry run) and return {item label: count}."""
    with app.test_request_context():
        return {item.label: item.count for section in run(apply=apply) for item in section.items}


class Removed(dict):
    """What one run removed, by item label; `removed["word"]` sums the items whose label has the word."""

    def __getitem__(self, word):
        return sum(n for label, n in self.items() if word in label)


def removed(app):
    """Run the job once, after checking that a dry run counts exactly what it then removes."""
    would, did = counts(app), counts(app, apply=True)
    assert would == did, f"the dry run said {would}, the run removed {did}"
    return Removed(did)


def subscriber(app, email="tilaaja@example.fi", purposes=("newsletter",)):
    with app.test_request_context():
        person = Person.create(email=email, name="Tiina Tilaaja", source="newsletter_signup", status="subscriber")
        for purpose in purposes:
            ledger.grant(person, purpose, "form", "newsletter", ledger.consent_wording(purpose, "fi"))
        return person


# ------------------------------------------------------------------ the command

@pytest.mark.parametrize("register", ["registers/bloomlead.toml", "registers/liikkuvat-puntit.toml"])
def test_dry_run_prints_every_category_of_the_definition_with_counts(make_app, register):
    app = make_app(env={"PORTAL_REGISTER": register})
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("retention dry run")
    for key, category in app.extensions["register"].categories.items():
        assert f"{key} ({category.retention}): would remove 0" in lines
    assert lines[-1] == "total: would remove 0"


def test_the_command_removes_and_the_worker_runs_it_daily(app, member):
    member(verified=False)
    clock.travel(dt.timedelta(days=8))
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "removed 1" in result.output
    with app.app_context():
        assert Account.select().count() == 0
        assert AuditEntry.get(AuditEntry.action == "retention_run").detail == "credentials: 1"
    assert "retention" in [task.name for task in app.extensions["huey"]._registry.periodic_tasks]


# ------------------------------------------------------------------ sign-ups, sign-in and mail

def test_unconfirmed_signups_and_accounts_go_after_7_days(app, member):
    member(email="vahvistamaton@example.fi", verified=False)
    with app.app_context():
        PendingSignup.create(email="odottaa@example.fi", language="fi", source_kind="form", source="newsletter",
                             grants="[]", notice_version="x", token_hash="a" * 64,
                             expires_at=clock.now() + dt.timedelta(hours=72))
    clock.travel(dt.timedelta(days=6))
    gone = removed(app)
    assert gone["unconfirmed"] == 0 and gone["not verified"] == 0
    clock.travel(dt.timedelta(days=1, minutes=1))
    gone = removed(app)
    assert gone["unconfirmed"] == 1 and gone["not verified"] == 1


def test_a_dry_run_counts_what_the_run_removes_when_rules_overlap(app, member):
    account = member(verified=False)  # its session and token would also go with the account
    with app.app_context():
        LoginSession.create(account=account, token_hash="s" * 64, expires_at=clock.now() + dt.timedelta(hours=1))
        EmailToken.create(person=account.person, purpose="verify_email", token_hash="v" * 64,
                          expires_at=clock.now() + dt.timedelta(hours=24))
    clock.travel(dt.timedelta(days=8))
    gone = removed(app)  # asserts the dry run's counts
    assert gone["sign-in sessions"] == 1 and gone["expired email links"] == 1 and gone["not verified"] == 1


def test_ended_sessions_and_expired_tokens_go(app, member):
    account = member()
    with app.app_context():
        now = clock.now()
        for n, (last_seen, expires, remember) in enumerate([
                (now, now + dt.timedelta(hours=12), False),  # live
                (now - dt.timedelta(minutes=31), now + dt.timedelta(hours=11), False),  # idled out
                (now - dt.timedelta(days=2), now + dt.timedelta(days=20), True),  # remembered: live
                (now - dt.timedelta(days=31), now - dt.timedelta(days=1), True)]):  # past its end
            LoginSession.create(account=account, token_hash=str(n) * 64, last_seen_at=last_seen, expires_at=expires,
                                remember=remember)
        EmailToken.create(person=account.person, purpose="reset_password", token_hash="t" * 64,
                          expires_at=now - dt.timedelta(minutes=1))
        EmailToken.create(person=account.person, purpose="verify_email", token_hash="u" * 64,
                          expires_at=now + dt.timedelta(hours=1))
    gone = removed(app)
    assert gone["sign-in sessions"] == 2 and gone["expired email links"] == 1
    with app.app_context():
        assert sorted(s.token_hash[0] for s in LoginSession.select()) == ["0", "2"]
        Account.update(state="suspended").execute()
    assert removed(app)["sign-in sessions"] == 2  # a suspended account cannot use its sessions


def test_delivered_bodies_go_at_once_and_delivery_records_after_90_days(app, member, mailbox):
    person = member().person
    with app.test_request_context():
        send_mail(person.email, "password_changed", "x", person=person, reset_link="http://x")
        OutboxMessage.create(person=person, to_address=person.email, template="x", language="fi", payload=b"x",
                             status="sent", sent_at=clock.now(), message_id="<kept-body@test>")
    mailbox.deliver()
    assert removed(app)["message bodies"] == 1  # the row the worker sent had its body emptied already
    with app.app_context():
        assert OutboxMessage.select().where(OutboxMessage.payload.is_null(False)).count() == 0
    clock.travel(dt.timedelta(days=89))
    assert removed(app)["delivery records"] == 0
    clock.travel(dt.timedelta(days=2))
    assert removed(app)["delivery records"] == 2


# ------------------------------------------------------------------ consents

def test_a_withdrawn_consents_records_go_3_years_after_the_withdrawal(app, member):
    account = member()
    person = account.person
    with app.test_request_context():
        for purpose in ("newsletter", "marketing"):
            ledger.grant(person, purpose, "page", "test", ledger.consent_wording(purpose, "fi"))
        ledger.object_to(person, "community", "page", "test")
    clock.travel(dt.timedelta(days=30))
    with app.test_request_context():
        ledger.withdraw(person, "newsletter", "page", "test")
    clock.travel(dt.timedelta(days=3 * 365))  # three years less a day after the withdrawal
    assert removed(app)["consents withdrawn"] == 0
    clock.travel(dt.timedelta(days=2))
    assert removed(app)["consents withdrawn"] == 2  # the grant and the withdrawal
    with app.app_context():
        assert {(c.purpose, c.state) for c in Consent.select()} == {("marketing", "granted"),
                                                                    ("community", "objected")}
        assert ConsentEvent.select().count() == 2 and ConsentEventPermit.select().count() == 0
        with pytest.raises(DatabaseError):  # outside the job the ledger is as append-only as before
            with database.atomic():
                database.execute_sql("DELETE FROM consent_event")


def test_a_permit_opens_only_the_named_records_and_only_inside_its_transaction(app, member):
    person = member().person
    with app.test_request_context():
        for purpose in ("newsletter", "marketing"):
            ledger.grant(person, purpose, "page", "test", ledger.consent_wording(purpose, "fi"))
        with database.atomic():
            ConsentEventPermit.create(person_id=person.id, purpose="newsletter")
            assert ConsentEvent.delete().where(ConsentEvent.purpose == "newsletter").execute() == 1
            with pytest.raises(DatabaseError):
                with database.atomic():
                    ConsentEvent.delete().where(ConsentEvent.purpose == "marketing").execute()
            ConsentEventPermit.delete().execute()
        assert [e.purpose for e in ConsentEvent.select()] == ["marketing"]


def person_rows(person_id):
    """Yield (model, count) of rows that link to the person in every table but the ledger's."""
    for model in MODELS:
        for field in model._meta.fields.values():
            if isinstance(field, ForeignKeyField) and field.rel_model is Person and model not in (Consent,
                                                                                              ConsentEvent):
                yield model, model.select().where(field == person_id).count()


def test_who_withdrew_everything_keeps_only_a_stub_with_the_proof_then_nothing(app, mailbox):
    person = subscriber(app, purposes=("newsletter", "free_materials"))
    with app.test_request_context():
        Interaction.create(person=person, kind="free_material_sent", detail="opas.pdf")
        send_mail(person.email, "password_changed", "x", person=person, reset_link="http://x")
        ledger.withdraw(person, "newsletter", "link", "unsubscribe")
    assert removed(app)["withdrew every consent"] == 0  # free materials are still on
    with app.test_request_context():
        ledger.withdraw(person, "free_materials", "link", "unsubscribe")
    assert removed(app)["withdrew every consent"] == 1
    with app.app_context():
        stub = Person.get_by_id(person.id)
        assert stub.email.startswith(f"withdrawn:{person.id}:") and stub.name == "" and stub.email_hash is None
        assert "tilaaja" not in stub.email and ConsentEvent.select().count() == 4
        assert all(count == 0 for model, count in person_rows(person.id))
        assert OutboxMessage.select().count() == 0 and Suppression.select().count() == 1
        assert not reachable_for("newsletter").exists()
    clock.travel(dt.timedelta(days=3 * 365 + 2))
    gone = removed(app)
    assert gone["consents withdrawn"] == 4 and gone["last trace"] == 0
    assert removed(app)["last trace"] == 1  # the next day's run
    with app.app_context():
        assert Person.select().count() == 0 and ConsentEvent.select().count() == 0
        assert Suppression.select().count() == 1  # the address still cannot be re-added unconfirmed


def test_a_withdrawal_older_than_its_period_is_stubbed_and_cleared_on_the_first_runs(app):
    person = subscriber(app)
    with app.test_request_context():
        ledger.withdraw(person, "newsletter", "link", "unsubscribe")
    clock.travel(dt.timedelta(days=4 * 365))  # the job had never run
    gone = removed(app)
    assert gone["withdrew every consent"] == 1 and gone["consents withdrawn"] == 2
    assert removed(app)["last trace"] == 1
    with app.app_context():
        assert Person.select().count() == 0


def test_people_with_another_relationship_are_not_reduced_to_stubs(app, member):
    subscriber(app, email="yksi@example.fi")  # still subscribed
    for email, kind in (("tili@example.fi", "account"), ("asiakas@example.fi", "order"),
                        ("odottaa@example.fi", "pending")):
        with app.test_request_context():
            person = member(email=email).person if kind == "account" else subscriber(app, email=email)
            ledger.withdraw(person, "newsletter", "page", "test")
            if kind == "order":
                product = orders.save_product(name="Opas", price_cents=1000, vat_rate_bp=2550)
                orders.place_order(person, [(product, 1)], BILLING, True, "fi")
            if kind == "pending":
                PendingSignup.create(email=email, language="fi", source_kind="form", source="newsletter",
                                     grants="[]", notice_version="x", token_hash="p" * 64,
                                     expires_at=clock.now() + dt.timedelta(hours=72))
    assert removed(app)["withdrew every consent"] == 0


# ------------------------------------------------------------------ vouchers

def buy_and_pay(app, person, when):
    travel_to(when)
    with app.test_request_context():
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
        order = orders.place_order(person, [(product, 1)], BILLING, False, "fi")
        orders.mark_paid(order)
    return order


def voucher_rows(app):
    with app.app_context():
        return [m.select().count() for m in (Order, OrderLine, BillingDetails, Invoice, PaymentEvent)]


def test_vouchers_go_after_31_december_of_the_sixth_year(app, member):
    person = member().person
    buy_and_pay(app, person, helsinki(2025, 6, 15, 12))
    buy_and_pay(app, person, helsinki(2026, 1, 1, 0, 30))  # the next financial year, in Helsinki
    with app.app_context():
        PaymentEvent.create(event_id="evt", kind="payment.succeeded", order=Order.get(), outcome="paid")
    travel_to(helsinki(2031, 12, 31, 23, 59))
    assert removed(app)["(vouchers)"] == 0
    travel_to(helsinki(2032, 1, 1, 0, 1))
    assert removed(app)["(vouchers)"] == 4  # one order, its line, billing details and invoice
    assert voucher_rows(app) == [1, 1, 1, 1, 0]
    travel_to(helsinki(2033, 1, 1, 0, 1))
    assert removed(app)["(vouchers)"] == 4 and voucher_rows(app) == [0, 0, 0, 0, 0]


def test_the_financial_year_comes_from_the_definition(make_app, tmp_path, member):
    text = open("registers/bloomlead.toml", encoding="utf-8").read().replace(
        'financial_year_end = "12-31"', 'financial_year_end = "06-30"')
    path = tmp_path / "register.toml"
    path.write_text(text, encoding="utf-8")
    app = make_app(env={"PORTAL_REGISTER": str(path)})
    assert voucher_kept_until(dt.datetime(2025, 3, 1), "06-30") == dt.date(2031, 12, 31)
    assert voucher_kept_until(dt.datetime(2025, 8, 1), "06-30") == dt.date(2032, 12, 31)
    with app.app_context():
        person = Person.create(email="asiakas@example.fi", source="test")
    buy_and_pay(app, person, helsinki(2025, 3, 1, 12))
    buy_and_pay(app, person, helsinki(2025, 8, 1, 12))
    travel_to(helsinki(2032, 1, 1, 12))
    with app.test_request_context():
        assert [s.total for s in run(apply=True) if s.key in ("orders", "billing")] == [2, 2]
    assert voucher_rows(app)[:4] == [1, 1, 1, 1]


def test_erased_customers_invoice_is_kept_until_retention_purges_it(app, member):
    """Done when: erasing keeps the invoice; a run six years past the year's end purges it."""
    person = member().person
    order = buy_and_pay(app, person, helsinki(2026, 3, 10, 12))
    with app.test_request_context():
        from portal.rights.erasure import erase_person
        erase_person(person)
        assert Order.get_by_id(order.id).person_id is None and Invoice.select().count() == 1
        assert Person.select().count() == 0
    travel_to(helsinki(2033, 1, 1, 0, 5))
    assert removed(app)["invoices"] == 1 and voucher_rows(app) == [0, 0, 0, 0, 0]


# ------------------------------------------------------------------ appointments and the relationship log

def test_appointments_go_3_years_after_the_last_dealing_in_register_b(make_app):
    app = make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"})
    with app.test_request_context():
        staff = Account.create(person=Person.create(email="sami@example.fi", source="staff"), username="sami",
                               password_hash="x", role="admin", email_verified_at=clock.now())
        former = Person.create(email="entinen@example.fi", source="customer", status="customer")
        subscribed = Person.create(email="tilaaja@example.fi", source="customer", status="customer")
        ledger.grant(subscribed, "newsletter", "page", "test", ledger.consent_wording("newsletter", "fi"))
        member = Person.create(email="jasen@example.fi", source="customer", status="member")
        Account.create(person=member, username="jasen", password_hash="x", email_verified_at=clock.now())
        for person in (former, subscribed, member):
            record_appointment(person, "visit", clock.now(), "PT", 60, "", staff)
    clock.travel(dt.timedelta(days=2 * 365))
    with app.test_request_context():
        for person in (former, subscribed):
            record_appointment(person, "appointment", clock.now(), "PT", 60, "", staff)  # a dealing resets the clock
    clock.travel(dt.timedelta(days=2 * 365))
    gone = removed(app)
    assert gone["appointments"] == 0 and gone["erased"] == 0
    clock.travel(dt.timedelta(days=366))
    gone = removed(app)
    assert gone["appointments and visits of people"] == 2  # the subscriber's: their consent keeps them
    assert gone["erased"] == 1 and gone["appointments of those people"] == 2  # the former customer, whole
    with app.app_context():
        assert Person.get_or_none(Person.id == former.id) is None
        assert [a.person_id for a in record_appointment.__globals__["Appointment"].select()] == [member.id]


def test_the_relationship_log_goes_6_years_after_the_last_dealing_in_register_a(app):
    person = subscriber(app)
    with app.app_context():
        Interaction.create(person=person, kind="free_material_sent", detail="opas.pdf")
    clock.travel(dt.timedelta(days=6 * 365))
    assert removed(app)["relationship log of people"] == 0
    clock.travel(dt.timedelta(days=3))
    assert removed(app)["relationship log of people"] == 1


# ------------------------------------------------------------------ ten years on: relationships that ended

SECRET = "a webhook secret that is long enough for the portal"


def by_category(app, apply=False):
    """Run the job (or a dry run) and return {category key: {item label: count}}."""
    with app.test_request_context():
        return {s.key: {i.label: i.count for i in s.items} for s in run(apply=apply)}


def find(report, category, word):
    return sum(n for label, n in report[category].items() if word in label)


def no_trace_of(app, backend, person_id, *values):
    """Assert nothing links to the person, and (SQLite) that the values are not even in the file."""
    with app.app_context():
        assert Person.get_or_none(Person.id == person_id) is None
        assert all(count == 0 for _, count in person_rows(person_id))
        assert ConsentEvent.select().where(ConsentEvent.person == person_id).count() == 0
        for model in (Order, OrderLine, BillingDetails, Invoice, OutboxMessage, Interaction):
            assert model.select().count() == 0, f"{model.__name__} kept a row"
        assert Suppression.select().count() == 1  # what the erasure keeps: a keyed hash, not the address
    if backend == "sqlite":
        with app.app_context():
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = open(app.config["DATABASE_URL"][len("sqlite:///"):], "rb").read()
        for value in values:
            assert value.encode() not in raw, f"{value} is still in the database file"


def test_ten_years_on_a_one_off_customer_of_register_a_leaves_no_trace(make_app, smtp, backend):
    import json

    from support import Mailbox

    from portal.orders import webhook
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_PAYMENT_WEBHOOK_SECRET": SECRET})
    with app.test_request_context():
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
    body = json.dumps({
        "id": "evt_1", "type": "order.completed", "order": "prov-1001", "amount": 4990, "currency": "EUR",
        "customer": {"email": "kaija@example.fi", "name": "Kaija Kassa", "language": "fi"},
        "billing": {"name": "Kaija Kassa", "street": "Kauppakatu 3", "postal_code": "33100", "city": "Tampere"},
        "items": [{"product": product.id, "quantity": 1}],
        "marketing_refusal": {"offered": True, "refused": False}}).encode()
    response = app.test_client().post("/webhooks/payments", data=body, headers={
        "Content-Type": "application/json", webhook.SIGNATURE_HEADER: webhook.sign(body, SECRET)})
    assert response.status_code == 200
    Mailbox(app, smtp).deliver()  # the receipt
    with app.app_context():
        person_id = Person.get(Person.email == "kaija@example.fi").id
    clock.travel(dt.timedelta(days=5 * 365))
    assert find(by_category(app), "contact", "erased") == 0  # a customer for six years after the purchase
    clock.travel(dt.timedelta(days=5 * 365))
    said = by_category(app)
    assert find(said, "contact", "erased") == 1
    assert find(said, "consents", "of those people") == 1  # the offer of similar products, with the customer
    assert find(said, "orders", "(vouchers)") == 2 and find(said, "billing", "(vouchers)") == 2
    assert find(said, "email_delivery", "delivery records") == 1
    assert by_category(app, apply=True) == said
    no_trace_of(app, backend, person_id, "kaija@example.fi", "Kaija Kassa", "Kauppakatu")
    with app.app_context():
        assert AuditEntry.get(AuditEntry.action == "person_erased").detail == "by retention"


def test_ten_years_on_a_customer_of_register_b_with_a_staff_note_leaves_no_trace(make_app, smtp, backend):
    from portal.relationship.service import record
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"})
    with app.test_request_context():
        staff = Account.create(person=Person.create(email="sami@example.fi", source="staff"), username="sami",
                               password_hash="x", role="admin", email_verified_at=clock.now())
        person = Person.create(email="asiakas@example.fi", name="Aino Asiakas", phone="040 123 4567",
                               source="customer", status="customer")
        record(person, "quality", "Palaute: Ainon polvi parempi", "Aino kiitti", None, staff)
        record_appointment(person, "visit", clock.now(), "Kehonkoostumus", 45, "Ainon mittaus", staff)
    clock.travel(dt.timedelta(days=10 * 365))
    said = by_category(app)
    assert find(said, "contact", "erased") == 1
    assert find(said, "quality", "of those people") == 1 and find(said, "appointments", "of those people") == 1
    assert by_category(app, apply=True) == said
    no_trace_of(app, backend, person.id, "asiakas@example.fi", "Aino Asiakas", "040 123 4567", "Ainon")
    with app.app_context():
        assert Person.select().count() == 1  # the staff member, whose account keeps them


def test_an_ended_relationship_keeps_a_recent_withdrawals_record_as_a_stub(app):
    travel_to(helsinki(2026, 3, 1, 12))
    person = subscriber(app)
    with app.test_request_context():
        product = orders.save_product(name="Opas", price_cents=1000, vat_rate_bp=2550)
        orders.mark_paid(orders.place_order(person, [(product, 1)], BILLING, False, "fi"))
    clock.travel(dt.timedelta(days=6 * 365 + 10))  # six years on, the voucher not yet past its own period
    with app.test_request_context():
        ledger.withdraw(person, "newsletter", "link", "unsubscribe")
    gone = removed(app)
    assert gone["erased"] == 0 and gone["records of a recently withdrawn consent kept"] == 1
    with app.app_context():
        stub = Person.get_by_id(person.id)
        assert stub.email.startswith("withdrawn:") and stub.name == ""
        assert Order.get().person_id is None  # the voucher stays, detached, for its own period
        assert {c.state for c in Consent.select()} == {"withdrawn"}  # the offer of similar products went
        assert not reachable_for("marketing", similar_products=True).exists()
    clock.travel(dt.timedelta(days=3 * 365 + 2))
    removed(app)
    assert removed(app)["last trace"] == 1
    with app.app_context():
        assert Person.select().count() == 0


def test_data_collected_with_permission_goes_when_the_consent_does(make_app):
    from portal.relationship.service import record
    app = make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"})
    with app.test_request_context():
        person = Person.create(email="asiakas@example.fi", name="Aino Asiakas", source="customer", status="customer")
        ledger.grant(person, "remarketing", "staff", "letter", ledger.consent_wording("remarketing", "fi"))
        ledger.grant(person, "newsletter", "staff", "letter", ledger.consent_wording("newsletter", "fi"))
        record(person, "consented", "Evästetiedot", "", None, None, purpose="remarketing")
    assert removed(app)["collected with permission"] == 0
    with app.test_request_context():
        ledger.withdraw(person, "remarketing", "page", "test")
    assert removed(app)["collected with permission"] == 1
    with app.app_context():
        assert Interaction.select().count() == 0 and Person.select().count() == 1  # the newsletter stays
