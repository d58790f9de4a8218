"""Staff pages for the contract side: products, orders recorded for a person, kept vouchers,
and appointments and visits (register B)."""
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectChoice, StringField, \
    TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from .. import clock
from ..accounts.access import me
from ..accounts.forms import plain_text, required, within_calendar
from ..people.models import Person
from ..htmx import redirect_to, render_page
from ..staff.access import staff_required
from ..translate import gettext as _, lazy_gettext as _l
from ..db import get_or_404, parse_id
from . import service
from .forms import BuyForm
from .models import Product
from .money import totals_by_rate

bp = Blueprint("shop_admin", __name__)


def euros(form, field):
    """Read a price written as euros (12,50 or 12.50) into whole cents."""
    try:
        value = Decimal((field.data or "").replace(",", ".").replace("€", "").strip())
    except InvalidOperation:
        raise ValidationError(_l("Write the price in euros, such as 49,00.")) from None
    if value < 0 or value > 10_000_000:
        raise ValidationError(_l("Write the price in euros, such as 49,00."))
    field.cents = int((value * 100).to_integral_value())


class ProductForm(FlaskForm):
    kind = RadioField(_l("Kind"), choices=[SelectChoice("webinar", _l("Webinar")), SelectChoice("product", _l("Other product"))],
                      validators=[required(_l("Choose the kind."))])
    name = StringField(_l("Name"), [required(_l("Give the product a name.")), Length(max=200), plain_text])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    price = StringField(_l("Price in euros, VAT included"), [required(_l("Give the price.")), euros])
    vat = StringField(_l("VAT rate in percent"), [required(_l("Give the VAT rate."))], default="25,5")
    starts_at = DateTimeLocalField(_l("Webinar starts (Finnish time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional(), within_calendar])
    duration_minutes = IntegerField(_l("Length in minutes"), [Optional(), NumberRange(min=1, max=24 * 60)])
    access_link = StringField(_l("Access link on the course platform (https://…)"), [Optional(), Length(max=500)])
    active = BooleanField(_l("On sale"), default=True)

    def validate_vat(self, field):
        try:
            value = Decimal((field.data or "").replace(",", ".").replace("%", "").strip())
        except InvalidOperation:
            raise ValidationError(_l("Write the VAT rate as a number, such as 25,5.")) from None
        if not 0 <= value <= 100:
            raise ValidationError(_l("Write the VAT rate as a number, such as 25,5."))
        field.basis_points = int((value * 100).to_integral_value())

    def validate_access_link(self, field):
        if field.data and not field.data.startswith("https://"):
            raise ValidationError(_l("The access link must start with https://."))

    def values(self):
        return {"kind": self.kind.data, "name": self.name.data, "description": self.description.data or "",
                "price_cents": self.price.cents, "vat_rate_bp": self.vat.basis_points,
                "starts_at": clock.utc(self.starts_at.data), "duration_minutes": self.duration_minutes.data,
                "access_link": self.access_link.data or None, "active": self.active.data}


@bp.route("/admin/products", methods=["GET", "POST"])
@staff_required("admin")
def products():
    """List the products; add one."""
    form = ProductForm()
    if form.validate_on_submit():
        service.save_product(**form.values())
        flash(_("The product is saved."), "success")
        return redirect_to("shop_admin.products")
    return render_page("orders/admin_products.html", None, 422 if form.errors else 200, form=form,
                       products=list(Product.select().order_by(Product.active.desc(), Product.starts_at.desc(),
                                                               Product.name)))


@bp.route("/admin/products/<int:product_id>", methods=["GET", "POST"])
@staff_required("admin")
def product(product_id):
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
            return redirect_to("shop_admin.products")
    return render_page("orders/admin_product.html", None, 422 if form.errors else 200, form=form, product=item)


@bp.post("/admin/people/<int:person_id>/orders")
@staff_required("admin")
def record(person_id):
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
        return redirect_to("shop_admin.vouchers")
    found = service.voucher_for_staff(invoice_id, me(), reason)
    if found is None:
        abort(404)
    lines = list(found.order.lines)
    return render_template("orders/invoice.html", invoice=found, order=found.order, lines=lines,
                           billing=found.order.billing.first(), rates=totals_by_rate(lines))
