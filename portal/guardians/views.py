"""Staff record a child under 13 with the guardian who gave the data and consented."""
from flask import Blueprint, abort, flash

from ..accounts.access import me
from ..htmx import redirect_to, render_form
from ..staff.access import staff_required
from ..translate import gettext as _
from .forms import child_form
from .service import allowed, record_child

bp = Blueprint("guardians", __name__)


@bp.route("/admin/people/child", methods=["GET", "POST"])
@staff_required()
def record():
    """Record a child with their guardian as the source of the data and the guardian's consents."""
    if not allowed():
        abort(404)
    form = child_form()
    if form.validate_on_submit():
        try:
            child = record_child({"name": form.name.data, "email": form.email.data or None,
                                  "language": form.language.data},
                                 {"name": form.guardian_name.data, "email": form.guardian_email.data,
                                  "phone": form.guardian_phone.data}, form.purposes.data, me())
        except ValueError:
            form.email.errors.append(_("This address is already in the register: open that person instead."))
        else:
            flash(_("The child was recorded with their guardian."), "success")
            return redirect_to("admin.person", person_id=child.id)
    return render_form("guardians/child.html", form)
