"""My consents: each purpose with one control, and the full history (Art. 7(3), 21).

Every control is a plain form that posts and redirects; htmx swaps the one
purpose in place. Withdrawing takes exactly as many clicks as granting.
"""
from flask import abort, flash, render_template, request, url_for

from ..accounts.access import me, member_required
from ..consents import service as ledger
from ..consents.labels import outcome_message, stop_all_text
from ..htmx import is_partial_request, redirect_to
from ..language import select_locale
from ..newsletter import service as newsletter
from ..register import get_register
from ..translate import gettext as _
from .views import bp

ACTIONS = {"consent": ("grant", "withdraw"), "legitimate_interest": ("object", "lift")}


def page_context(person):
    """Return what the consent page shows: purposes by basis, states, history."""
    register = get_register()
    return dict(states=ledger.states(person), history=ledger.history(person),
                consent_purposes=register.purposes_with_basis("consent"),
                interest_purposes=register.purposes_with_basis("legitimate_interest"),
                contract_purposes=register.purposes_with_basis("contract"),
                stop_text=stop_all_text())


@bp.get("/account/consents")
@member_required
def consents():
    """Show every purpose with its control, and the history newest first."""
    return render_template("consents/consents.html", **page_context(me().person))


@bp.post("/account/consents/<purpose>")
@member_required
def change_consent(purpose):
    """Grant, withdraw, object or lift an objection for one purpose."""
    definition = get_register().purposes.get(purpose)
    action = request.form.get("action")
    if definition is None or action not in ACTIONS.get(definition.basis, ()):
        abort(400)
    person = me().person
    reason = " ".join((request.form.get("reason") or "").split())[:500] or None
    outcome = newsletter.change(person, purpose, action, "page", "account_consents", select_locale(), reason)
    flash(outcome_message(outcome, action), "success")
    if is_partial_request():
        return render_template("consents/_purpose.html", p=definition, oob_history=True,
                               **page_context(person))
    return redirect_to(url_for("rights.consents") + f"#purpose-{purpose}")


@bp.post("/account/consents/stop-marketing")
@member_required
def stop_marketing():
    """Stop all direct marketing in one action (Art. 21(3))."""
    ledger.stop_all(me().person, "page", "account_consents", stop_all_text(), select_locale())
    flash(_("Done: you will get no more marketing from us. Messages about your own account and "
            "orders still reach you."), "success")
    return redirect_to("rights.consents")
