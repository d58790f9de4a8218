"""The retention concern holds no one's data: its permits exist only inside its own transaction."""
from .models import ConsentEventPermit

COVERS = {ConsentEventPermit: "not personal: empty outside the retention job's transaction"}


def export(person):
    """Return nothing: the retention job keeps no data of its own."""
    return []


def erase(person):
    """Nothing to erase."""
