"""The form staff record a child with, and the guardian who gave the data and consented."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectMultipleField, StringField, TelField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import EMAIL_REQUIRED, NAME_LENGTH, phone_rule, plain_text, required, valid_email
from ..consents.labels import purpose_title
from ..register import get_register
from ..translate import lazy_gettext as _l


class ChildForm(FlaskForm):
    name = StringField(_l("The child's name"), [required(_l("Enter the child's name.")), NAME_LENGTH, plain_text])
    email = EmailField(_l("The child's own email address (optional)"), [Optional(), valid_email])
    language = RadioField(_l("Language"), choices=[SelectChoice("fi", "Suomi"), SelectChoice("en", "English")],
                          default="fi", validators=[required(_l("Choose the language."))])
    guardian_name = StringField(_l("The guardian's name"), [required(_l("Enter the guardian's name.")),
                                                            NAME_LENGTH, plain_text])
    guardian_email = EmailField(_l("The guardian's email address"), [required(EMAIL_REQUIRED), valid_email])
    guardian_phone = TelField(_l("The guardian's phone (optional)"), [Optional(), phone_rule])
    purposes = SelectMultipleField(_l("What the guardian consented to"), validators=[Optional()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    confirmed = BooleanField(_l("The guardian gave these details and these consents for the child."),
                             validators=[required(_l("Confirm that the guardian gave the details."))])


def child_form():
    """Return the form with the consent purposes of the running definition."""
    form = ChildForm()
    form.purposes.choices = [SelectChoice(p.key, purpose_title(p.key))
                             for p in get_register().purposes_with_basis("consent")]
    return form
