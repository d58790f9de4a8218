"""The relationship log's share of a person's data."""
from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .models import Interaction

COVERS = {Interaction: "exported"}


def _interactions(person):
    for i in (Interaction.select().where(Interaction.person == person)
              .order_by(Interaction.occurred_at, Interaction.id).iterator()):
        yield {"time": i.occurred_at, "kind": i.kind, "detail": i.detail, "note": i.note}


TABLES = [
    Table("interactions", _l("Our dealings with you"), [
        Field("time", _l("When"), "datetime"), Field("kind", _l("What happened")), Field("detail", _l("Details")),
        Field("note", _l("Notes")),
    ], _interactions, shows={
        "customer_actions": lambda r: f"{when(r['time'])}: {r['kind']} {r['detail']}".strip(),
    }),
]


def erase(person):
    """Remove the person's relationship log."""
    Interaction.delete().where(Interaction.person == person).execute()
