"""The form staff record an entry of the relationship log with."""
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..accounts.forms import TEXT_LIMIT, plain_text, required, within_calendar
from ..consents.labels import purpose_title
from ..translate import lazy_gettext as _l
from .service import consent_purposes, staff_kinds

KIND_WORDS = {"message": _l("Message"), "action": _l("Action"), "quality": _l("Quality-control note"),
              "customer_email": _l("Email the customer sent"),
              "consented": _l("Other data collected with permission")}


class LogForm(FlaskForm):
    kind = RadioField(_l("What"), validators=[required(_l("Choose what to record."))])
    occurred_at = DateTimeLocalField(_l("When (Finnish time)"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional(), within_calendar])
    detail = StringField(_l("Subject"), [required(_l("Write a short subject.")), Length(max=200), plain_text])
    note = TextAreaField(_l("Notes"), [Optional(), TEXT_LIMIT])
    purpose = SelectField(_l("The consent it was collected with"), validators=[Optional()],
                          description=_l("Only for other data collected with permission: it is deleted "
                                         "when the person withdraws this consent."))


def log_form():
    """Return the log form with the kinds and consents this register definition names."""
    form, kinds = LogForm(), staff_kinds()
    form.kind.choices = [SelectChoice(kind, KIND_WORDS[kind]) for kind in kinds]
    form.offers_consented = "consented" in kinds
    form.purpose.choices = [SelectChoice("", "–")] + [SelectChoice(key, purpose_title(key))
                                                      for key in consent_purposes()]
    return form
