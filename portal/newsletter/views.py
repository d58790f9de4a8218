"""Public newsletter pages: sign-up forms, the embeddable form, confirmation,
preferences without login, one-click unsubscribe and material downloads.

`subscribe` and `unsubscribe` are the only views exempt from CSRF: the first
is posted from other sites and guarded by double opt-in, a honeypot, rate
limits and an origin allow-list; the second is RFC 8058 one-click, guarded by
its signed token.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, make_response, render_template, request, send_file, url_for

from ..accounts.forms import checked_email
from ..consents import service as ledger
from ..consents.labels import outcome_message, stop_all_text
from ..htmx import is_partial_request, redirect_to, render_form
from ..language import select_locale
from ..limits import per_field, per_ip
from ..people.models import BLOCKED_DOMAIN, is_blocked
from ..register import get_register
from ..translate import gettext as _
from ..web import CSP, csrf, public
from . import links, service
from .forms import PreferencesRequestForm, subscribe_form

bp = Blueprint("newsletter", __name__)



def form_or_404(form_key):
    """Return the register's form definition with this key, or answer 404."""
    definition = get_register().forms.get(form_key)
    if definition is None:
        abort(404)
    return definition


def own_origin():
    parts = urlsplit(current_app.config["BASE_URL"])
    return f"{parts.scheme}://{parts.netloc}"


def frameable(response, definition):
    """Let the form's allowed origins show this response in an iframe (HDR-01)."""
    ancestors = " ".join(["'self'", *definition.allowed_origins])
    response.headers["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    return response


@bp.route("/subscribe/<form_key>", methods=["GET", "POST"])
@public
@csrf.exempt
@per_ip("SUBSCRIBE_LIMIT_PER_IP")
@per_field("SUBSCRIBE_LIMIT_PER_ADDRESS", "email", checked_email)
def subscribe(form_key):
    """Show a sign-up form; on a valid post, mail the confirmation link (same answer for all)."""
    definition = form_or_404(form_key)
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin and origin not in (own_origin(), *definition.allowed_origins):
        abort(403)
    language = select_locale()
    form = subscribe_form(definition, language)
    embedded = (form.embed.data or request.args.get("embed")) == "1"
    done = form.validate_on_submit()
    if done and is_blocked(form.email.data):
        form.email.errors.append(BLOCKED_DOMAIN)
        done = False
    if done and not form.website.data:  # a bot filled the hidden field: answer as usual, do nothing
        service.subscribe(definition, form.email.data, form.name.data, form.chosen(), language)
    page = "newsletter/embed.html" if embedded else "newsletter/subscribe.html"
    response = render_form(page, form, "newsletter/_subscribe.html", definition=definition, done=done,
                           embedded=embedded, language=language)
    return frameable(response, definition) if embedded else response


@bp.get("/embed/<form_key>")
@public
def embed(form_key):
    """The same sign-up form, laid out for an iframe on an allowed site."""
    definition = form_or_404(form_key)
    language = select_locale()
    form = subscribe_form(definition, language, data={"embed": "1", "lang": language})
    response = make_response(render_template("newsletter/embed.html", definition=definition, form=form,
                                             done=False, embedded=True, language=language))
    return frameable(response, definition)


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token):
    """Confirm a subscription: a GET shows a button, the POST confirms (CSRF-02)."""
    pending = service.peek_pending(token)
    if request.method == "POST" and pending is not None:
        person, form = service.confirm(token)
        if person is not None:
            return redirect_to("newsletter.confirmed", form_key=form.key if form else "-")
    status = 200 if pending is not None else 404
    titles = service.pending_titles(pending) if pending is not None else []
    return render_template("newsletter/confirm.html", pending=pending, token=token, titles=titles), \
        status


@bp.get("/subscribe/confirmed/<form_key>")
@public
def confirmed(form_key):
    """Tell the person their subscription is on, and what comes next."""
    definition = get_register().forms.get(form_key)
    return render_template("newsletter/confirmed.html", definition=definition)


@bp.route("/preferences", methods=["GET", "POST"])
@public
@per_ip("EMAIL_LIMIT_PER_IP")
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)
def preferences_request():
    """Ask for the preferences link by email; the answer is the same for every address."""
    form = PreferencesRequestForm()
    if form.validate_on_submit():
        service.send_preferences_link(form.email.data, select_locale())
        flash(_("If the address is in our register, a link to your email preferences is on its way."), "success")
        return redirect_to("newsletter.preferences_request")
    return render_form("newsletter/preferences_request.html", form)


