"""The sign-up form: one unticked box per consent purpose of the definition, none required."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Optional

from ..accounts.forms import (
    EMAIL_REQUIRED,
    NAME_LENGTH,
    NAME_REQUIRED,
    new_password,
    phone_rule,
    plain_text,
    required,
    username_rule,
    valid_email,
)
from ..register import get_register
from ..translate import lazy_gettext as _l


class SignupForm(FlaskForm):
    name = StringField(_l("Name"), [required(NAME_REQUIRED), NAME_LENGTH, plain_text])
    email = EmailField(_l("Email address"), [required(EMAIL_REQUIRED), valid_email])
    username = StringField(_l("Username"), [required(_l("Choose a username.")), username_rule])
    password = PasswordField(_l("Password"), [required(_l("Choose a password.")), new_password])
    phone = TelField(_l("Phone (optional)"), [Optional(), phone_rule])
    adult = BooleanField(_l("I am at least 13 years old."),
                         [DataRequired(message=_l("You must be at least 13 years old to join on your own. "
                                                  "A younger person needs a guardian to contact us."))])
    website = StringField(_l("Leave this empty"))  # honeypot: people never see it

    def personal_inputs(self):
        return [self.username.data or "", (self.email.data or "").split("@")[0], *(self.name.data or "").split()]

    def consent_fields(self):
        """Return the consent boxes, in definition order."""
        return [f for name, f in self._fields.items() if name.startswith("consent_")]

    def chosen_consents(self):
        """Return the purposes whose box was ticked."""
        return [f.name[len("consent_"):] for f in self.consent_fields() if f.data]


def signup_form(language, **kwargs):
    """Build the sign-up form with one unticked box per consent purpose (none required)."""
    class Form(SignupForm):
        pass

    for purpose in get_register().consent_purposes():
        setattr(Form, f"consent_{purpose.key}", BooleanField(purpose.consent_text[language], default=False))
    return Form(**kwargs)
