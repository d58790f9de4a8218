"""The breach register for admins: incidents, the 72-hour clock, notices to the chosen people."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from .. import audit, clock
from ..accounts.access import me
from ..accounts.forms import plain_text, required, within_calendar
from ..db import get_or_404, parse_id
from ..htmx import redirect_to, render_form, render_page
from ..staff import people
from ..staff.access import staff_required
from ..staff.forms import search_form
from ..translate import gettext as _
from ..translate import lazy_gettext as _l
from . import service
from .models import Breach

bp = Blueprint("breaches", __name__)
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


@bp.get("/admin/breaches")
@staff_required("admin")
def index():
    """List every incident, newest first, with the Ombudsman's 72-hour clock where it runs."""
    breaches = list(Breach.select().order_by(Breach.id.desc()))
    return render_template("breaches/index.html", breaches=breaches, now=clock.now(),
                           deadline=service.ombudsman_deadline, notified=service.notified)


@bp.route("/admin/breaches/new", methods=["GET", "POST"])
@staff_required("admin")
def new():
    """Record an incident."""
    form = BreachForm()
    if form.validate_on_submit():
        breach = service.record(form.values(), me())
        return redirect_to(url_for("breaches.detail", breach_id=breach.id))
    return render_form("breaches/form.html", form, breach=None)


@bp.route("/admin/breaches/<int:breach_id>", methods=["GET", "POST"])
@staff_required("admin")
def detail(breach_id):
    """Show and update an incident; choose the people to notify with the people filters."""
    breach = get_or_404(Breach, breach_id)
    form = BreachForm(data=local_values(breach)) if request.method == "GET" else BreachForm()
    if request.method == "POST" and form.validate_on_submit():
        service.update(breach, form.values(), me())
        flash(_("The incident is updated."), "success")
        return redirect_to(url_for("breaches.detail", breach_id=breach.id))
    search = search_form()
    return render_form("breaches/detail.html", form, breach=breach,
                       search=search, rows=None, now=clock.now(), deadline=service.ombudsman_deadline(breach),
                       notified=service.notified(breach))


@bp.post("/admin/breaches/<int:breach_id>/people")
@staff_required("admin")
def choose(breach_id):
    """Find the affected people with the same filters as the people list (htmx in place)."""
    breach, search = get_or_404(Breach, breach_id), search_form()
    if not search.validate():
        abort(400)
    rows, cursor = people.search(search.q.data, search.status.data, search.state.data, search.purpose.data or None,
                                 search.sort.data or "newest", search.cursor.data or None)
    audit.record("people_listed", None, detail=f"breach {breach.id}: {len(rows)} shown")
    return render_page("breaches/choose.html", "breaches/_choose.html", breach=breach, search=search, rows=rows,
                       next_cursor=cursor)


@bp.post("/admin/breaches/<int:breach_id>/notify")
@staff_required("admin")
def notify(breach_id):
    """Confirm, then send the notice to exactly the chosen people."""
    breach = get_or_404(Breach, breach_id)
    ids = [parse_id(i) for i in request.form.getlist("person")]
    chosen = service.people_by_ids([i for i in ids if i is not None][:10000])
    if not chosen:
        flash(_("Choose at least one person."), "error")
        return redirect_to(url_for("breaches.detail", breach_id=breach.id))
    if request.form.get("confirmed") != "yes":
        return render_template("breaches/confirm.html", breach=breach, chosen=chosen)
    sent = service.notify(breach, chosen, me())
    flash(_("%(count)s notices queued; each is recorded.", count=sent), "success")
    return redirect_to(url_for("breaches.detail", breach_id=breach.id))
