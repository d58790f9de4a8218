"""The buying form (billing details, the unticked box that refuses marketing of similar products)
and the admins' product form."""
import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from .. import clock
from ..accounts.forms import NAME_REQUIRED, plain_text, required, within_calendar
from ..translate import lazy_gettext as _l

BUSINESS_ID = re.compile(r"^(?:\d{7}-\d|[A-Z]{2}[0-9A-Z]{2,12})$")  # Y-tunnus or a VAT number
COUNTRY = re.compile(r"^[A-Z]{2}$")


def _limit(n):
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


def business_id_rule(form, field):
    """Check a Finnish business ID (1234567-8) or an EU VAT number (FI12345678)."""
    field.data = (field.data or "").strip().upper().replace(" ", "")
    if field.data and not BUSINESS_ID.match(field.data):
        raise ValidationError(_l("Enter a business ID such as 1234567-8, or a VAT number such as FI12345678."))


def country_rule(form, field):
    """Check a two-letter country code."""
    field.data = (field.data or "").strip().upper()
    if not COUNTRY.match(field.data):
        raise ValidationError(_l("Enter the country as a two-letter code, such as FI."))


class BuyForm(FlaskForm):
    name = StringField(_l("Name on the invoice"), [required(NAME_REQUIRED), _limit(100), plain_text])
    street = StringField(_l("Street address"), [required(_l("Enter the street address.")), _limit(200), plain_text])
    postal_code = StringField(_l("Postal code"), [required(_l("Enter the postal code.")), _limit(16), plain_text])
    city = StringField(_l("City"), [required(_l("Enter the city.")), _limit(100), plain_text])
    country = StringField(_l("Country code"), [country_rule], default="FI")
    business_id = StringField(_l("Business ID (business buyers only)"), [Optional(), business_id_rule])

    def billing(self):
        """Return the billing details as the order service takes them."""
        return {name: self[name].data for name in ("name", "street", "postal_code", "city", "country",
                                                   "business_id")}


def buy_form(offered, language, **kwargs):
    """Build the form; with soft opt-in purposes `offered`, add their unticked refusal box."""
    class Form(BuyForm):
        pass

    if offered:
        label = " ".join(p.soft_opt_in_text[language] for p in offered)
        Form.refuse_marketing = BooleanField(label, default=False)
    return Form(**kwargs)


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
    kind = RadioField(_l("Kind"), choices=[SelectChoice("webinar", _l("Webinar")),
                                           SelectChoice("product", _l("Other product"))],
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
