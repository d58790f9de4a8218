"""In a real browser: a member buys a webinar; the payment provider's signed callback (posted
by the test, as the provider would) makes it paid while the order page waits; the invoice and
the webinar's link appear; a replayed callback changes nothing."""
import datetime as dt
import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect
from support import text_of
from test_consent_journeys import make_member, sign_in

from portal.db import database
from portal.orders import webhook
from portal.orders.models import Invoice, Order

SECRET = "the payment provider's shared secret for browser tests"
LINK = "https://kurssit.example.fi/myynti"


@pytest.fixture
def environ(environ):
    return {**environ, "PORTAL_PAYMENT_WEBHOOK_SECRET": SECRET}


def in_db(app, fn):
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return fn()
        finally:
            database.close()


def provider_calls(live, body):
    """POST a signed event to the webhook like the payment provider; return (status, answer)."""
    request = urllib.request.Request(f"{live.url}/webhooks/payments", data=body, method="POST", headers={
        "Content-Type": "application/json", webhook.SIGNATURE_HEADER: webhook.sign(body, SECRET)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_member_buys_a_webinar_and_sees_it_after_the_provider_calls_back(page, live, smtp):
    from portal.orders.service import save_product
    make_member(live)
    webinar = in_db(live.app, lambda: save_product(
        kind="webinar", name="Asiakaslähtöinen myynti", price_cents=4990, vat_rate_bp=2550,
        starts_at=dt.datetime(2026, 12, 1, 16), duration_minutes=120, access_link=LINK))
    sign_in(page, live)

    page.goto("/shop")
    page.locator(f"#product-{webinar.id} a.button").click()
    expect(page.locator("#name")).to_have_value("Maija")
    expect(page.locator("#refuse_marketing")).not_to_be_checked()
    page.locator("#buy-form button[type=submit]").click()  # nothing filled in: errors in place
    expect(page.locator("#street-error")).to_be_visible()
    page.locator("#street").fill("Hämeenkatu 1 A 2")
    page.locator("#postal_code").fill("33100")
    page.locator("#city").fill("Tampere")
    page.locator("#buy-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/purchases/[0-9a-f]{16}$"))
    reference = page.url.rsplit("/", 1)[1]
    expect(page.locator("#order-status[hx-trigger]")).to_be_visible()  # waiting, polling
    expect(page.locator(".access-link")).to_have_count(0)

    body = json.dumps({"id": "evt_browser", "type": "payment.succeeded", "order": reference,
                       "amount": 4990, "currency": "EUR"}).encode()
    assert provider_calls(live, body) == (200, {"outcome": "paid"})
    expect(page.locator("#order-status .access-link")).to_have_attribute("href", LINK, timeout=10000)
    expect(page.locator("#order-status")).not_to_have_attribute("hx-trigger", re.compile(".*"))

    page.locator("#invoice-link").click()
    year = in_db(live.app, lambda: Invoice.get().year)
    expect(page.locator("#invoice-number")).to_have_text(f"{year}-00001")
    expect(page.locator("#seller-business-id")).to_have_text("3166661-4")
    expect(page.locator("#buyer")).to_contain_text("Hämeenkatu 1 A 2")
    expect(page.locator("#invoice-total")).to_contain_text("49,90")

    page.goto("/account/purchases")
    expect(page.locator(f"#webinar-{webinar.id} a")).to_have_attribute("href", LINK)

    assert provider_calls(live, body) == (200, {"outcome": "duplicate"})  # the provider retries
    assert in_db(live.app, lambda: (Invoice.select().count(), Order.get().status)) == (1, "paid")
    receipt = smtp.wait_for_mail("maija@example.fi")
    assert LINK in text_of(receipt)
