"""Forms of the account pages, each validated on the server with clear messages.

Only the fields declared here are read from a post, so `role`,
`email_verified_at` and the like can never be set by a form (AC-04).
"""
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, StringField, TelField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import clock
from ..people.models import normalise_email
from ..translate import lazy_gettext as _l
from .passwords import password_problem

TEXT_LIMIT = Length(max=2000, message=_l("Use at most 2000 characters."))
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,32}$")


def email_problem(value):
    """Return why a normalised address is not acceptable, or None if it is."""
    if len(value) > 254:
        return _l("An email address can be at most 254 characters long.")
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return _l("Enter an email address in the form name@example.fi.")
    return None


def checked_email(value):
    """Return the address as the forms store it, or None when the forms refuse it (rate limit keys)."""
    value = normalise_email(value)
    return value if value and email_problem(value) is None else None


def valid_email(form, field):
    """Check that the field holds a plausible email address."""
    value = normalise_email(field.data)
    problem = email_problem(value)
    if problem is not None:
        raise ValidationError(problem)
    field.data = value


def plain_text(form, field):
    """Refuse control characters (line breaks, tabs) in one-line text."""
    if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
        raise ValidationError(_l("Use plain text without line breaks."))
    if field.data:
        field.data = " ".join(unicodedata.normalize("NFC", field.data).split())


def username_rule(form, field):
    """Check a username: 3-30 of a-z, 0-9 and . _ -, starting with a letter or digit."""
    field.data = (field.data or "").strip().lower()
    if not USERNAME.match(field.data):
        raise ValidationError(_l("Use 3–30 characters: letters a–z, digits and . _ - "
                                 "(start with a letter or a digit)."))


def phone_rule(form, field):
    """Check a phone number: digits with optional +, spaces, dashes and brackets."""
    field.data = " ".join((field.data or "").split())
    if field.data and not PHONE.match(field.data):
        raise ValidationError(_l("Enter a phone number such as 040 123 4567 or +358 40 123 4567."))


def new_password(form, field):
    """Check a new password against the rules, knowing the person's own details."""
    problem = password_problem(field.data or "", form.personal_inputs())
    if problem:
        raise ValidationError(problem)


def within_calendar(form, field):
    """Refuse a date or time outside the years the portal handles (clock.YEARS)."""
    if field.data is not None and not clock.in_calendar(field.data):
        raise ValidationError(_l("Check the year: it must be from 1900 to 2999."))


def required(message):
    """Return a required-field validator with our own message."""
    return InputRequired(message=message)


NAME_REQUIRED = _l("Enter your name.")
NAME_LENGTH = Length(max=100, message=_l("Use at most 100 characters."))
EMAIL_REQUIRED = _l("Enter your email address.")
PASSWORD_REQUIRED = _l("Enter your password.")


class LoginForm(FlaskForm):
    login = StringField(_l("Email or username"), [required(_l("Enter your email address or username.")),
                                                   Length(max=254, message=_l("That is too long to be an email "
                                                                              "address or username."))])
    password = PasswordField(_l("Password"), [required(PASSWORD_REQUIRED), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class EmailForm(FlaskForm):
    email = EmailField(_l("Email address"), [required(EMAIL_REQUIRED), valid_email])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), [required(_l("Choose a new password.")), new_password])

    def __init__(self, *args, person=None, username="", **kwargs):
        super().__init__(*args, **kwargs)
        self._personal = [username, *(person.email.split("@")[:1] if person else []),
                          *((person.name.split()) if person else [])]

    def personal_inputs(self):
        return self._personal


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), [required(_l("Enter your current password."))])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), [required(NAME_REQUIRED), NAME_LENGTH, plain_text])
    phone = TelField(_l("Phone (optional)"), [Optional(), phone_rule])
    language = RadioField(_l("Language of the pages and email"),
                          choices=[SelectChoice("fi", "Suomi"), SelectChoice("en", "English")],
                          validators=[required(_l("Choose a language."))])


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Password"), [required(PASSWORD_REQUIRED), Length(max=1024)])

