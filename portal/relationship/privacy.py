"""The relationship log's share of export and erasure."""
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import Interaction

COVERS = {Interaction: "exported"}


def export(person):
    """Return the person's relationship log, oldest first."""
    return [Table("interactions", _l("Our dealings with you"), [
        Field("time", _l("When")), Field("kind", _l("What happened")), Field("detail", _l("Details")),
        Field("note", _l("Notes")),
    ], lambda: ({"time": iso(i.occurred_at), "kind": i.kind, "detail": i.detail, "note": i.note}
                for i in Interaction.select().where(Interaction.person == person)
                .order_by(Interaction.occurred_at, Interaction.id).iterator()))]


def erase(person):
    """Remove the person's relationship log."""
    Interaction.delete().where(Interaction.person == person).execute()
