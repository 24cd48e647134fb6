"""Exact money arithmetic and Magento's wire formats for numbers and datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def dec(value: Any) -> Decimal:
    """A Decimal from a float, int, str or Decimal (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if value is None:
        return ZERO
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).strip())


def q2(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def num(value: Decimal | int) -> int | float:
    """The JSON number Magento prints: ``165`` for integers, ``154.35`` otherwise."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return int(d)
    return float(d.normalize())


def fmt_time(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC without a zone designator."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_time(text: str) -> datetime:
    """Inverse of ``fmt_time`` (aware, UTC)."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def money_text(amount: Decimal, currency: str) -> str:
    """``$5.00`` as Magento writes amounts into order comments."""
    return f"{SYMBOLS.get(currency, currency + ' ')}{q2(amount):,.2f}"
