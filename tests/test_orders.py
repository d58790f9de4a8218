"""Webinars and orders: buying, the signed payment webhook, invoices, purchases, vouchers kept on erasure."""
import datetime as dt
import json
import logging
import re
import threading

import pytest
from support import PASSWORD, Web, text_of

from portal import clock
from portal.audit.models import AuditEntry
from portal.consents.models import Consent, ConsentEvent
from portal.db import database
from portal.orders import service, webhook
from portal.orders.models import BillingDetails, Invoice, Order, OrderLine, PaymentEvent, Product
from portal.orders.money import included_vat, line_amounts, parse_euros, parse_rate, totals_by_rate
from portal.people.models import Person

SECRET = "the payment provider's shared secret for tests"
BILLING = {"name": "Maija Meikäläinen", "street": "Hämeenkatu 1 A 2", "postal_code": "33100",
           "city": "Tampere", "country": "FI", "business_id": ""}


@pytest.fixture
def app(make_app, smtp):
    return make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_PAYMENT_WEBHOOK_SECRET": SECRET})


@pytest.fixture
def webinar(app):
    with app.app_context():
        return service.save_product(kind="webinar", name="Asiakaslähtöinen myynti", description="Kaksi tuntia",
                                    price_cents=4990, vat_rate_bp=2550, starts_at=dt.datetime(2026, 12, 1, 16),
                                    duration_minutes=120, access_link="https://kurssit.example.fi/myynti")


@pytest.fixture
def signed_in(web, member):
    account = member()
    web.login()
    return account


def buy(web, product, refuse=False, **billing):
    data = {**BILLING, **billing, **({"refuse_marketing": "y"} if refuse else {})}
    response = web.post(f"/shop/{product.id}/buy", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def event(reference, amount=4990, event_id="evt_1", kind="payment.succeeded", currency="EUR"):
    return json.dumps({"id": event_id, "type": kind, "order": reference, "amount": amount,
                       "currency": currency}).encode()


def post_webhook(app, body, secret=SECRET, signature=None):
    headers = {"Content-Type": "application/json",
               webhook.SIGNATURE_HEADER: signature if signature is not None else webhook.sign(body, secret)}
    return app.test_client().post("/webhooks/payments", data=body, headers=headers)


def rows(app, model, *where):
    with app.app_context():
        query = model.select()
        return list(query.where(*where) if where else query)


# ------------------------------------------------------------------ the whole purchase

def test_member_buys_a_webinar_and_the_signed_webhook_makes_it_paid(web, app, signed_in, webinar, mailbox):
    assert "Asiakaslähtöinen myynti" in web.get("/shop").get_data(as_text=True)
    form = web.get(f"/shop/{webinar.id}/buy").get_data(as_text=True)
    assert 'name="refuse_marketing" type="checkbox"' in form and "checked" not in form  # offered, unticked
    reference = buy(web, webinar)
    order, = rows(app, Order)
    assert (order.reference, order.status, order.total_cents, order.vat_cents) == (reference, "pending", 4990, 1014)
    page = web.get(f"/account/purchases/{reference}").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in page and "kurssit.example.fi" not in page  # no access before payment

    response = post_webhook(app, event(reference))
    assert response.status_code == 200 and response.json == {"outcome": "paid"}
    invoice, = rows(app, Invoice)
    assert invoice.number == f"{clock.now().year}-00001" and invoice.total_cents == 4990
    receipt = mailbox.last_to("maija@example.fi")
    assert "https://kurssit.example.fi/myynti" in text_of(receipt) and invoice.number in text_of(receipt)
    assert "List-Unsubscribe" not in receipt  # a receipt, not marketing

    fragment = web.get(f"/account/purchases/{reference}", htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="order-status"') and "hx-trigger" not in fragment
    assert 'class="access-link" href="https://kurssit.example.fi/myynti"' in fragment
    purchases = web.get("/account/purchases").get_data(as_text=True)
    assert f'id="webinar-{webinar.id}"' in purchases and "https://kurssit.example.fi/myynti" in purchases
    assert f"/account/invoices/{invoice.id}" in purchases

    replay = post_webhook(app, event(reference))  # the provider retries: nothing changes
    assert replay.status_code == 200 and replay.json == {"outcome": "duplicate"}
    again = post_webhook(app, event(reference, event_id="evt_2"))  # another event for a paid order
    assert again.status_code == 200 and again.json == {"outcome": "already paid"}
    assert len(rows(app, Invoice)) == 1 and len(rows(app, PaymentEvent)) == 2
    assert len(mailbox.to("maija@example.fi")) == 1


def test_the_shop_is_public_but_buying_needs_a_member(web, webinar):
    assert web.get("/shop").status_code == 200
    response = web.get(f"/shop/{webinar.id}/buy")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_billing_details_are_validated_and_the_form_comes_back_in_place(web, app, signed_in, webinar):
    response = web.post(f"/shop/{webinar.id}/buy", {**BILLING, "street": "", "business_id": "ABC"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<form id="buy-form"')
    assert 'id="street-error"' in body and 'id="business_id-error"' in body
    assert rows(app, Order) == []


def test_a_product_off_sale_cannot_be_bought(web, app, signed_in, webinar):
    with app.app_context():
        service.save_product(webinar, active=False)
    assert web.get(f"/shop/{webinar.id}/buy").status_code == 404
    assert "Asiakaslähtöinen" not in web.get("/shop").get_data(as_text=True)


# ------------------------------------------------------------------ the webhook

def test_webhook_refuses_unsigned_badly_signed_and_tampered_calls(app, signed_in, web, webinar, caplog):
    reference = buy(web, webinar)
    body = event(reference)
    caplog.set_level(logging.WARNING, logger="portal.orders")
    assert post_webhook(app, body, signature="").status_code == 401
    assert post_webhook(app, body, secret="another secret that is long enough to pass").status_code == 401
    assert post_webhook(app, body, signature="sha256=" + "0" * 64).status_code == 401
    tampered = body.replace(b"4990", b"1")
    assert post_webhook(app, tampered, signature=webhook.sign(body, SECRET)).status_code == 401
    assert rows(app, Order)[0].status == "pending" and rows(app, PaymentEvent) == []
    assert sum("refused with 401" in r.getMessage() for r in caplog.records) == 4


@pytest.mark.parametrize("body, reason", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"id": "evt", "type": "payment.succeeded", "order": "x", "amount": "49.90",
                 "currency": "EUR"}).encode(), "'amount'"),
    (json.dumps({"id": "evt", "type": "payment.succeeded", "order": "nosuchorder", "amount": 4990,
                 "currency": "EUR"}).encode(), "unknown order"),
])
def test_webhook_refuses_malformed_events_with_400(app, body, reason, caplog):
    caplog.set_level(logging.WARNING, logger="portal.orders")
    response = post_webhook(app, body)
    assert response.status_code == 400 and reason in response.json["error"]
    assert any("refused with 400" in r.getMessage() for r in caplog.records)
    assert rows(app, PaymentEvent) == []


