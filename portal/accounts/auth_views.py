"""Sign-up, email verification, login, logout and password reset pages.

Views validate a form, call one service verb and pick a response; errors come
back with status 422 as the form fragment for htmx or the whole page.
"""
from flask import flash, redirect, render_template, request, session, url_for
from ..translate import gettext as _
from flask_login import current_user

from ..htmx import redirect_to, render_page
from ..i18n import select_locale
from ..limits import per_field, per_ip
from ..logs import auth_event
from ..web import public, safe_next
from . import bp, service
from .access import login_required
from ..consents import service as ledger
from ..moderation.service import BLOCKED_DOMAIN, is_blocked as blocked_domain
from .forms import EmailForm, LoginForm, ResetPasswordForm, checked_email, signup_form
from .sessions import end_current_session



@bp.route("/signup", methods=["GET", "POST"])
@public
@per_ip("SIGNUP_LIMIT_PER_IP")
def signup():
    """Show the sign-up form; create the account and send the verification link."""
    language = select_locale()
    form = signup_form(language)
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the hidden field: answer as usual, do nothing
            return redirect_to("accounts.signup_done")
        consents = [(key, ledger.consent_wording(key, language)) for key in form.chosen_consents()]
        if blocked_domain(form.email.data):
            form.email.errors.append(BLOCKED_DOMAIN)
            return render_page("accounts/signup.html", "accounts/_signup_form.html", 422, form=form)
        try:
            service.sign_up(form.name.data, form.email.data, form.username.data, form.password.data,
                            form.phone.data, language, consents)
        except service.UsernameTaken:
            form.username.errors.append(_("That username is taken. Choose another one."))
        else:
            session["signup_email"] = form.email.data
            return redirect_to("accounts.signup_done")
    status = 422 if form.errors else 200
    return render_page("accounts/signup.html", "accounts/_signup_form.html", status, form=form)


@bp.get("/signup/done")
@public
def signup_done():
    """Tell the person to look for the verification email."""
    return render_template("accounts/signup_done.html", email=session.pop("signup_email", None))


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token):
    """Confirm an email address: a GET shows a button, the POST confirms (CSRF-02)."""
    target = service.verification_target(token)
    if request.method == "POST" and target is not None:
        account = service.verify_email(token)
        if account is not None:
            flash(_("Your email address is confirmed."), "success")
            if current_user.is_authenticated and current_user.id == account.id:
                return redirect_to("accounts.account")
            return redirect_to("accounts.login")
    status = 200 if target is not None else 404
    return render_template("accounts/verify.html", valid=target is not None, token=token), status


@bp.route("/verify/resend", methods=["GET", "POST"])
@public
@per_ip("EMAIL_LIMIT_PER_IP")
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)
def resend():
    """Send a new verification link; the answer is the same for every address."""
    form = EmailForm()
    if current_user.is_authenticated and request.method == "GET":
        form.email.data = current_user.person.email
    if form.validate_on_submit():
        service.resend_verification(form.email.data, select_locale())
        flash(_("If the address belongs to an account that is not yet confirmed, "
                "a new link is on its way. It is valid for 24 hours."), "success")
        return redirect_to("accounts.resend")
    return render_page("accounts/resend.html", None, 422 if form.errors else 200, form=form)


@bp.route("/login", methods=["GET", "POST"])
@public
@per_ip("LOGIN_LIMIT_PER_IP")
def login():
    """Log in with email or username and password."""
    next_path = safe_next(request.values.get("next"), url_for("accounts.account"))
    if current_user.is_authenticated and request.method == "GET":
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
    status = 422 if form.errors or error else 200
    return render_page("accounts/login.html", "accounts/_login_form.html", status,
                       form=form, error=error, next=next_path)


@bp.post("/logout")
@login_required
def logout():
    """End this session on the server and forget the cookie (SES-04, SES-09)."""
    account_id = current_user.id
    end_current_session(language=current_user.person.language)
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
    return render_page("accounts/reset_request.html", None, 422 if form.errors else 200, form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset(token):
    """Choose a new password from a reset link; all sessions end (TOK-05)."""
    target = service.reset_target(token)
    if target is None:
        return render_template("accounts/reset.html", valid=False, form=None), 404
    account = target.person.accounts.first()
    form = ResetPasswordForm(person=target.person, username=account.username if account else "")
    if form.validate_on_submit() and service.reset_password(token, form.password.data):
        end_current_session()
        flash(_("Your password is changed and every session has ended. Log in with the new password."), "success")
        return redirect_to("accounts.login")
    status = 422 if form.errors else 200
    return render_template("accounts/reset.html", valid=True, form=form, token=token), status
