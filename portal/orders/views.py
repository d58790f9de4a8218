"""The shop, the member's purchases and invoices, and the payment provider's webhook.

/shop lists what is on sale; buying needs a member and ends in a pending
order whose page waits (polling with htmx) until the provider's webhook says
it is paid. `payment_webhook` is exempt from CSRF: the provider is not a
browser, and the call is authenticated by its HMAC signature instead.
"""
import logging

from flask import Blueprint, abort, jsonify, render_template, request

from ..accounts.access import me, member_required
from ..consents.service import soft_opt_in_offered
from ..htmx import redirect_to, render_form, render_page
from ..language import select_locale
from ..web import csrf, public
from . import service, webhook
from .forms import buy_form
from .models import Product
from .money import totals_by_rate

log = logging.getLogger("portal.orders")
bp = Blueprint("orders", __name__)


@bp.get("/shop")
@public
def shop():
    """List the webinars and other products on sale."""
    return render_template("orders/shop.html", products=list(Product.for_sale()))


@bp.route("/shop/<int:product_id>/buy", methods=["GET", "POST"])
@member_required
def buy(product_id):
    """Order one product: billing details, the refusal box, then payment at the provider."""
    product = Product.get_or_none(Product.id == product_id, Product.active == True)  # noqa: E712
    if product is None:
        abort(404)
    person = me().person
    offered = soft_opt_in_offered(person)
    language = select_locale()
    form = buy_form(offered, language, data={"name": person.name, "country": "FI"})
    if form.validate_on_submit():
        refused = bool(offered) and form.refuse_marketing.data
        order = service.place_order(person, [(product, 1)], form.billing(), refused, language)
        return redirect_to("orders.purchase", reference=order.reference)
    return render_form("orders/buy.html", form, "orders/_buy_form.html", product=product)


@bp.get("/account/purchases")
@member_required
def purchases():
    """Show the member's orders, invoices and the webinars they can join."""
    person = me().person
    return render_template("orders/purchases.html", orders=service.orders_of(person),
                           webinars=service.webinars_of(person))


@bp.get("/account/purchases/<reference>")
@member_required
def purchase(reference):
    """Show one order; while it waits for payment, htmx polls its status in place."""
    order = service.order_of(me().person, reference)
    if order is None:
        abort(404)
    return render_page("orders/purchase.html", "orders/_order_status.html", order=order,
                       lines=list(order.lines), invoice=order.invoices.first())


@bp.get("/account/invoices/<int:invoice_id>")
@member_required
def invoice(invoice_id):
    """Show one of the member's invoices, ready to print."""
    found = service.invoice_of(me().person, invoice_id)
    if found is None:
        abort(404)
    lines = list(found.order.lines)
    return render_template("orders/invoice.html", invoice=found, order=found.order, lines=lines,
                           billing=found.order.billing.first(), rates=totals_by_rate(lines))


@bp.post("/webhooks/payments")
@public
@csrf.exempt
def payment_webhook():
    """Apply a signed event from the payment provider, once; refuse and log anything else."""
    secret = service.webhook_secret()
    if not secret:
        log.error("payment webhook called but PORTAL_PAYMENT_WEBHOOK_SECRET is not set")
        return jsonify(error="not configured"), 503
    try:
        outcome = webhook.receive(request.get_data(cache=False), request.headers.get(webhook.SIGNATURE_HEADER),
                                  secret)
    except webhook.Refused as refused:
        log.warning("payment webhook refused with %s: %s", refused.status, refused.reason)
        return jsonify(error=refused.reason), refused.status
    return jsonify(outcome=outcome), 200