def link_gone(problem):
    """The page for an expired or unknown link: it offers to email a fresh preferences link."""
    page = render_template("newsletter/link_gone.html", expired=problem == links.EXPIRED,
                           form=PreferencesRequestForm(formdata=None))
    return make_response(page, 404)


def person_or_gone(token):
    """Return the person of a preferences link, or answer with the page that offers a fresh one."""
    person, problem = links.read_preferences(token)
    if person is None:
        abort(link_gone(problem))
    return person


@bp.get("/preferences/<token>")
@public
def preferences(token):
    """Show each newsletter and marketing consent with one control, without login (30-day link)."""
    person = person_or_gone(token)
    return render_template("newsletter/preferences.html", **preferences_context(person, token))


def preferences_context(person, token):
    """Return what the preferences page shows."""
    return dict(person=person, token=token, states=ledger.states(person), has_account=person.accounts.exists(),
                purposes=get_register().consent_purposes(), masked=mask(person.email))


def mask(email):
    """Return the address with most of its local part hidden (m•••@example.fi)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@bp.post("/preferences/<token>/<purpose>")
@public
def change_preference(token, purpose):
    """Withdraw one consent at once, or ask to grant it by an emailed confirmation (htmx in place)."""
    person = person_or_gone(token)
    action = request.form.get("action")
    definition = get_register().purposes.get(purpose)
    if definition is None or definition.basis != "consent" or action not in ("grant", "withdraw"):
        abort(400)
    outcome = service.change(person, purpose, action, "link", "preferences", select_locale(), double_opt_in=True)
    flash(outcome_message(outcome, action), "success")
    if is_partial_request():
        context = preferences_context(person, token)
        return render_template("newsletter/_preference.html", p=definition, **context), 200
    return redirect_to(url_for("newsletter.preferences", token=token) + f"#purpose-{purpose}")


@bp.post("/preferences/<token>/stop")
@public
def stop_all(token):
    """Unsubscribe from everything: object to all direct marketing in one action."""
    person = person_or_gone(token)
    ledger.stop_all(person, "link", "preferences", stop_all_text(), select_locale())
    flash(_("Done: you will get no more marketing from us. Messages about your own account and "
            "orders still reach you."), "success")
    return redirect_to("newsletter.preferences", token=token)


def one_click(token):
    """A mail program's one-click unsubscribe (RFC 8058): plain text, no cookies, honoured however old."""
    person, purpose = links.withdrawal_from(token)
    if person is None or purpose not in get_register().purposes:
        return _("This unsubscribe link is not valid."), 404, {"Content-Type": "text/plain; charset=utf-8"}
    definition = get_register().purposes[purpose]
    # the mail program's button: the request is all that was "shown"
    text = f"List-Unsubscribe=One-Click (RFC 8058): {definition.title[person.language]}"
    service.unsubscribe(person, purpose, "one-click", text, person.language)
    return _("You are unsubscribed."), 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token):
    """One-click unsubscribe (RFC 8058): a POST stops the mail at once; a GET only asks (a year-long link)."""
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        return one_click(token)
    person, purpose, problem = links.read_unsubscribe(token)
    if person is None or purpose not in get_register().purposes:
        return link_gone(problem or links.INVALID)
    definition = get_register().purposes[purpose]
    if request.method == "POST":
        text = _("Stop getting: %(title)s?", title=definition.text("title"))
        service.unsubscribe(person, purpose, "unsubscribe", text, select_locale())
        return render_template("newsletter/unsubscribe.html", done=True, purpose=definition,
                               preferences_token=links.preferences_token(person)), 200
    return render_template("newsletter/unsubscribe.html", done=False, purpose=definition, token=token), 200


@bp.get("/materials/<token>")
@public
def material(token):
    """Download a free material from a 7-day link."""
    person, form_key = links.read_material(token)
    definition = get_register().forms.get(form_key) if person is not None else None
    if definition is None or not definition.get("material_file"):
        return render_template("newsletter/material_gone.html"), 404
    path = current_app.config["MATERIALS_DIR"] / definition.material_file
    if not path.is_file():
        current_app.logger.error("material file %s is missing", path)
        return render_template("newsletter/material_gone.html", missing=True), 404
    response = send_file(path, as_attachment=True, download_name=definition.material_file, max_age=0)
    return response
