"""The breach register for admins: incidents, the 72-hour clock, notices to the chosen people."""
from flask import Blueprint, abort, flash, render_template, request, url_for

from .. import audit, clock
from ..accounts.access import me
from ..db import get_or_404, parse_id
from ..htmx import redirect_to, render_form, render_page
from ..staff import people
from ..staff.access import staff_required
from ..staff.forms import search_form
from ..translate import gettext as _
from . import service
from .forms import BreachForm, local_values
from .models import Breach

bp = Blueprint("breaches", __name__)


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
