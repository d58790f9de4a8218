"""Retention periods read from the register definition.

`period(rule)` turns `sent + 90 days` or `withdrawn + 3 years` into a length
of time, counted like a calendar would. The vouchers' own period is in
orders/accounting.py.
"""
import datetime as dt
import re

from ..clock import add_months

RULE = re.compile(r"^(?:(?P<anchor>[a-z_]+) \+ )?(?P<n>\d{1,4}) (?P<unit>days|months|years)$")


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
