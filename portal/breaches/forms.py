"""The form an admin records a breach with (Art. 33(5): what happened, its effects, what was done)."""
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from .. import clock
from ..accounts.forms import plain_text, required, within_calendar
from ..translate import lazy_gettext as _l

LONG = Length(max=5000, message=_l("Use at most 5000 characters."))


class BreachForm(FlaskForm):
    title = StringField(_l("What happened, in a few words"), [required(_l("Give the incident a title.")),
                                                              Length(max=200), plain_text])
    description = TextAreaField(_l("What happened"), [required(_l("Describe what happened.")), LONG])
    discovered_at = DateTimeLocalField(_l("When we became aware of it (Finnish time)"), format="%Y-%m-%dT%H:%M",
                                       validators=[required(_l("Give the time we became aware of it.")),
                                                   within_calendar])
    occurred_at = DateTimeLocalField(_l("When it happened, if known"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional(), within_calendar])
    categories = StringField(_l("Categories of people and of data concerned"),
                             [required(_l("Say whose and what data is concerned.")), Length(max=500), plain_text])
    people_affected = IntegerField(_l("About how many people"), [Optional(), NumberRange(min=0, max=10 ** 9)])
    records_affected = IntegerField(_l("About how many records"),  # an INTEGER column
                                    [Optional(), NumberRange(min=0, max=2**31 - 1)])
    consequences = TextAreaField(_l("Likely consequences"), [Optional(), LONG])
    measures = TextAreaField(_l("Measures taken or proposed"), [Optional(), LONG])
    risk = RadioField(_l("Risk to people's rights and freedoms"), choices=[
        SelectChoice("none", _l("unlikely to result in a risk (record only)")),
        SelectChoice("risk", _l("a risk: tell the Data Protection Ombudsman within 72 hours")),
        SelectChoice("high", _l("a high risk: also tell the people concerned without delay"))],
        validators=[required(_l("Choose the risk level."))])
    ombudsman_notified_at = DateTimeLocalField(_l("When the Data Protection Ombudsman was told (Finnish time)"),
                                               format="%Y-%m-%dT%H:%M", validators=[Optional(), within_calendar])
    not_notified_reason = TextAreaField(_l("Why the Ombudsman is not told, if not"), [Optional(), LONG])

    def values(self):
        return {"title": self.title.data, "description": self.description.data,
                "discovered_at": clock.utc(self.discovered_at.data), "occurred_at": clock.utc(self.occurred_at.data),
                "categories": self.categories.data, "people_affected": self.people_affected.data or 0,
                "records_affected": self.records_affected.data or 0, "consequences": self.consequences.data or "",
                "measures": self.measures.data or "", "risk": self.risk.data,
                "ombudsman_notified_at": clock.utc(self.ombudsman_notified_at.data),
                "not_notified_reason": self.not_notified_reason.data or ""}


def local_values(breach):
    """Return the incident's fields with times in Finnish time, as the form shows them."""
    values = {name: getattr(breach, name) for name in BreachForm().data if hasattr(breach, name)}
    for name in ("discovered_at", "occurred_at", "ombudsman_notified_at"):
        values[name] = clock.local(getattr(breach, name))
    return values