def test_webhook_refuses_a_payment_that_does_not_match_the_order(app, web, signed_in, webinar):
    reference = buy(web, webinar)
    assert post_webhook(app, event(reference, amount=100)).status_code == 400
    assert post_webhook(app, event(reference, currency="SEK")).status_code == 400
    assert rows(app, Order)[0].status == "pending"
    assert post_webhook(app, event(reference)).status_code == 200  # the same event id, now right


def test_a_failed_payment_cancels_and_a_later_success_still_pays(app, web, signed_in, webinar):
    reference = buy(web, webinar)
    assert post_webhook(app, event(reference, event_id="e1", kind="payment.failed")).json == {"outcome": "cancelled"}
    assert rows(app, Order)[0].status == "cancelled"
    assert post_webhook(app, event(reference, event_id="e2", kind="payment.refund_requested")).json == \
        {"outcome": "ignored"}
    assert post_webhook(app, event(reference, event_id="e3")).json == {"outcome": "paid"}


def test_webhook_without_a_secret_answers_503_and_logs(make_app, caplog):
    app = make_app()
    caplog.set_level(logging.ERROR, logger="portal.orders")
    response = post_webhook(app, event("x"))
    assert response.status_code == 503
    assert any("PORTAL_PAYMENT_WEBHOOK_SECRET" in r.getMessage() for r in caplog.records)


def test_webhook_needs_no_csrf_token_but_the_shop_does(app, web, signed_in, webinar):
    assert web.post(f"/shop/{webinar.id}/buy", BILLING, csrf=False).status_code == 400
    reference = buy(web, webinar)
    assert post_webhook(app, event(reference)).status_code == 200  # no session, no token


