"""How long the Accounting Act keeps a voucher (Kirjanpitolaki 2:10).

A voucher (an invoice with its order, lines and billing details) may go on
31 December of the sixth year after the end of the financial year in which it
arose. Years are counted in Helsinki time, where the books are kept.
"""
import datetime as dt

from ..clock import local, utc

VOUCHER_YEARS = 6


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
