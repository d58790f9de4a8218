"""Forms of the staff pages."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from ..accounts.forms import EMAIL_REQUIRED, new_password, required, username_rule, valid_email
from ..register import get_register
from ..translate import gettext as _
from ..translate import lazy_gettext as _l

ROLE_CHOICES = [SelectChoice("moderator", _l("Moderator: moderates members and handles requests")),
                SelectChoice("admin", _l("Admin: everything, including exports, erasure, breaches and staff"))]


class CodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"),
                       [required(_l("Enter the six-digit code.")), Length(max=40)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), [required(EMAIL_REQUIRED), valid_email])
    role = RadioField(_l("Role"), choices=ROLE_CHOICES, validators=[required(_l("Choose a role."))])


class RoleForm(FlaskForm):
    role = RadioField(_l("Role"), choices=[SelectChoice("member", _l("Member (no staff access)")), *ROLE_CHOICES],
                      validators=[required(_l("Choose a role."))])


class AcceptForm(FlaskForm):
    """Username and password for an invited person who has no account yet."""

    username = StringField(_l("Username"), [required(_l("Choose a username.")), username_rule])
    password = PasswordField(_l("Password"), [required(_l("Choose a password.")), new_password])

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def personal_inputs(self):
        return [self.username.data or "", self._email.split("@")[0]]


def choices(*pairs):
    """Return select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class SearchForm(FlaskForm):
    q = StringField(_l("Email, name or username"), [Optional(), Length(max=254)])
    status = SelectField(_l("Relationship"), choices=choices(("", _l("any")), ("prospect", _l("prospect")),
                                                             ("subscriber", _l("subscriber")), ("member", _l("member")),
                                                             ("customer", _l("customer"))), validate_choice=False)
    state = SelectField(_l("State"), choices=choices(("", _l("any")), ("restricted", _l("processing restricted")),
                                                     ("objected", _l("has objected")),
                                                     ("pending_approval", _l("waiting for approval")),
                                                     ("suspended", _l("suspended")),
                                                     ("unconfirmed", _l("email not confirmed"))),
                        validate_choice=False)
    purpose = SelectField(_l("Reachable for"), default="")  # choices: the register (search_form)
    sort = SelectField(_l("Order"), choices=choices(("newest", _l("newest first")), ("email", _l("email")),
                                                    ("name", _l("name"))), validate_choice=False)
    cursor = HiddenField()


def search_form():
    """Return the people search form, its purposes those of the running definition."""
    form = SearchForm()
    form.purpose.choices = choices(("", _("any purpose")), *[(p.key, p.text("title")) for p in
                                                             get_register().purposes.values() if p.basis != "contract"])
    return form

