"""Finding people among a million: index-backed prefix search, filters, keyset pages.

A prefix is searched as a range (`x >= 'mai' AND x < 'maj'`: the last
character raised by one code point), which SQLite and PostgreSQL both answer
from an index, where `LIKE 'mai%'` would not. Names are matched on
`person.name_key`, case-folded in Python. Pages are keyset pages ordered by
(sort key, id), never offsets, and nothing is counted per page.
"""
import base64
import json
import sys

from peewee import JOIN, Tuple

from ..accounts.models import Account
from ..consents.audience import reachable_condition
from ..consents.models import Consent
from ..db import parse_id
from ..people.models import Person, name_key

PAGE = 50
SORTS = ("newest", "email", "name")
STATUSES = ("prospect", "subscriber", "member", "customer")


def _prefix(column, prefix):
    """Return the index-backed condition for `column` starting with `prefix`.

    The bound is the prefix with its last character raised by one; trailing
    U+10FFFF, the highest code point, has none above it, so it is dropped first.
    """
    stem = prefix.rstrip(chr(sys.maxunicode))
    if not stem:
        return column >= prefix
    upper = stem[:-1] + chr(ord(stem[-1]) + 1)
    return (column >= prefix) & (column < upper)


def encode_cursor(values):
    """Return an opaque cursor for the last row of a page."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(text, sort="newest"):
    """Return the (sort key, id) of a cursor for `sort`, or None if it is not one of ours."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != 2 or parse_id(values[1]) is None:
        return None
    key_type = int if sort == "newest" else str
    if not isinstance(values[0], key_type) or isinstance(values[0], bool):
        return None
    if sort == "newest" and parse_id(values[0]) is None:
        return None
    return values


def _base():
    return (Person.select(Person, Account)
            .join(Account, JOIN.LEFT_OUTER, on=(Account.person == Person.id), attr="account"))


def _filtered(query, status, state, purpose):
    if status in STATUSES:
        query = query.where(Person.status == status)
    for condition in _state_filter(state):
        query = query.where(condition)
    if purpose:
        query = query.where(reachable_condition(purpose))
    return query


def search(term="", status=None, state=None, purpose=None, sort="newest", cursor=None):
    """Return (people, next cursor or None) for one page.

    A term with "@" or "." is the start of an address, read in address
    order; any other term is the start of a name, read in name order, with
    the person whose username it is shown first. Each is one index range, so
    the page is read straight from the index however many people match.
    """
    term = name_key(term)
    query = _filtered(_base(), status, state, purpose)
    first = []
    if term and ("@" in term or "." in term):
        sort = "email"
        query = query.where(_prefix(Person.email, term))
    elif term:
        sort = "name"
        if not cursor:
            username = Account.select(Account.person).where(Account.username == term)
            first = list(_filtered(_base(), status, state, purpose).where(Person.id.in_(username)))
        query = query.where(_prefix(Person.name_key, term))
    sort = sort if sort in SORTS else "newest"
    key = {"newest": Person.id, "email": Person.email, "name": Person.name_key}[sort]
    position = decode_cursor(cursor, sort) if cursor else None
    if position is not None:
        last_key, last_id = position
        if sort == "newest":
            query = query.where(Person.id < last_id)
        else:
            query = query.where(Tuple(key, Person.id) > Tuple(last_key, last_id))
    query = query.order_by(Person.id.desc()) if sort == "newest" else query.order_by(key, Person.id)
    rows = list(query.limit(PAGE + 1))
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    next_cursor = None
    if more:
        last = rows[-1]
        value = {"newest": last.id, "email": last.email, "name": last.name_key}[sort]
        next_cursor = encode_cursor([value, last.id])
    seen = {row.id for row in rows}
    return [p for p in first if p.id not in seen] + rows, next_cursor


def _state_filter(state):
    if state == "restricted":
        return [Person.restricted_at.is_null(False)]
    if state == "objected":
        return [Person.id.in_(Consent.select(Consent.person).where(Consent.state == "objected"))]
    if state in ("pending_approval", "suspended"):
        return [Person.id.in_(Account.select(Account.person).where(Account.state == state))]
    if state == "unconfirmed":
        return [Person.id.in_(Account.select(Account.person).where(Account.email_verified_at.is_null()))]
    return []
