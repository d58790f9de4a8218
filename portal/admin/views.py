"""Staff pages about people: the dashboard, search, a person's page, the audit log.

Opening a person's page writes an audit row (AC-06); search terms are posted,
never put in URLs that logs keep.
"""
import datetime as dt

from flask import Blueprint, abort, flash, render_template, request, url_for

from .. import audit, clock
from ..accounts.access import me
from ..accounts.models import LoginSession
from ..people.models import Person
from ..accounts.sessions import end_sessions
from ..audit.models import AuditEntry
from ..consents.service import history, states
from ..htmx import redirect_to, render_page
from ..register import get_register
from ..relationship.models import Interaction
from ..rights.models import DataRequest, Restriction
from ..staff.access import may_act_on, staff_required
from ..translate import gettext as _
from ..db import get_or_404, parse_id
from ..moderation.forms import ReasonForm
from ..relationship.forms import LogForm
from ..staff import people
from ..staff.forms import search_form

bp = Blueprint("admin", __name__)


@bp.get("/admin")
@staff_required()
def home():
    """Show what needs attention: approvals, requests by due date, restrictions."""
    from ..moderation.service import pending_approval
    soon = DataRequest.select().where(DataRequest.state == "open").order_by(DataRequest.due_at).limit(5)
    restricted = Person.select().where(Person.restricted_at.is_null(False)).limit(20)
    pending, restricted = pending_approval()[:20], list(restricted)
    audit.record("people_listed", None, detail=f"overview: {len(pending) + len(restricted)} people")
    return render_template("admin/home.html", pending=pending, requests=list(soon), restricted=restricted)


@bp.route("/admin/people", methods=["GET", "POST"])
@staff_required()
def people_list():
    """Search people by email or name prefix or exact username, filter, and page on (htmx live)."""
    form = search_form()
    if request.method == "POST" and not form.validate():
        abort(400)
    rows, cursor = people.search(form.q.data, form.status.data, form.state.data, form.purpose.data or None,
                                 form.sort.data or "newest", form.cursor.data or None)
    audit.record("people_listed", None, detail=f"people: {len(rows)} shown")  # never the search terms
    return render_page("admin/people.html", "admin/_results.html", form=form, rows=rows, next_cursor=cursor,
                       after=bool(form.cursor.data))


@bp.get("/admin/people/<int:person_id>")
@staff_required()
def person(person_id):
    """Show everything about a person to staff; the look is audited."""
    person = get_or_404(Person, person_id)
    audit.record("person_viewed", person)
    account = person.accounts.first()
    return render_template(
        "admin/person.html", person=person, account=account, states=states(person), history=history(person),
        sessions=list(LoginSession.select().where(LoginSession.account == account)) if account else [],
        requests=list(DataRequest.select().where(DataRequest.person == person).order_by(DataRequest.id.desc())),
        restriction=Restriction.select().where(Restriction.person == person, Restriction.lifted_at.is_null()).first(),
        log=list(Interaction.select().where(Interaction.person == person).order_by(Interaction.occurred_at.desc())),
        trail=list(AuditEntry.select().where(AuditEntry.person_id == person.id).order_by(AuditEntry.id.desc()).limit(100)),
        may_end_sessions=account is None or may_act_on(me(), account),
        log_form=LogForm(), reason_form=ReasonForm(), **contract_context(person))


def contract_context(person):
    """Return the person's orders and appointments, and what the forms to add them need."""
    from ..appointments.service import appointments_of
    from ..orders.forms import BuyForm
    from ..orders.models import Product
    from ..orders.service import orders_of
    keeps_appointments = any("appointments" in c.fields for c in get_register().categories.values())
    return dict(orders=list(orders_of(person)), products=list(Product.for_sale()), buy_form=BuyForm(),
                keeps_appointments=keeps_appointments,
                appointments=appointments_of(person, "appointment"), visits=appointments_of(person, "visit"))


@bp.post("/admin/people/<int:person_id>/log")
@staff_required()
def add_log(person_id):
    """Add a message or an action to the person's relationship log."""
    person = get_or_404(Person, person_id)
    form = LogForm()
    if form.validate_on_submit():
        from ..relationship.service import record
        record(person, form.kind.data, form.detail.data, form.note.data, form.occurred_at.data, me())
        flash(_("Saved to the log."), "success")
    else:
        flash(_("The entry was not saved: %(problem)s", problem=next(iter(form.errors.values()))[0]), "error")
    return redirect_to(url_for("admin.person", person_id=person.id) + "#log")


@bp.post("/admin/people/<int:person_id>/sessions/end")
@staff_required()
def end_person_sessions(person_id):
    """End every session of the person's account (SES-08); only admins may end a staff member's."""
    person = get_or_404(Person, person_id)
    account = person.accounts.first()
    if account is not None and not may_act_on(me(), account):
        audit.record("sessions_end_refused", person, detail=f"target role: {account.role}")
        abort(403)
    if account is not None:
        count = end_sessions(account, reason="by_staff", staff_id=me().id)
        audit.record("sessions_ended", person, detail=f"{count} sessions")
        flash(_("%(count)s sessions ended.", count=count), "success")
    return redirect_to(url_for("admin.person", person_id=person.id) + "#sessions")


def audit_day(text):
    """Return the day of an audit filter (YYYY-MM-DD within clock.YEARS), or None."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if clock.in_calendar(day) else None


@bp.get("/admin/audit")
@staff_required("admin")
def audit_log():
    """Who did what to whom and when; filter by staff member, person, action and date."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    args = request.args
    for name, column in (("actor", AuditEntry.actor_id), ("person", AuditEntry.person_id), ("before", AuditEntry.id)):
        if args.get(name):
            number = parse_id(args[name])
            if number is None:
                abort(400)  # only a hand-made address has a filter that is not an id
            query = query.where(column < number if name == "before" else column == number)
    if args.get("action"):
        query = query.where(AuditEntry.action == args["action"][:40])
    for name, days in (("from", 0), ("to", 1)):
        if args.get(name):
            day = audit_day(args[name])
            if day is None:
                abort(400)
            moment = dt.datetime.combine(day + dt.timedelta(days=days), dt.time())
            query = query.where(AuditEntry.occurred_at < moment if days else AuditEntry.occurred_at >= moment)
    entries = list(query.limit(101))
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action).distinct().order_by(AuditEntry.action).tuples()]
    return render_template("admin/audit.html", entries=entries[:100], more=len(entries) > 100, actions=actions,
                           args=args)
