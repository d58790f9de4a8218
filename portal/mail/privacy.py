"""The outbox's share of a person's data: which emails were sent to them."""
from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .models import OutboxMessage

COVERS = {OutboxMessage: "exported without message bodies (deleted once delivered)"}


def _mine(person):
    return (OutboxMessage.person == person) | (OutboxMessage.to_address == person.email)


def _deliveries(person):
    for m in OutboxMessage.select().where(_mine(person)).order_by(OutboxMessage.id).iterator():
        yield {"message": m.template, "to": m.to_address, "queued_at": m.created_at, "sent_at": m.sent_at,
               "state": m.status}


TABLES = [
    Table("email_deliveries", _l("Emails we have sent you"), [
        Field("message", _l("Which message (its template name)")), Field("to", _l("Address it was sent to")),
        Field("queued_at", _l("When it was queued"), "datetime"),
        Field("sent_at", _l("When it was delivered"), "datetime", nullable=True),
        Field("state", _l("pending, sending, sent or failed")),
    ], _deliveries, shows={
        "email_deliveries": lambda r: f"{when(r['queued_at'])}: {r['message']} ({r['state']})",
    }),
]


def erase(person):
    """Remove every outbox row to or about the person."""
    OutboxMessage.delete().where(_mine(person)).execute()
