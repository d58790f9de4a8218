"""Retention periods read from the register definition, and the voucher period.

`period(rule)` turns `sent + 90 days` or `withdrawn + 3 years` into a length
of time; `voucher_kept_until(moment, financial_year_end)` says when a voucher
that arose at `moment` may go: 31 December of the sixth year after the end of
the financial year in which it arose (Kirjanpitolaki 2:10). Days and years
are counted in Helsinki time, where the books are kept.
"""
import datetime as dt
import re

from ..clock import add_months, local, utc

RULE = re.compile(r"^(?:(?P<anchor>[a-z_]+) \+ )?(?P<n>\d{1,4}) (?P<unit>days|months|years)$")
VOUCHER_YEARS = 6


class Period:
    """A length of time in days, months or years, added to a moment like a calendar would."""

    def __init__(self, n, unit):
        self.n, self.unit = n, unit

    def __repr__(self):
        return f"Period({self.n} {self.unit})"

    def before(self, moment):
        """Return `moment` minus this period (the cutoff: older than it has expired)."""
        if self.unit == "days":
            return moment - dt.timedelta(days=self.n)
        return add_months(moment, -self.n * (12 if self.unit == "years" else 1))


def period(rule):
    """Return the Period of a rule such as `sent + 90 days`, or None for one without a length."""
    match = RULE.match((rule or "").strip())
    return Period(int(match.group("n")), match.group("unit")) if match else None


def financial_year_end(moment, year_end):
    """Return the last day of the financial year that `moment` (UTC) falls in.

    `year_end` is the definition's MM-DD, e.g. "12-31" for the calendar year.
    """
    day = local(moment).date()
    month, mday = int(year_end[:2]), int(year_end[3:])
    end = dt.date(day.year, month, mday)
    return end if day <= end else dt.date(day.year + 1, month, mday)


def voucher_kept_until(moment, year_end, years=VOUCHER_YEARS):
    """Return the last day a voucher that arose at `moment` (UTC) must be kept."""
    return dt.date(financial_year_end(moment, year_end).year + years, 12, 31)


def voucher_cutoff(now, year_end, years=VOUCHER_YEARS):
    """Return the UTC moment before which vouchers have passed their period at `now`.

    A voucher may go once `now` is past 31 December of the sixth year after its
    financial year ended, so the financial years ending in or before the year
    seven years back are over: everything up to the end of the last of them.
    """
    month, mday = int(year_end[:2]), int(year_end[3:])
    last_year_over = local(now).year - years - 1
    end = dt.datetime(last_year_over, month, mday) + dt.timedelta(days=1)
    return utc(end)
