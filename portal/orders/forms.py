"""The buying form: billing details and the unticked box that refuses marketing of similar products."""
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..accounts.forms import NAME_REQUIRED, plain_text, required
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
