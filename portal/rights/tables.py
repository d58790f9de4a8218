"""How a concern describes its share of a person's data for the export.

Each concern's `privacy.export(person)` returns `Table`s: a name (the CSV file
and the key in data.json), what it holds, its fields with their meaning and
JSON type, and a function that yields the rows. Rows are produced lazily, so
the export is written as a stream whatever the length of the history.
"""
from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass
class Field:
    """One column: its name, what it means (translated) and its JSON type."""

    name: str
    meaning: object
    type: str = "string"  # string, integer, boolean
    nullable: bool = False

    def schema(self):
        return {"type": [self.type, "null"] if self.nullable else self.type}


@dataclass
class Table:
    """A table of a person's export."""

    name: str
    title: object
    fields: list
    rows: Callable[[], Iterable[dict]] = field(repr=False)


def iso(value):
    """Return a datetime as ISO 8601 text (UTC), or None."""
    return value.isoformat() if value is not None else None
