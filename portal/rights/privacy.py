"""Restrictions' and data requests' share of export and erasure."""
from ..accounts.models import address_hash
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import DataRequest, Restriction

COVERS = {
    Restriction: "exported",
    DataRequest: "exported; on erasure kept as a record of the request without the address, details, "
                 "reply or reason for an extension",
}


def _requests(person):
    return (DataRequest.person == person) | (DataRequest.email == person.email)


def export(person):
    """Return the person's restrictions and requests."""
    return [
        Table("restrictions", _l("Restrictions of processing you asked for"), [
            Field("reason", _l("Why: accuracy contested, objection pending, unlawful processing or legal claim")),
            Field("details", _l("What you told us")), Field("requested_at", _l("When you asked")),
            Field("lifted_at", _l("When it ended"), nullable=True),
        ], lambda: ({"reason": r.reason, "details": r.details, "requested_at": iso(r.requested_at),
                     "lifted_at": iso(r.lifted_at)}
                    for r in Restriction.select().where(Restriction.person == person).order_by(Restriction.id))),
        Table("data_requests", _l("Requests you have made about your data"), [
            Field("kind", _l("access, portability, rectification, erasure, restriction or objection")),
            Field("channel", _l("web form, email or letter")), Field("received_at", _l("When we received it")),
            Field("due_at", _l("When we must answer at the latest")),
            Field("state", _l("unverified, open, answered or closed")),
            Field("answered_at", _l("When we answered"), nullable=True), Field("details", _l("What you wrote")),
        ], lambda: ({"kind": r.kind, "channel": r.channel, "received_at": iso(r.received_at),
                     "due_at": iso(r.due_at), "state": r.state, "answered_at": iso(r.answered_at),
                     "details": r.details}
                    for r in DataRequest.select().where(_requests(person)).order_by(DataRequest.id))),
    ]


def erase(person):
    """Remove restrictions and scanned letters; keep each request as a record, without the address.

    Whatever staff or the person wrote goes too (details, the reply, the reason for
    an extension): it may name them.
    """
    from .service import attachment_path
    Restriction.delete().where(Restriction.person == person).execute()
    for request in DataRequest.select().where(_requests(person), DataRequest.attachment.is_null(False)):
        path = attachment_path(request)
        if path is not None:
            path.unlink()
    DataRequest.update(attachment=None, reply="").where(_requests(person)).execute()
    DataRequest.update(email="erased:" + address_hash(person.email)[:16], details="", extension_reason="",
                       person=None, token_hash=None).where(_requests(person)).execute()
