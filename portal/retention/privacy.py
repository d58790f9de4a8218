"""The retention concern holds no one's data: its permits exist only inside its own transaction."""
from .models import ConsentEventPermit

COVERS = {ConsentEventPermit: "not personal: empty outside the retention job's transaction"}

TABLES = []


def erase(person):
    """Nothing to erase."""
