"""The relationship log's share of a person's data: each kind of entry under its own field key."""
from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .models import KIND_FIELDS, Interaction

COVERS = {Interaction: "exported; deleted on erasure"}


def _interactions(person):
    for i in (Interaction.select().where(Interaction.person == person)
              .order_by(Interaction.occurred_at, Interaction.id).iterator()):
        yield {"time": i.occurred_at, "kind": i.kind, "detail": i.detail, "note": i.note, "purpose": i.purpose}


def _line(key):
    def show(row):
        if KIND_FIELDS.get(row["kind"]) != key:
            return None
        note = f" · {row['note']}" if row["note"] else ""
        return f"{when(row['time'])}: {row['detail']}{note}".strip()
    return show


TABLES = [
    Table("interactions", _l("Our dealings with you"), [
        Field("time", _l("When"), "datetime"),
        Field("kind", _l("What: free_material_sent, message, action, quality (a quality-control note), "
                         "customer_email (an email you sent us) or consented (other data collected with your "
                         "permission)")),
        Field("detail", _l("Details")), Field("note", _l("Notes")),
        Field("purpose", _l("The consent the data was collected with (deleted when you withdraw it)"),
              nullable=True),
    ], _interactions, shows={key: _line(key) for key in sorted(set(KIND_FIELDS.values()))}),
]


def erase(person):
    """Remove the person's relationship log."""
    Interaction.delete().where(Interaction.person == person).execute()