def test_invoice_numbers_stay_unbroken_under_concurrent_payments(app, member, webinar, backend):
    """Payments arrive at once from several connections; the numbers run 1..n without gaps or repeats."""
    count, threads = 24, 8
    with app.app_context():
        person = member().person
        orders = [service.place_order(person, [(webinar, 1)], BILLING, False, "fi") for _ in range(count)]
    bodies = [event(o.reference, event_id=f"evt_{n}") for n, o in enumerate(orders)]
    outcomes, barrier = [], threading.Barrier(threads)

    def pay(batch):
        with app.app_context():
            database.connect(reuse_if_open=True)
            barrier.wait()
            for body in batch:
                outcomes.append(webhook.receive(body, webhook.sign(body, SECRET), SECRET))
            database.close()

    workers = [threading.Thread(target=pay, args=(bodies[n::threads],)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert outcomes == ["paid"] * count
    invoices = rows(app, Invoice)
    assert sorted(i.sequence for i in invoices) == list(range(1, count + 1))
    assert len({i.order_id for i in invoices}) == count


def test_invoice_years_restart_the_sequence(app, member, webinar):
    with app.app_context():
        person = member().person
        first = service.place_order(person, [(webinar, 1)], BILLING, False, "fi")
        service.mark_paid(first, dt.datetime(2026, 12, 31, 21, 59))  # 23.59 in Helsinki
        second = service.place_order(person, [(webinar, 1)], BILLING, False, "fi")
        service.mark_paid(second, dt.datetime(2026, 12, 31, 22, 1))  # already 2027 in Helsinki
        third = service.place_order(person, [(webinar, 1)], BILLING, False, "fi")
        service.mark_paid(third, dt.datetime(2027, 1, 2, 10))
        assert [i.number for i in Invoice.select().order_by(Invoice.id)] == ["2026-00001", "2027-00001", "2027-00002"]


# ------------------------------------------------------------------ invoices

def test_invoice_shows_what_a_finnish_invoice_must(web, app, signed_in, webinar):
    with app.app_context():
        book = service.save_product(name="Työkirja", price_cents=1990, vat_rate_bp=1400)
        order = service.place_order(signed_in.person, [(webinar, 2), (book, 1)],
                                    {**BILLING, "name": "Meikäläinen Oy", "business_id": "1234567-8"}, False, "fi")
        invoice = service.mark_paid(order, dt.datetime(2026, 11, 20, 10))
    page = web.get(f"/account/invoices/{invoice.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    number = re.search(r'id="invoice-number">([^<]+)<', body).group(1)
    assert number == "2026-00001" and '<dd id="invoice-date">20.11.2026</dd>' in body
    seller = body[body.index('id="seller"'):body.index('id="buyer"')]
    assert "MT Business Coaching Oy" in seller and "Hämeenpuisto 14 A 2, 33210 Tampere" in seller
    assert 'id="seller-business-id">3166661-4<' in seller
    buyer = body[body.index('id="buyer"'):body.index('id="invoice-lines"')]
    assert "Meikäläinen Oy" in buyer and "Hämeenkatu 1 A 2" in buyer and "33100 Tampere" in buyer
    assert 'id="buyer-business-id">1234567-8<' in buyer
    lines = body[body.index('id="invoice-lines"'):body.index('id="invoice-vat"')]
    assert "Asiakaslähtöinen myynti" in lines and "Työkirja" in lines and "25,5\xa0%" in lines and "14\xa0%" in lines
    vat = body[body.index('id="invoice-vat"'):]
    # 2 x 49,90 = 99,80 with 25,5 %: VAT 20,28; 19,90 with 14 %: VAT 2,44; total 119,70, VAT 22,72.
    assert re.search(r'data-rate="2550"><td>25,5\xa0%</td><td>79,52\xa0€</td><td>20,28\xa0€</td><td>99,80\xa0€', vat)
    assert re.search(r'data-rate="1400"><td>14\xa0%</td><td>17,46\xa0€</td><td>2,44\xa0€</td><td>19,90\xa0€', vat)
    total = vat[vat.index('id="invoice-total"'):]
    assert "96,98\xa0€" in total and "22,72\xa0€" in total and "119,70\xa0€" in total


def test_another_members_order_and_invoice_are_404(web, app, member, signed_in, webinar):
    with app.app_context():
        other = member(email="toinen@example.fi").person
        order = service.place_order(other, [(webinar, 1)], BILLING, False, "fi")
        invoice = service.mark_paid(order)
    assert web.get(f"/account/invoices/{invoice.id}").status_code == 404
    assert web.get(f"/account/purchases/{order.reference}").status_code == 404
    assert order.reference not in web.get("/account/purchases").get_data(as_text=True)


@pytest.mark.parametrize("total, rate, vat", [
    (4990, 2550, 1014),  # 4990 x 25.5 / 125.5 = 1013.90
    (10000, 2400, 1935),  # 1935.48
    (1990, 1400, 244),  # 244.39
    (1000, 0, 0),
    (5, 10000, 3),  # exactly 2.5: half up, not to even
    (3, 10000, 2),  # exactly 1.5
])
def test_vat_is_included_in_the_price_and_rounded_half_up(total, rate, vat):
    assert included_vat(total, rate) == vat


def test_vat_per_rate_is_the_sum_of_the_lines():
    class Line:
        def __init__(self, quantity, price, rate):
            self.vat_rate_bp = rate
            self.total_cents, self.vat_cents = line_amounts(quantity, price, rate)

    rates = totals_by_rate([Line(3, 333, 2550), Line(1, 1001, 2550), Line(2, 1990, 1400)])
    assert [(r.vat_rate_bp, r.gross_cents, r.vat_cents, r.net_cents) for r in rates] == \
        [(2550, 2000, 406, 1594), (1400, 3980, 489, 3491)]  # 202.98 -> 203 and 203.39 -> 203; 488.77 -> 489


def test_amounts_are_read_as_cents_and_basis_points():
    assert parse_euros("49,90") == 4990 and parse_euros("49") == 4900 and parse_rate("25,5") == 2550
    for bad in ("49.999", "-1", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            parse_euros(bad)


# ------------------------------------------------------------------ staff and products

def test_staff_record_a_paid_order_with_an_audit_entry(app, member, webinar, mailbox):
    with app.test_request_context():
        staff = member(email="admin@example.fi", role="admin")
        customer = member(email="asiakas@example.fi").person
        order = service.record_order(customer, [(webinar, 1)], BILLING, staff, paid=True, refused_marketing=False)
        entry = AuditEntry.get(AuditEntry.action == "order_recorded")
        assert (order.source, order.recorded_by_id, entry.actor_id, entry.person_id) == \
            ("staff", staff.id, staff.id, customer.id)
        assert Order.get_by_id(order.id).status == "paid" and Invoice.select().count() == 1
        soft = ConsentEvent.get(ConsentEvent.person == customer)
        assert (soft.purpose, soft.basis, soft.source_kind) == ("marketing", "soft_opt_in", "staff")
    assert "kurssit.example.fi" in text_of(mailbox.last_to("asiakas@example.fi"))


def test_products_are_checked_before_they_are_saved(app):
    with app.app_context():
        for bad in ({"access_link": "javascript:alert(1)"}, {"kind": "course"}, {"price_cents": -1},
                    {"vat_rate_bp": 25.5}):
            with pytest.raises(ValueError):
                service.save_product(**{"name": "x", "price_cents": 100, "vat_rate_bp": 2550, **bad})


def test_products_command_adds_and_lists(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["products", "add", "--name", "Kevätwebinaari", "--price", "39,90", "--vat",
                                 "25.5", "--webinar", "--starts", "2027-03-01 18:00", "--minutes", "90",
                                 "--link", "https://kurssit.example.fi/kevat"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        product = Product.get()
    assert (product.kind, product.price_cents, product.vat_rate_bp) == ("webinar", 3990, 2550)
    assert product.starts_at == dt.datetime(2027, 3, 1, 16)  # 18.00 in Helsinki is 16.00 UTC
    listed = runner.invoke(args=["products", "list"])
    assert "Kevätwebinaari" in listed.output and "39.90 EUR" in listed.output
    assert runner.invoke(args=["products", "add", "--name", "x", "--price", "1", "--vat", "24",
                               "--webinar"]).exit_code != 0  # a webinar needs a date and a link


# ------------------------------------------------------------------ my data, export, erasure

def test_my_data_and_the_export_show_orders_lines_billing_and_invoices(web, app, signed_in, webinar):
    reference = buy(web, webinar)
    post_webhook(app, event(reference))
    page = web.get("/account/data").get_data(as_text=True)
    orders = page[page.index('id="category-orders"'):page.index('id="category-billing"')]
    assert reference in orders and "Asiakaslähtöinen myynti × 1" in orders
    billing = page[page.index('id="category-billing"'):]
    assert "Hämeenkatu 1 A 2" in billing and f"{clock.now().year}-00001" in billing
    web.post("/account/confirm-password", {"password": PASSWORD})
    import io
    import zipfile
    archive = zipfile.ZipFile(io.BytesIO(web.post("/account/export").data))
    data = json.loads(archive.read("data.json"))
    assert data["tables"]["orders"][0]["reference"] == reference
    assert data["tables"]["order_lines"][0]["vat_rate_percent"] == "25.5"
    assert data["tables"]["billing_details"][0]["street"] == "Hämeenkatu 1 A 2"
    assert data["tables"]["invoices"][0]["total_cents"] == 4990


def test_erasing_a_customer_keeps_exactly_the_vouchers(web, app, signed_in, webinar, mailbox):
    paid = buy(web, webinar)
    post_webhook(app, event(paid))
    unpaid = buy(web, webinar, name="Toinen Nimi")
    page = web.get("/account/delete").get_data(as_text=True)
    kept = page[page.index('id="vouchers-kept"'):]
    assert f"31.12.{clock.now().year + 6}" in kept[:kept.index("</li>")]
    assert web.post("/account/delete", {"password": PASSWORD, "understood": "y"}).status_code == 303
    with app.app_context():
        assert Person.select().count() == 0
        order, = Order.select()
        assert order.reference == paid and order.person_id is None and order.detached_at is not None
        assert Order.get_or_none(Order.reference == unpaid) is None
        assert [b.name for b in BillingDetails.select()] == ["Maija Meikäläinen"]  # the voucher's buyer
        assert OrderLine.select().count() == 1 and Invoice.select().count() == 1
        assert [i.number for i in service.detached_vouchers()] == [Invoice.get().number]
        assert Consent.select().count() == 0 and ConsentEvent.select().count() == 0


def test_a_kept_voucher_opens_only_for_an_admin_with_a_reason(app, member, webinar):
    with app.test_request_context():
        customer = member(email="asiakas@example.fi").person
        invoice = service.mark_paid(service.place_order(customer, [(webinar, 1)], BILLING, False, "fi"))
        from portal.rights.erasure import erase_person
        erase_person(customer)
        admin = member(email="admin@example.fi", role="admin")
        with pytest.raises(PermissionError):
            service.voucher_for_staff(invoice.id, member(email="moderaattori@example.fi", role="moderator"), "x")
        with pytest.raises(PermissionError):
            service.voucher_for_staff(invoice.id, admin, " ")
        assert service.voucher_for_staff(invoice.id, admin, "Verotarkastus 2027").number == invoice.number
        entry = AuditEntry.get(AuditEntry.action == "voucher_viewed")
        assert entry.actor_id == admin.id and "Verotarkastus" in entry.detail


def test_delete_page_says_no_purchases_when_there_are_none(web, signed_in):
    page = web.get("/account/delete").get_data(as_text=True)
    assert 'id="vouchers-kept"' not in page and "kirjanpitolaki" in page.lower()


def test_a_second_browser_cannot_use_the_first_ones_order(app, web, signed_in, webinar):
    reference = buy(web, webinar)
    stranger = Web(app)
    assert stranger.get(f"/account/purchases/{reference}").status_code in (302, 303)


def provider_order(reference="prov-1001", event_id="evt_p1", amount=4990, offered=True, refused=False,
                   email="kassa@example.fi", product_id=1):
    return json.dumps({
        "id": event_id, "type": "order.completed", "order": reference, "amount": amount, "currency": "EUR",
        "customer": {"email": email, "name": "Kaija Kassa", "language": "fi"},
        "billing": {"name": "Kaija Kassa", "street": "Kauppakatu 3", "postal_code": "33100", "city": "Tampere",
                    "country": "FI"},
        "items": [{"product": product_id, "quantity": 1}],
        "marketing_refusal": {"offered": offered, "refused": refused}}).encode()


def test_an_order_completed_at_the_providers_checkout_is_recorded_paid_and_invoiced(app, webinar, mailbox):
    response = post_webhook(app, provider_order(product_id=webinar.id))
    assert response.status_code == 200 and response.json["outcome"] == "recorded and paid"
    with app.app_context():
        person = Person.get(Person.email == "kassa@example.fi")
        order = Order.get(Order.reference == "prov-1001")
        assert (order.status, order.source, order.person_id, person.status) == ("paid", "provider", person.id,
                                                                                  "customer")
        assert Invoice.select().where(Invoice.order == order).count() == 1
        soft = ConsentEvent.get(ConsentEvent.person == person)
        assert (soft.basis, soft.source, soft.action) == ("soft_opt_in", "provider", "granted")
    assert "kurssit.example.fi" in text_of(mailbox.last_to("kassa@example.fi"))
    assert post_webhook(app, provider_order(product_id=webinar.id)).json["outcome"] == "duplicate"
    with app.app_context():
        assert Order.select().count() == 1 and Invoice.select().count() == 1


def test_a_provider_order_records_no_marketing_basis_when_the_refusal_was_not_offered(app, webinar):
    post_webhook(app, provider_order(product_id=webinar.id, offered=False))
    with app.app_context():
        assert ConsentEvent.select().count() == 0


def test_order_completed_for_an_existing_order_must_match_it(app, web, signed_in, webinar, member):
    reference = buy(web, webinar)
    with app.app_context():
        other = service.save_product(name="Opas", price_cents=100, vat_rate_bp=2550)
    cheap = [{"amount": 100, "product_id": other.id},  # another product at its price
             {"amount": 4990, "currency": "SEK"}, {"amount": 9980, "quantity": 2}, {"amount": 1}]
    for number, changes in enumerate(cheap):
        body = json.loads(provider_order(reference=reference, event_id=f"evt_x{number}", product_id=webinar.id))
        body.update({k: v for k, v in changes.items() if k in ("amount", "currency")})
        body["items"] = [{"product": changes.get("product_id", webinar.id), "quantity": changes.get("quantity", 1)}]
        response = post_webhook(app, json.dumps(body).encode())
        assert response.status_code == 400, changes
        assert "match" in response.json["error"]
    with app.app_context():
        order = Order.get(Order.reference == reference)
        assert order.status == "pending" and Invoice.select().count() == 0 and PaymentEvent.select().count() == 0
    matching = post_webhook(app, provider_order(reference=reference, event_id="evt_ok", product_id=webinar.id))
    assert matching.status_code == 200 and matching.json["outcome"] == "paid"
    with app.app_context():
        order = Order.get(Order.reference == reference)
        assert order.status == "paid" and order.person_id == signed_in.person_id  # still the member's order
        assert Invoice.select().count() == 1


@pytest.mark.parametrize("field, value", [
    ("order", "x\u0000"), ("customer.name", "Kaija\u0000"), ("billing.street", "x" * 5000),
    ("items.0.product", 99999999999999999999), ("items.0.product", "1"), ("items.0.product", None),
    ("items.0.quantity", 2**40), ("amount", 2**70), ("billing.name", "K" * 101), ("billing.country", 1),
    ("customer.name", ["Kaija"]),
])
def test_a_signed_event_with_malformed_values_is_refused_without_a_trace(app, webinar, field, value):
    body = json.loads(provider_order(product_id=webinar.id))
    *path, last = field.split(".")
    holder = body
    for key in path:
        holder = holder[int(key)] if isinstance(holder, list) else holder[key]
    holder[int(last) if isinstance(holder, list) else last] = value
    response = post_webhook(app, json.dumps(body).encode())
    assert response.status_code == 400, response.get_data(as_text=True)
    with app.app_context():
        assert Order.select().count() == 0 and Person.select().count() == 0 and PaymentEvent.select().count() == 0


@pytest.mark.parametrize("changes", [{"amount": 100}, {"product_id": 999}, {"email": "ei-osoite"}])
def test_a_provider_order_that_does_not_add_up_is_refused_and_nothing_stays(app, webinar, changes):
    body = provider_order(**{"product_id": webinar.id, **changes})
    assert post_webhook(app, body).status_code == 400
    with app.app_context():
        assert Order.select().count() == 0 and Person.select().count() == 0 and PaymentEvent.select().count() == 0
