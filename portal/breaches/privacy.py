"""Breach notices in a person's data: they see which notices they were sent;
on erasure the notice record stays (the register keeps everything) without the link to them."""
from ..personal_data import Field, Table
from ..translate import lazy_gettext as _l
from .models import Breach, BreachNotice

COVERS = {
    BreachNotice: "exported; on erasure kept without the link to the person",
    Breach: "not personal: what happened and how many people it touched, approximately",
}


def _notices(person):
    for n in (BreachNotice.select(BreachNotice, Breach).join(Breach)
              .where(BreachNotice.person == person).order_by(BreachNotice.id)):
        yield {"breach": n.breach.title, "sent_at": n.queued_at}


TABLES = [
    Table("breach_notices", _l("Data breach notices we have sent you"), [
        Field("breach", _l("Which incident")), Field("sent_at", _l("When we sent the notice"), "datetime"),
    ], _notices),
]


def erase(person):
    """Keep the notices but unlink them from the person."""
    BreachNotice.update(person=None).where(BreachNotice.person == person).execute()
