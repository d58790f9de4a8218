"""The relationship log's share of a person's export and erasure."""
from .models import Interaction


def export(person):
    """Return the person's relationship log, oldest first."""
    return {"interactions": [{"kind": i.kind, "detail": i.detail, "time": i.occurred_at.isoformat()}
                             for i in Interaction.select().where(Interaction.person == person)
                             .order_by(Interaction.occurred_at, Interaction.id)]}


def erase(person):
    """Remove the person's relationship log."""
    Interaction.delete().where(Interaction.person == person).execute()
