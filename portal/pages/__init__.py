"""Public pages: the front page, the privacy notice, health."""
from flask import Blueprint, render_template
from ..translate import lazy_gettext as _l

from ..web import public

bp = Blueprint("pages", __name__)

BASIS_NAMES = {
    "consent": _l("consent"),
    "contract": _l("contract"),
    "legitimate_interest": _l("legitimate interest"),
    "legal_obligation": _l("legal obligation"),
}
TRANSFER_NAMES = {
    "none": _l("stays in the EU/EEA"),
    "adequacy": _l("EU adequacy decision"),
    "scc": _l("EU Standard Contractual Clauses"),
}
COOKIE_NAMES = {
    "necessary": _l("strictly necessary"),
    "preferences": _l("preferences"),
    "statistics": _l("statistics"),
    "marketing": _l("marketing"),
}


@bp.get("/")
@public
def home():
    """Show the front page."""
    return render_template("pages/home.html")


@bp.get("/privacy")
@public
def privacy():
    """Show the privacy notice generated from the register definition."""
    return render_template("pages/privacy.html", basis_names=BASIS_NAMES,
                           transfer_names=TRANSFER_NAMES, cookie_names=COOKIE_NAMES)


@bp.get("/healthz")
@public
def health():
    """Answer 200 when the app and its database respond (for load balancers)."""
    from ..db import database
    database.execute_sql("SELECT 1")
    return {"status": "ok"}


def init_app(app):
    """Register the public pages."""
    app.register_blueprint(bp)
