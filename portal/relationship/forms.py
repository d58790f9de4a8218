"""The form staff record a message or an action with."""
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..accounts.forms import TEXT_LIMIT, plain_text, required, within_calendar
from ..translate import lazy_gettext as _l


class LogForm(FlaskForm):
    kind = RadioField(_l("What"), choices=[SelectChoice("message", _l("Message")),
                                           SelectChoice("action", _l("Action"))],
                      validators=[required(_l("Choose what to record."))])
    occurred_at = DateTimeLocalField(_l("When (Finnish time)"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional(), within_calendar])
    detail = StringField(_l("Subject"), [required(_l("Write a short subject.")), Length(max=200), plain_text])
    note = TextAreaField(_l("Notes"), [Optional(), TEXT_LIMIT])
