"""Queue an email: render it in the person's language and write it to the outbox.

`send_mail` runs inside the caller's transaction, so the mail exists exactly
when the action that caused it does. After the request the worker is nudged.

`decide_later` queues a decision instead of a message: forms that must answer
alike for every address (AUTH-09) write one identical outbox row, and the
worker runs the registered decider, which may queue the real mail.
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
    if "@" not in to:
        return None  # a placeholder, not an address (a child recorded with their guardian): nobody to mail
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
    row = OutboxMessage.create(
        person=person, to_address=to, template=template, language=language,
        payload=seal(message), message_id=new_message_id(), purge_after_sending=purge_after_sending)
    g.mail_queued = True
    return row


def new_message_id():
    """Return a unique Message-ID in the sender's domain."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


# The template of a decision row is this prefix and the decider's kind.
DECISION = "decide:"


def decide_later(to, kind, language):
    """Queue the decision whether (and what) to mail `to` for the worker to make.

    The row is the same whatever `to` is: no person, no token, no message,
    so a known and an unknown address cost the request the same work.
    """
    row = OutboxMessage.create(person=None, to_address=to, template=DECISION + kind, language=language,
                               payload=None, message_id=new_message_id())
    g.mail_queued = True
    return row


def register_decider(app, kind, decide):
    """Let the worker decide `kind` rows with `decide(address, language)`, which may call send_mail."""
    app.extensions.setdefault("mail_deciders", {})[kind] = decide


def external_url(endpoint, **values):
    """Return an absolute link built from PORTAL_BASE_URL, never the Host header (TOK-06)."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
