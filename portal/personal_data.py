"""The words every concern uses to say where a person's data lives.

A concern's `privacy.py` lists its `Table`s. A table names one part of the
export (the CSV file and the key in data.json), says what each field means,
reads the person's rows, and says which of the register definition's field
keys it shows on "My data" and how a row reads there. The export, its JSON
Schema and "My data" all read these tables, so a table added to a concern
appears in all three. Nothing here knows any concern.
"""
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import format_datetime

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
JSON_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "datetime": "string"}


@dataclass
class Field:
    """One column: its name, what it means (translated) and its type."""

    name: str
    meaning: object
    type: str = "string"  # string, integer, boolean, or datetime (ISO 8601 text in UTC)
    nullable: bool = False

    def schema(self):
        """Return the field's JSON Schema."""
        kind = JSON_TYPES[self.type]
        return {"type": [kind, "null"] if self.nullable else kind}

    def exported(self, value):
        """Return `value` as data.json and the CSV files hold it."""
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        return value


@dataclass
class Table:
    """A part of a person's data: read from the database, exported, and shown on "My data".

    `read(person)` yields one dict per row with a value for every field (datetimes
    as datetimes). `shows` maps register field keys to a function that turns a row
    into the line "My data" shows for it (or None to skip the row).
    """

    name: str
    title: object
    fields: list
    read: Callable[[object], Iterable[dict]] = field(repr=False)
    shows: dict = field(default_factory=dict, repr=False)

    def rows(self, person):
        """Yield the person's rows as the export writes them."""
        for row in self.read(person):
            yield {f.name: f.exported(row.get(f.name)) for f in self.fields}

    def lines(self, person, key):
        """Return what "My data" shows for field `key`, newest first."""
        show = self.shows[key]
        lines = (show(row) for row in self.read(person))
        return [line for line in reversed(list(lines)) if line]


def when(value):
    """Return a datetime as "My data" shows it (short, in the reader's language and time zone)."""
    return format_datetime(value, "short") if value else ""


def csv_safe(value):
    """Return a cell for a CSV file, neutralised if a spreadsheet would run it as a formula (IO-07)."""
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(CSV_TRIGGERS) else text
