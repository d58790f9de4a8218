"""Forms of the moderation pages."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..accounts.forms import TEXT_LIMIT, required
from ..translate import lazy_gettext as _l


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the person)"), [required(_l("Write the reason.")), TEXT_LIMIT])
