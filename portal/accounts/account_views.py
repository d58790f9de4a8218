"""The member's own pages: profile, password, email address and sessions.

Profile fields are edited in place with htmx; every form also works as a
plain post that redirects.
"""
from flask import abort, flash, render_template, request, url_for

from ..htmx import is_partial_request, redirect_to, render_form
from ..limits import per_field
from ..translate import gettext as _
from ..web import safe_next
from . import service
from .access import fresh_password_required, login_required, me, member_required
from .forms import ChangePasswordForm, EmailForm, PasswordConfirmForm, ProfileForm, checked_email
from .models import LoginSession
from .sessions import current_session, end_one_session, end_sessions
from .views import bp


@bp.get("/account")
@member_required
def account():
    """Show the member's own page (details shown, not yet edited)."""
    return render_template("accounts/account.html", editing=False)


@bp.route("/account/profile", methods=["GET", "POST"])
@member_required
def profile():
    """Edit name, phone and language in place (htmx) or as a page."""
    person = me().person
    form = ProfileForm(data={"name": person.name, "phone": person.phone or "", "language": person.language})
    if request.method == "POST" and form.validate_on_submit():
        language_changed = form.language.data != person.language
        service.update_profile(person, form.name.data, form.phone.data, form.language.data)
        if language_changed:
            return redirect_to("accounts.account")  # the whole page speaks the new language
        flash(_("Your details are saved."), "success")
        if is_partial_request():
            return render_template("accounts/_profile.html", form=form, editing=False, saved=True)
        return redirect_to("accounts.account")
    editing = request.method == "POST" or request.args.get("edit") == "1" or not is_partial_request()
    return render_form("accounts/account.html", form, "accounts/_profile.html", editing=editing)


@bp.route("/account/password", methods=["GET", "POST"])
@member_required
def change_password():
    """Change the password; needs the current one (AUTH-07)."""
    form = ChangePasswordForm(person=me().person, username=me().username)
    if form.validate_on_submit():
        if service.change_password(me(), form.current_password.data, form.password.data):
            flash(_("Your password is changed. Every other session has ended."), "success")
            return redirect_to("accounts.account")
        form.current_password.errors.append(_("The current password is not right."))
    return render_form("accounts/password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@fresh_password_required
@per_field("EMAIL_LIMIT_PER_ADDRESS", "email", checked_email)  # per target address: no mail bombing
def change_email():
    """Ask to change the email address; the new address must be confirmed."""
    form = EmailForm()
    if form.validate_on_submit():
        if form.email.data == me().person.email:
            form.email.errors.append(_("That is already your email address."))
        else:
            service.request_email_change(me(), form.email.data)
            flash(_("We sent a confirmation link to %(email)s. Your address changes when you open it.",
                    email=form.email.data), "success")
            return redirect_to("accounts.account")
    return render_form("accounts/email.html", form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@login_required
def confirm_email_change(token):
    """Confirm a new email address from the link sent to it."""
    target = service.peek_email_change(token)
    if target is None or target.person_id != me().person.id:
        return render_template("accounts/email_confirm.html", valid=False), 404
    if request.method == "POST":
        try:
            service.confirm_email_change(token)
        except service.EmailTaken:
            flash(_("That address already belongs to another account, so it cannot be yours here."), "error")
        else:
            flash(_("Your email address is changed."), "success")
        return redirect_to("accounts.account")
    return render_template("accounts/email_confirm.html", valid=True, token=token,
                           new_email=service.token_data(target)["email"]), 200


@bp.get("/account/sessions")
@member_required
def sessions():
    """List the member's signed-in browsers."""
    rows = (LoginSession.select().where(LoginSession.account == me().id)
            .order_by(LoginSession.last_seen_at.desc()))
    return render_template("accounts/sessions.html", sessions=rows, current=current_session())


@bp.post("/account/sessions/<int:session_id>/end")
@member_required
def end_session(session_id):
    """End one of the member's other sessions (only their own: AC-03)."""
    if session_id == current_session().id or not end_one_session(me(), session_id):
        abort(404)
    flash(_("The session has ended."), "success")
    return redirect_to("accounts.sessions")


@bp.post("/account/sessions/end-others")
@member_required
def end_other_sessions():
    """End every session but this one (SES-08)."""
    count = end_sessions(me(), keep=current_session(), reason="by_member")
    flash(_("%(count)d other session(s) ended.", count=count), "success")
    return redirect_to("accounts.sessions")


@bp.route("/account/confirm-password", methods=["GET", "POST"])
@member_required
def reauthenticate():
    """Ask for the password again before a sensitive change (SES-06)."""
    form = PasswordConfirmForm()
    next_path = safe_next(request.values.get("next"), url_for("accounts.account"))
    if form.validate_on_submit():
        if service.reauthenticate(me(), form.password.data):
            return redirect_to(next_path)
        form.password.errors.append(_("The password is not right."))
    return render_form("accounts/reauth.html", form, next=next_path)


@bp.get("/account/unverified")
@login_required
def unverified():
    """Tell a signed-in person to confirm their email first."""
    if me().is_verified:
        return redirect_to("accounts.account")
    return render_template("accounts/unverified.html")


@bp.get("/account/pending")
@login_required
def pending():
    """Tell a verified member that their membership awaits approval."""
    if me().state != "pending_approval":
        return redirect_to("accounts.account")
    return render_template("accounts/pending.html")
