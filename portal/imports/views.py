"""Importing subscribers: upload, read the dry-run report, then import exactly that file."""
import re

from flask import Blueprint, abort, current_app, flash, render_template, request

from ..accounts.access import me
from ..htmx import render_page
from ..staff.access import staff_required
from ..translate import gettext as _
from . import service

bp = Blueprint("imports", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


def folder():
    return current_app.config["IMPORTS_DIR"]


@bp.route("/admin/import", methods=["GET", "POST"])
@staff_required("admin")
def form():
    """Upload a CSV; show what importing it would do, changing nothing."""
    if request.method == "GET":
        return render_template("imports/form.html", report=None, token=None, error=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_page("imports/form.html", None, 422, report=None, token=None,
                           error=_("Choose a CSV file."))
    token = service.store(upload.read(), folder())
    try:
        report = service.run(folder() / f"{token}.csv", dry_run=True)
    except (service.BadFile, UnicodeDecodeError) as problem:
        (folder() / f"{token}.csv").unlink()
        error = _("The file needs the columns email, consent_date, consent_source and purposes (missing: %(cols)s).",
                  cols=str(problem)) if isinstance(problem, service.BadFile) else _("The file is not UTF-8 text.")
        return render_page("imports/form.html", None, 422, report=None, token=None, error=error)
    return render_template("imports/form.html", report=report, token=token, error=None, dry_run=True)


@bp.post("/admin/import/<token>")
@staff_required("admin")
def apply(token):
    """Import the file whose dry run was shown."""
    path = folder() / f"{token}.csv"
    if not TOKEN.match(token) or not path.is_file():
        abort(404)
    report = service.run(path, dry_run=False, by=me())
    path.unlink()
    flash(_("%(count)s people imported.", count=report.imported), "success")
    return render_template("imports/form.html", report=report, token=None, error=None, dry_run=False)
