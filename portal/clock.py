"""The one clock of the portal: naive UTC datetimes, shiftable by tests, and the calendar.

Everything that compares times (token expiry, session timeouts, mail retries)
asks `now()`, so tests can move time forward instead of sleeping. Times are
stored in UTC and shown, entered and counted in days in Helsinki time, where
the business and its books are; `local` and `utc` convert between the two.
"""
import calendar
import datetime as dt
import time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

_offset = dt.timedelta(0)
# The years a date typed or sent to the portal may have. Python's calendar ends
# at 9999, and a day, a month or a time zone added to its last day overflows.
YEARS = range(1900, 3000)


def now():
    """Return the current UTC time without tzinfo (as stored in the database)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) + _offset


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


def local(moment):
    """Return a naive UTC datetime as naive Helsinki time (None stays None)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC).astimezone(HELSINKI).replace(tzinfo=None)


def utc(local_moment):
    """Return a naive Helsinki time as naive UTC (None stays None)."""
    if local_moment is None:
        return None
    return local_moment.replace(tzinfo=HELSINKI).astimezone(dt.UTC).replace(tzinfo=None)


def add_months(moment, months):
    """Return the same time `months` calendar months later, or earlier when negative.

    A day that the target month lacks becomes its last day: 31 January + 1 month
    is 28 (or 29) February, and 29 February - 12 months is 28 February.
    """
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
