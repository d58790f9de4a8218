"""Staff pages: the second factor (enrol, enter a code) and managing staff."""
from flask import Blueprint, abort, flash, render_template, request, url_for

from ..accounts.access import me
from ..accounts.models import Account
from ..accounts.sessions import current_session, recently_authenticated
from ..db import get_or_404
from ..htmx import redirect_to, render_form, render_page
from ..limits import per_key
from ..translate import gettext as _
from ..web import public, safe_next
from . import service, totp
from .access import staff_required, staff_signed_in
from .forms import AcceptForm, CodeForm, InviteForm, RoleForm

bp = Blueprint("staff", __name__)


@bp.route("/admin/2fa/enrol", methods=["GET", "POST"])
@staff_signed_in
def enrol():
    """Set up the authenticator: QR code drawn on the server, the key as text, one code to confirm."""
    account = me()
    if not recently_authenticated():
        return redirect_to(url_for("accounts.reauthenticate", next=request.path))
    if account.totp_enabled_at is not None:
        return redirect_to("staff.second_factor")
    form = CodeForm()
    if form.validate_on_submit():
        codes = totp.finish_enrolment(account, form.code.data, current_session())
        if codes is not None:
            return render_template("staff/recovery_codes.html", codes=codes,
                                   next=safe_next(request.args.get("next"), url_for("admin.home")))
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the newest code."))
    secret = totp.secret_of(account) if request.method == "POST" else None
    secret = secret or totp.begin_enrolment(account)
    uri = totp.provisioning_uri(account, secret)
    return render_form("staff/enrol.html", form, secret=secret,
                       qr=totp.qr_svg(uri))


@bp.route("/admin/2fa", methods=["GET", "POST"])
@staff_signed_in
@per_key("SECOND_FACTOR_LIMIT_PER_ACCOUNT", lambda: f"2fa:{me().id}", only_failures=True)
def second_factor():
    """Enter a code from the authenticator (or a recovery code) before any staff page."""
    account = me()
    if account.totp_enabled_at is None:
        return redirect_to("staff.enrol")
    next_path = safe_next(request.values.get("next"), url_for("admin.home"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify(account, form.code.data, current_session()):
            left = totp.recovery_codes_left(account)
            if left <= 3:
                flash(_("You have %(left)s recovery codes left. Ask an admin to reset your two-step "
                        "verification to get new ones.", left=left), "info")
            return redirect_to(next_path)
        form.code.errors.append(_("That code is not right, or it was already used."))
    return render_form("staff/second_factor.html", form, next=next_path)


@bp.get("/admin/staff")
@staff_required("admin")
def staff_list():
    """List staff; invite, change roles and reset the second factor."""
    return render_template("staff/staff.html", staff=service.staff(), form=InviteForm(), role_form=RoleForm)


@bp.post("/admin/staff/invite")
@staff_required("admin")
def invite():
    """Invite a person by email to become a moderator or an admin."""
    form = InviteForm()
    if form.validate_on_submit():
        service.invite(form.email.data, form.role.data, me())
        flash(_("The invitation is on its way to %(email)s. It is valid for 72 hours.", email=form.email.data),
              "success")
        return redirect_to("staff.staff_list")
    return render_page("staff/staff.html", None, 422, staff=service.staff(), form=form, role_form=RoleForm)


@bp.post("/admin/staff/<int:account_id>/role")
@staff_required("admin")
def change_role(account_id):
    """Change someone's role (never one's own, never the last admin's)."""
    account, form = get_or_404(Account, account_id), RoleForm()
    if form.validate_on_submit():
        try:
            service.change_role(account, form.role.data, me())
            flash(_("The role is changed and their sessions have ended."), "success")
        except service.NotAllowed:
            flash(_("You cannot change your own role, and the last admin stays an admin."), "error")
    return redirect_to("staff.staff_list")


@bp.post("/admin/staff/<int:account_id>/reset-2fa")
@staff_required("admin")
def reset_second_factor(account_id):
    """Reset a staff member's authenticator: they enrol again at their next login."""
    account = get_or_404(Account, account_id)
    if account.id == me().id:
        abort(400)
    totp.reset(account, me())
    flash(_("Two-step verification is reset; they set it up again when they next log in."), "success")
    return redirect_to("staff.staff_list")


@bp.route("/staff/invite/<token>", methods=["GET", "POST"])
@public
def accept(token):
    """Accept an invitation: choose a username and password if there is no account yet."""
    found = service.peek_invitation(token)
    if found is None:
        return render_template("staff/invite_gone.html"), 404
    person, role, account = found
    form = AcceptForm(email=person.email)
    if request.method == "POST" and (account is not None or form.validate_on_submit()):
        try:
            if service.accept(token, form.username.data, form.password.data) is not None:
                flash(_("Welcome to the staff. Log in and set up two-step verification."), "success")
                return redirect_to("accounts.login")
        except service.UsernameTaken:
            form.username.errors.append(_("That username is taken. Choose another one."))
    return render_form("staff/accept.html", form, role=role,
                       account=account, token=token)
