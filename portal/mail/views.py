"""The development mail page: what the portal would have sent, newest first.

Registered only when PORTAL_ENV=development; it shows every queued message.
"""
import re

from flask import Blueprint, abort, render_template
from markupsafe import Markup, escape

from ..web import public
from .crypto import unseal
from .models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")
URL = re.compile(r"https?://[^\s<>\"]+")


@bp.get("/")
@public
def inbox():
    """List the newest messages in the outbox."""
    rows = OutboxMessage.select().order_by(OutboxMessage.id.desc()).limit(100)
    messages = [(row, unseal(row.payload) if row.payload else None) for row in rows]
    return render_template("dev/mail.html", messages=messages)


@bp.get("/<int:message_id>")
@public
def message(message_id):
    """Show one message's text with its links clickable."""
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        abort(404)
    content = unseal(row.payload) if row.payload else None
    return render_template("dev/message.html", row=row, content=content,
                           body=linkify(content["text"]) if content else "")


def linkify(text):
    """Escape `text` and turn web addresses in it into links."""
    parts, last = [], 0
    for match in URL.finditer(text):
        parts.append(escape(text[last:match.start()]))
        url = match.group(0)
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
