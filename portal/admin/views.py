"""Staff pages about people: the dashboard, search, a person's page, the audit log.

Opening a person's page writes an audit row (AC-06); search terms are posted,
never put in URLs that logs keep.
"""
import datetime as dt

from flask import Blueprint, abort, flash, render_template, request, url_for

from .. import audit, clock
from ..accounts.access import me
from ..accounts.sessions import end_sessions
from ..audit.models import AuditEntry
from ..db import get_or_404, parse_id
from ..htmx import redirect_to, render_page
from ..moderation.service import pending_approval
from ..people.models import Person
from ..relationship.forms import log_form
from ..relationship.service import NotRecorded
from ..relationship.service import record as record_interaction
from ..rights.models import DataRequest
from ..staff import people
from ..staff.access import may_act_on, staff_required
from ..staff.forms import search_form
from ..translate import gettext as _
from ..translate import lazy_gettext as _l
from .person import page_context

bp = Blueprint("admin", __name__)
LOG_PROBLEMS = {"kind": _l("this register does not record that kind of entry."),
                "consent": _l("other data collected with permission needs a consent the person has given.")}


@bp.get("/admin")
@staff_required()
def home():
    """Show what needs attention: approvals, requests by due date, restrictions."""
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
    return render_template("admin/person.html", **page_context(person, me()))


@bp.post("/admin/people/<int:person_id>/log")
@staff_required()
def add_log(person_id):
    """Add a message or an action to the person's relationship log."""
    person, form = get_or_404(Person, person_id), log_form()
    try:
        if not form.validate_on_submit():
            raise NotRecorded(next(iter(form.errors.values()))[0])
        record_interaction(person, form.kind.data, form.detail.data, form.note.data, form.occurred_at.data, me(),
                           purpose=form.purpose.data or None)
    except NotRecorded as problem:
        flash(_("The entry was not saved: %(problem)s", problem=LOG_PROBLEMS.get(str(problem), problem)), "error")
    else:
        flash(_("Saved to the log."), "success")
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
    args = request.args
    ids = {name: parse_id(args[name]) for name in ("actor", "person", "before") if args.get(name)}
    days = {name: audit_day(args[name]) for name in ("from", "to") if args.get(name)}
    if None in ids.values() or None in days.values():
        abort(400)  # only a hand-made address has a filter that is not an id or a day
    entries = list(AuditEntry.filtered(action=(args.get("action") or "")[:40] or None, first_day=days.get("from"),
                                       last_day=days.get("to"), **ids).limit(101))
    return render_template("admin/audit.html", entries=entries[:100], more=len(entries) > 100,
                           actions=AuditEntry.actions(), args=args)
