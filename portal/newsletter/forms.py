"""The sign-up form of a register form definition: email, first name, unticked boxes.

A cross-site form cannot carry our CSRF token, so these forms have none; the
endpoint is protected by double opt-in, a honeypot, rate limits and the
allow-list of origins instead (see views.py).
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import Length, Optional

from ..accounts.forms import EMAIL_REQUIRED, plain_text, required, valid_email
from ..register import get_register
from ..translate import lazy_gettext as _l


class SubscribeForm(FlaskForm):
    class Meta:
        csrf = False

    email = EmailField(_l("Email address"), [required(EMAIL_REQUIRED), valid_email])
    name = StringField(_l("First name (optional)"),
                       [Optional(), Length(max=100, message=_l("Use at most 100 characters.")), plain_text])
    embed = HiddenField()
    lang = HiddenField()
    website = StringField(_l("Leave this empty"))  # honeypot: people never see it

    def chosen(self):
        """Return the optional purposes whose box was ticked."""
        return [name[len("purpose_"):] for name, f in self._fields.items()
                if name.startswith("purpose_") and f.data]


def subscribe_form(definition, language, **kwargs):
    """Build the form for a register form, one unticked box per optional purpose."""

    class Form(SubscribeForm):
        pass

    for key in definition.optional_purposes:
        purpose = get_register().purposes[key]
        setattr(Form, f"purpose_{key}", BooleanField(purpose.consent_text[language], default=False))
    return Form(**kwargs)


class PreferencesRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), [required(EMAIL_REQUIRED), valid_email])
