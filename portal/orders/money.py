"""Money as whole cents: VAT included in a price, totals per VAT rate, display.

A price includes VAT. The VAT of a line is computed from the line's total
(quantity x unit price) with Decimal and rounded half up to a cent; an
invoice's VAT per rate is the sum of its lines' VAT at that rate, so the
lines, the rates and the total always add up.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import format_decimal


def included_vat(total_cents, vat_rate_bp):
    """Return the VAT in cents included in a VAT-inclusive total."""
    rate = Decimal(vat_rate_bp)
    vat = Decimal(total_cents) * rate / (Decimal(10000) + rate)
    return int(vat.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amounts(quantity, unit_price_cents, vat_rate_bp):
    """Return (total_cents, vat_cents) of a line."""
    total = quantity * unit_price_cents
    return total, included_vat(total, vat_rate_bp)


@dataclass
class RateTotal:
    """The lines at one VAT rate: net, VAT and gross in cents."""

    vat_rate_bp: int
    net_cents: int = 0
    vat_cents: int = 0
    gross_cents: int = 0


def totals_by_rate(lines):
    """Return a RateTotal per VAT rate of `lines` (highest rate first)."""
    rates = {}
    for line in lines:
        total = rates.setdefault(line.vat_rate_bp, RateTotal(line.vat_rate_bp))
        total.gross_cents += line.total_cents
        total.vat_cents += line.vat_cents
        total.net_cents += line.total_cents - line.vat_cents
    return sorted(rates.values(), key=lambda r: -r.vat_rate_bp)


def _decimal(text):
    """Return the number written in `text`; raise ValueError for anything else ('abc', 'NaN', '∞')."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


def parse_euros(text):
    """Return whole cents from '49', '49.90' or '49,90'; raise ValueError."""
    cents = _decimal(str(text).strip().replace(",", ".").replace(" ", "")) * 100
    if cents != cents.to_integral_value() or cents < 0:
        raise ValueError(f"not an amount of euros and cents: {text!r}")
    return int(cents)


def parse_rate(text):
    """Return basis points from a percentage such as '25.5' or '25,5'; raise ValueError."""
    value = _decimal(str(text).strip().replace(",", ".").rstrip("%").strip()) * 100
    if value != value.to_integral_value() or not 0 <= value <= 10000:
        raise ValueError(f"not a VAT rate in per cent: {text!r}")
    return int(value)


def euros(cents):
    """Format cents as euros in the page's language (49,90 €, with a no-break space)."""
    return f"{format_decimal(Decimal(cents) / 100, format='#,##0.00')}\u00a0€"


def percent(vat_rate_bp):
    """Format a VAT rate in basis points as a percentage (25,5 %)."""
    return f"{format_decimal(Decimal(vat_rate_bp) / 100, format='#,##0.##')}\u00a0%"
