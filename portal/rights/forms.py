"""Forms of the rights pages, validated on the server with clear messages."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FileField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import EMAIL_REQUIRED, PASSWORD_REQUIRED, required, valid_email, within_calendar
from ..translate import lazy_gettext as _l

TEXT_LIMIT = Length(max=2000, message=_l("Use at most 2000 characters."))

RESTRICTION_CHOICES = [
    SelectChoice("accuracy", _l("I contest the accuracy of my data (until it is checked)")),
    SelectChoice("objection", _l("I have objected, and the objection is being considered")),
    SelectChoice("unlawful", _l("The processing is unlawful, but I do not want the data erased")),
    SelectChoice("legal_claim", _l("I need the data for a legal claim, though you no longer do")),
]
REQUEST_CHOICES = [
    SelectChoice("access", _l("Access: a copy of my data and how it is processed")),
    SelectChoice("portability", _l("Portability: my data in a machine-readable form")),
    SelectChoice("rectification", _l("Rectification: correct my data")),
    SelectChoice("erasure", _l("Erasure: delete my data")),
    SelectChoice("restriction", _l("Restriction: only store my data for now")),
    SelectChoice("objection", _l("Objection: stop a processing based on legitimate interest or marketing")),
]


class RestrictForm(FlaskForm):
    reason = RadioField(_l("Why do you want processing restricted?"), choices=RESTRICTION_CHOICES,
                        validators=[required(_l("Choose the reason."))])
    details = TextAreaField(_l("Details (optional)"), [Optional(), TEXT_LIMIT])


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Your password"), [required(PASSWORD_REQUIRED), Length(max=1024)])
    understood = BooleanField(_l("I understand that this cannot be undone."),
                              [DataRequired(message=_l("Tick the box to confirm that you understand."))])


class RequestForm(FlaskForm):
    email = EmailField(_l("Your email address"), [required(EMAIL_REQUIRED), valid_email])
    kind = RadioField(_l("What do you ask for?"), choices=REQUEST_CHOICES,
                      validators=[required(_l("Choose what you ask for."))])
    details = TextAreaField(_l("Details (optional)"), [Optional(), TEXT_LIMIT])
    website = EmailField(_l("Leave this empty"))  # honeypot


class RecordForm(FlaskForm):
    email = EmailField(_l("The person's email address"), [required(EMAIL_REQUIRED), valid_email])
    kind = RadioField(_l("What do they ask for?"), choices=REQUEST_CHOICES,
                      validators=[required(_l("Choose what they ask for."))])
    channel = RadioField(_l("How did it come?"), choices=[SelectChoice("email", _l("by email")),
                                                          SelectChoice("letter", _l("by letter"))],
                         validators=[required(_l("Choose how it came."))])
    received = DateField(_l("Received on"), validators=[required(_l("Give the date it was received.")),
                                                        within_calendar])
    details = TextAreaField(_l("What they wrote"), [Optional(), Length(max=2000)])
    scan = FileField(_l("Scanned letter (PDF, JPEG or PNG, at most 5 MB)"))


class ExtendForm(FlaskForm):
    """Extend a request by one or two months; the reason is told to the person."""
    months = StringField()
    reason = TextAreaField(validators=[Optional(), Length(max=2000)])

    def month_count(self):
        return {"1": 1, "2": 2}.get(self.months.data, 0)


class RectifyForm(FlaskForm):
    name = StringField(validators=[Optional(), Length(max=200)])
    phone = StringField(validators=[Optional(), Length(max=64)])


class StaffRestrictForm(FlaskForm):
    reason = StringField(validators=[Optional(), Length(max=40)])


class AnnounceLiftForm(FlaskForm):
    when = StringField(validators=[Optional(), Length(max=200)])


class CloseForm(FlaskForm):
    reply = TextAreaField(validators=[Optional(), Length(max=10000)])
