"""Restrictions' and data requests' share of a person's data."""
from ..people.models import address_hash
from ..personal_data import Field, Table
from ..translate import lazy_gettext as _l
from .models import DataRequest, Restriction, attachment_path

COVERS = {
    Restriction: "exported",
    DataRequest: "exported; on erasure kept as a record of the request without the address, details, "
                 "reply or reason for an extension",
}


def _requests(person):
    return (DataRequest.person == person) | (DataRequest.email == person.email)


def _restrictions(person):
    for r in Restriction.select().where(Restriction.person == person).order_by(Restriction.id):
        yield {"reason": r.reason, "details": r.details, "requested_at": r.requested_at, "lifted_at": r.lifted_at}


def _data_requests(person):
    for r in DataRequest.select().where(_requests(person)).order_by(DataRequest.id):
        yield {"kind": r.kind, "channel": r.channel, "received_at": r.received_at, "due_at": r.due_at,
               "state": r.state, "answered_at": r.answered_at, "details": r.details}


TABLES = [
    Table("restrictions", _l("Restrictions of processing you asked for"), [
        Field("reason", _l("Why: accuracy contested, objection pending, unlawful processing or legal claim")),
        Field("details", _l("What you told us")), Field("requested_at", _l("When you asked"), "datetime"),
        Field("lifted_at", _l("When it ended"), "datetime", nullable=True),
    ], _restrictions),
    Table("data_requests", _l("Requests you have made about your data"), [
        Field("kind", _l("access, portability, rectification, erasure, restriction or objection")),
        Field("channel", _l("web form, email or letter")),
        Field("received_at", _l("When we received it"), "datetime"),
        Field("due_at", _l("When we must answer at the latest"), "datetime"),
        Field("state", _l("unverified, open, answered or closed")),
        Field("answered_at", _l("When we answered"), "datetime", nullable=True),
        Field("details", _l("What you wrote")),
    ], _data_requests),
]


def erase(person):
    """Remove restrictions and scanned letters; keep each request as a record, without the address.

    Whatever staff or the person wrote goes too (details, the reply, the reason for
    an extension): it may name them.
    """
    Restriction.delete().where(Restriction.person == person).execute()
    for request in DataRequest.select().where(_requests(person), DataRequest.attachment.is_null(False)):
        path = attachment_path(request)
        if path is not None:
            path.unlink()
    DataRequest.update(attachment=None, reply="").where(_requests(person)).execute()
    DataRequest.update(email="erased:" + address_hash(person.email)[:16], details="", extension_reason="",
                       person=None, token_hash=None).where(_requests(person)).execute()
