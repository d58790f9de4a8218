"""Forms of the admin pages."""
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectChoice, SelectField, StringField, \
    TextAreaField
from wtforms.validators import Length, Optional

from ..accounts.forms import plain_text, required, within_calendar
from ..translate import lazy_gettext as _l

TEXT_LIMIT = Length(max=2000, message=_l("Use at most 2000 characters."))


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
    purpose = SelectField(_l("Reachable for"), default="")  # choices: the register (admin.views.search_form)
    sort = SelectField(_l("Order"), choices=choices(("newest", _l("newest first")), ("email", _l("email")),
                                                    ("name", _l("name"))), validate_choice=False)
    cursor = HiddenField()


class LogForm(FlaskForm):
    kind = RadioField(_l("What"), choices=[SelectChoice("message", _l("Message")), SelectChoice("action", _l("Action"))],
                      validators=[required(_l("Choose what to record."))])
    occurred_at = DateTimeLocalField(_l("When (Finnish time)"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional(), within_calendar])
    detail = StringField(_l("Subject"), [required(_l("Write a short subject.")), Length(max=200), plain_text])
    note = TextAreaField(_l("Notes"), [Optional(), TEXT_LIMIT])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the person)"), [required(_l("Write the reason.")), TEXT_LIMIT])
