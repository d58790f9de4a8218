"""Forms of the staff pages."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import Length

from ..accounts.forms import EMAIL_REQUIRED, new_password, required, username_rule, valid_email
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
