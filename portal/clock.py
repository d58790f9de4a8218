"""The one clock of the portal: naive UTC datetimes, shiftable by tests.

Everything that compares times (token expiry, session timeouts, mail retries)
asks `now()`, so tests can move time forward instead of sleeping.
"""
import datetime as dt
import time

_offset = dt.timedelta(0)
# The years a date typed or sent to the portal may have. Python's calendar ends
# at 9999, and a day, a month or a time zone added to its last day overflows.
YEARS = range(1900, 3000)


def now():
    """Return the current UTC time without tzinfo (as stored in the database)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + _offset


def in_calendar(value):
    """Return True if a date or datetime lies within the years the portal handles (YEARS)."""
    return value.year in YEARS


def timestamp():
    """Return the current Unix time in seconds, shifted like `now()`."""
    return time.time() + _offset.total_seconds()


def travel(delta):
    """Move the clock by `delta` (tests only); return the new offset."""
    global _offset
    _offset += delta
    return _offset


def reset():
    """Put the clock back to real time."""
    global _offset
    _offset = dt.timedelta(0)
