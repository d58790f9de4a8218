"""Login, logout, password reset and the language switch (sign-up is in signup/).

Views validate a form, call one service verb and pick a response; errors come
back with status 422 as the form fragment for htmx or the whole page.
"""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from ..htmx import redirect_to, render_form
from ..language import select_locale
from ..limits import per_field, per_ip
from ..logs import auth_event
from ..translate import LANGUAGES
from ..translate import gettext as _
from ..web import me, public, safe_next
from . import service
from .access import login_required
from .forms import EmailForm, LoginForm, ResetPasswordForm, checked_email
from .sessions import end_current_session

bp = Blueprint("accounts", __name__)



@bp.route("/login", methods=["GET", "POST"])
@public
@per_ip("LOGIN_LIMIT_PER_IP")
def login():
    """Log in with email or username and password."""
    next_path = safe_next(request.values.get("next"), url_for("accounts.account"))
    if me().is_authenticated and request.method == "GET":
        return redirect(next_path)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        account = service.authenticate(form.login.data, form.password.data)
        if account is not None and account.state == "suspended":
            auth_event("login", "suspended", account_id=account.id)
            error = _("This account is suspended. Contact us if you think this is a mistake.")
        elif account is not None:
            service.log_in(account, form.remember.data)
            return redirect_to(next_path)
        else:
            error = _("The email address, username or password is not right.")
    return render_form("accounts/login.html", form, "accounts/_login_form.html", failed=bool(error),
                       error=error, next=next_path)


@bp.post("/logout")
@login_required
def logout():
    """End this session on the server and forget the cookie (SES-04, SES-09)."""
    account_id = me().id
    end_current_session(language=me().person.language)
    auth_event("logout", "success", account_id=account_id)
    flash(_("You have logged out."), "success")
    return redirect_to("pages.home")


@bp.route("/password/reset", methods=["GET", "POST"])
@public
@per_ip("EMAIL_LIMIT_PER_IP")
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)
def reset_request():
    """Ask for a password reset link; the answer is the same for every address."""
    form = EmailForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data, select_locale())
        flash(_("If the address belongs to an account, a reset link is on its way. "
                "It is valid for 30 minutes."), "success")
        return redirect_to("accounts.reset_request")
    return render_form("accounts/reset_request.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset(token):
    """Choose a new password from a reset link; all sessions end (TOK-05)."""
    target = service.peek_reset(token)
    if target is None:
        return render_template("accounts/reset.html", valid=False, form=None), 404
    account = target.person.accounts.first()
    form = ResetPasswordForm(person=target.person, username=account.username if account else "")
    if form.validate_on_submit() and service.reset_password(token, form.password.data):
        end_current_session()
        flash(_("Your password is changed and every session has ended. Log in with the new password."), "success")
        return redirect_to("accounts.login")
    return render_form("accounts/reset.html", form, valid=True, token=token)


@bp.post("/language")
@public
def switch_language():
    """Remember the chosen language (for a signed-in person, in their details) and go back to the page."""
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if me().is_authenticated and me().person.language != lang:
            service.set_language(me().person, lang)
    return redirect(safe_next(request.form.get("next")), code=303)

