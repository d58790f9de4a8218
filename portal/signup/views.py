"""Sign-up, email verification and a new verification link.

Views validate a form, call one service verb and pick a response; errors come
back with status 422 as the form fragment for htmx or the whole page.
"""
from flask import Blueprint, flash, render_template, request, session

from ..accounts.forms import EmailForm, checked_email
from ..consents import service as ledger
from ..htmx import redirect_to, render_form, render_page
from ..language import select_locale
from ..limits import per_field, per_ip
from ..people.models import BLOCKED_DOMAIN
from ..people.models import is_blocked as blocked_domain
from ..translate import gettext as _
from ..web import me, public
from . import service
from .forms import signup_form

bp = Blueprint("signup", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@public
@per_ip("SIGNUP_LIMIT_PER_IP")
def form():
    """Show the sign-up form; create the account and send the verification link."""
    language = select_locale()
    form = signup_form(language)
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the hidden field: answer as usual, do nothing
            return redirect_to("signup.done")
        consents = [(key, ledger.consent_wording(key, language)) for key in form.chosen_consents()]
        if blocked_domain(form.email.data):
            form.email.errors.append(BLOCKED_DOMAIN)
            return render_page("signup/signup.html", "signup/_signup_form.html", 422, form=form)
        try:
            service.sign_up(form.name.data, form.email.data, form.username.data, form.password.data,
                            form.phone.data, language, consents)
        except service.UsernameTaken:
            form.username.errors.append(_("That username is taken. Choose another one."))
        else:
            session["signup_email"] = form.email.data
            return redirect_to("signup.done")
    return render_form("signup/signup.html", form, "signup/_signup_form.html")


@bp.get("/signup/done")
@public
def done():
    """Tell the person to look for the verification email."""
    return render_template("signup/signup_done.html", email=session.pop("signup_email", None))


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token):
    """Confirm an email address: a GET shows a button, the POST confirms (CSRF-02)."""
    target = service.peek_verification(token)
    if request.method == "POST" and target is not None:
        account = service.verify_email(token)
        if account is not None:
            flash(_("Your email address is confirmed."), "success")
            if me().is_authenticated and me().id == account.id:
                return redirect_to("accounts.account")
            return redirect_to("accounts.login")
    status = 200 if target is not None else 404
    return render_template("signup/verify.html", valid=target is not None, token=token), status


@bp.route("/verify/resend", methods=["GET", "POST"])
@public
@per_ip("EMAIL_LIMIT_PER_IP")
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)
def resend():
    """Send a new verification link; the answer is the same for every address."""
    form = EmailForm()
    if me().is_authenticated and request.method == "GET":
        form.email.data = me().person.email
    if form.validate_on_submit():
        service.resend_verification(form.email.data, select_locale())
        flash(_("If the address belongs to an account that is not yet confirmed, "
                "a new link is on its way. It is valid for 24 hours."), "success")
        return redirect_to("signup.resend")
    return render_form("signup/resend.html", form)
