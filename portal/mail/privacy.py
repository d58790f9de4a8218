"""The outbox's share of export and erasure: which emails were sent to the person."""
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import OutboxMessage

COVERS = {OutboxMessage: "exported without message bodies (deleted once delivered)"}


def _mine(person):
    return (OutboxMessage.person == person) | (OutboxMessage.to_address == person.email)


def export(person):
    """Return the person's email deliveries: what, when, in which state."""
    return [Table("email_deliveries", _l("Emails we have sent you"), [
        Field("message", _l("Which message (its template name)")), Field("to", _l("Address it was sent to")),
        Field("queued_at", _l("When it was queued")), Field("sent_at", _l("When it was delivered"), nullable=True),
        Field("state", _l("pending, sending, sent or failed")),
    ], lambda: ({"message": m.template, "to": m.to_address, "queued_at": iso(m.created_at),
                 "sent_at": iso(m.sent_at), "state": m.status}
                for m in OutboxMessage.select().where(_mine(person)).order_by(OutboxMessage.id).iterator()))]


def erase(person):
    """Remove every outbox row to or about the person."""
    OutboxMessage.delete().where(_mine(person)).execute()
