"""The guardian's share of a child's data: who gave it and consented for them."""
from ..personal_data import Field, Table
from ..translate import lazy_gettext as _l
from .models import Guardian

COVERS = {Guardian: "exported with the child's data; deleted on the child's erasure"}


def _guardians(person):
    for g in Guardian.select().where(Guardian.child == person):
        yield {"name": g.name, "email": g.email, "phone": g.phone, "recorded_at": g.recorded_at}


TABLES = [
    Table("guardian", _l("Your guardian, who gave your details and consented for you"), [
        Field("name", _l("Guardian's name")), Field("email", _l("Guardian's email address")),
        Field("phone", _l("Guardian's phone number"), nullable=True),
        Field("recorded_at", _l("When we recorded it"), "datetime"),
    ], _guardians),
]


def erase(person):
    """Remove the child's guardian record."""
    Guardian.delete().where(Guardian.child == person).execute()
