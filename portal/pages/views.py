"""Public pages: the front page and health (the privacy notice lives in `notice`)."""
from flask import Blueprint, render_template

from ..db import database
from ..web import public

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    """Show the front page."""
    return render_template("pages/home.html")


@bp.get("/healthz")
@public
def health():
    """Answer 200 when the app and its database respond (for load balancers)."""
    database.execute_sql("SELECT 1")
    return {"status": "ok"}

