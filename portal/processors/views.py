"""Processor exports for admins: one button per processor, a ZIP with who to add and who to remove."""
from flask import Blueprint, Response, abort, render_template

from ..accounts.access import me
from ..register import get_register
from ..staff.access import staff_required
from . import service
from .models import ProcessorExport

bp = Blueprint("processors", __name__)


@bp.get("/admin/processors")
@staff_required("admin")
def index():
    """List the processors, what each may receive, and the exports made so far."""
    recipients = service.exportable()
    history = (ProcessorExport.select().order_by(ProcessorExport.id.desc()).limit(50))
    return render_template("processors/index.html", recipients=recipients, history=list(history),
                           register=get_register())


@bp.post("/admin/processors/<key>/export")
@staff_required("admin")
def export(key):
    """Download the processor's CSVs (add and remove); the export is audited with its counts."""
    recipient = next((r for r in service.exportable() if r.key == key), None)
    if recipient is None:
        abort(404)
    name, data, _counts = service.export(recipient, me())
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
