"""Queue an email: render it in the person's language and write it to the outbox.

`send_mail` runs inside the caller's transaction, so the mail exists exactly
when the action that caused it does. After the request the worker is nudged.
"""
import uuid
from email.utils import parseaddr

from flask import current_app, g, render_template
from flask_babel import force_locale

from ..register import current_language, get_register
from .crypto import seal
from .models import OutboxMessage


def send_mail(to, template, subject, person=None, language=None, headers=None, purge_after_sending=False,
              **context):
    """Render `templates/email/<template>.txt|.html` and queue it for `to`.

    With `purge_after_sending` the outbox row is deleted once delivered.
    """
    language = language or (person.language if person is not None else current_language())
    headers = dict(headers or {})
    for name, value in headers.items():
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            raise ValueError("line breaks are not allowed in mail headers")
    context.update(person=person, register=get_register(), base_url=current_app.config["BASE_URL"],
                   mail_language=language)
    with force_locale(language):
        message = {
            "subject": " ".join(str(subject).split()),
            "text": render_template(f"email/{template}.txt", **context),
            "html": render_template(f"email/{template}.html", **context),
            "headers": headers,
        }
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    row = OutboxMessage.create(
        person=person, to_address=to, template=template, language=language,
        payload=seal(message), message_id=f"<{uuid.uuid4().hex}@{domain}>",
        purge_after_sending=purge_after_sending)
    g.mail_queued = True
    return row


def external_url(endpoint, **values):
    """Return an absolute link built from PORTAL_BASE_URL, never the Host header (TOK-06)."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
