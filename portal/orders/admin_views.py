"""Staff pages for the contract side: products, orders recorded for a person, kept vouchers."""
from flask import abort, flash, render_template, request, url_for

from .. import clock
from ..accounts.access import me
from ..db import get_or_404, parse_id
from ..htmx import redirect_to, render_form
from ..people.models import Person
from ..staff.access import staff_required
from ..translate import gettext as _
from . import service
from .forms import BuyForm, ProductForm
from .models import Product
from .money import totals_by_rate
from .views import bp


@bp.route("/admin/products", methods=["GET", "POST"])
@staff_required("admin")
def admin_products():
    """List the products; add one."""
    form = ProductForm()
    if form.validate_on_submit():
        service.save_product(**form.values())
        flash(_("The product is saved."), "success")
        return redirect_to("orders.admin_products")
    return render_form("orders/admin_products.html", form,
                       products=list(Product.select().order_by(Product.active.desc(), Product.starts_at.desc(),
                                                               Product.name)))


@bp.route("/admin/products/<int:product_id>", methods=["GET", "POST"])
@staff_required("admin")
def admin_product(product_id):
    """Change a product (prices already invoiced stay on their invoices)."""
    item = Product.get_or_none(Product.id == product_id)
    if item is None:
        abort(404)
    if request.method == "GET":
        form = ProductForm(data={"kind": item.kind, "name": item.name, "description": item.description,
                                 "price": f"{item.price_cents / 100:.2f}".replace(".", ","),
                                 "vat": f"{item.vat_rate_bp / 100:g}".replace(".", ","),
                                 "starts_at": clock.local(item.starts_at), "duration_minutes": item.duration_minutes,
                                 "access_link": item.access_link or "", "active": item.active})
    else:
        form = ProductForm()
        if form.validate_on_submit():
            service.save_product(item, **form.values())
            flash(_("The product is saved."), "success")
            return redirect_to("orders.admin_products")
    return render_form("orders/admin_product.html", form, product=item)


@bp.post("/admin/people/<int:person_id>/orders")
@staff_required("admin")
def record_order(person_id):
    """Record an order for a person (a phone or an invoice order), paid or waiting for payment."""
    person, form = get_or_404(Person, person_id), BuyForm()
    item = Product.get_or_none(Product.id == request.form.get("product", type=parse_id))
    quantity = request.form.get("quantity", type=int) or 1
    if item is None or not 1 <= quantity <= 100 or not form.validate_on_submit():
        flash(_("The order was not recorded: choose a product and fill in the billing details."), "error")
        return redirect_to(url_for("admin.person", person_id=person.id) + "#orders")
    try:
        service.record_order(person, [(item, quantity)], form.billing(), me(), paid=bool(request.form.get("paid")),
                             refused_marketing=bool(request.form.get("refused")))
    except service.NotForSale:
        flash(_("That product is not on sale."), "error")
    else:
        flash(_("The order is recorded."), "success")
    return redirect_to(url_for("admin.person", person_id=person.id) + "#orders")


@bp.get("/admin/vouchers")
@staff_required("admin")
def vouchers():
    """List the vouchers kept after their buyers were erased, with when each is deleted."""
    return render_template("orders/admin_vouchers.html", invoices=service.detached_vouchers())


@bp.post("/admin/vouchers/<int:invoice_id>")
@staff_required("admin")
def voucher(invoice_id):
    """Open a kept voucher: only with a stated reason, which is audited."""
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        flash(_("Write why you open the voucher: it is recorded."), "error")
        return redirect_to("orders.vouchers")
    found = service.voucher_for_staff(invoice_id, me(), reason)
    if found is None:
        abort(404)
    lines = list(found.order.lines)
    return render_template("orders/invoice.html", invoice=found, order=found.order, lines=lines,
                           billing=found.order.billing.first(), rates=totals_by_rate(lines))
