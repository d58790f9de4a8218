"""What "My data" shows: every data category of the register, with the values held.

The values come from the same tables the export writes (each concern's
`privacy.TABLES`), so the page and the ZIP cannot disagree. A field key that
no table shows yet is listed in `NOT_STORED`: the page says "nothing recorded",
which is the truth, and a test keeps the list honest.
"""
from ..register import get_register
from ..register.fields import field_name
from .registry import tables

# Named by a shipped definition, but nothing in the portal stores them yet.
NOT_STORED = {"address", "newsletter_opens", "newsletter_clicks"}


def shown_keys():
    """Return every field key some table shows on "My data"."""
    return {key for table in tables() for key in table.shows}


def values(person, key):
    """Return the lines "My data" shows for field `key`, newest first."""
    return [line for table in tables() if key in table.shows for line in table.lines(person, key)]


def categories_of(person):
    """Return [(category, [(field name, lines)], recipients)] for every category of the definition."""
    register = get_register()
    found = []
    for category in register.categories.values():
        fields = [(field_name(key), values(person, key)) for key in category.fields]
        recipients = [r for r in register.recipients.values() if set(r.fields) & set(category.fields)]
        found.append((category, fields, recipients))
    return found
