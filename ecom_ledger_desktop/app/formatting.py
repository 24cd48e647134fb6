"""Times, durations and amounts in the words a shop owner reads at a glance (local time)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal


def local(moment: datetime) -> datetime:
    """An aware instant in this computer's time zone."""
    return moment.astimezone()


def when(moment: datetime | None, now: datetime) -> str:
    """"today 10:42", "yesterday 18:03", "Mon 3 Nov 10:42" — or "never"."""
    if moment is None:
        return "never"
    at, today = local(moment), local(now).date()
    clock = at.strftime("%H:%M")
    if at.date() == today:
        return f"today {clock}"
    if at.date() == today - timedelta(days=1):
        return f"yesterday {clock}"
    if at.date() == today + timedelta(days=1):
        return f"tomorrow {clock}"
    return f"{at.strftime('%a')} {at.day} {at.strftime('%b')} {clock}"


def relative(moment: datetime, now: datetime) -> str:
    """"in 14 min", "in 2 h", "now"."""
    seconds = (moment - now).total_seconds()
    if seconds < 60:
        return "now" if seconds > -60 else "overdue"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"in {minutes} min"
    return f"in {round(minutes / 60)} h"


def eta(seconds: float | None) -> str:
    """"about 20 s left", "about 3 min left" (empty when unknown)."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    return f"about {round(seconds / 60)} min left"


def amount(value: Decimal, currency: str = "") -> str:
    """1234.5 → "1,234.50", or "1,234.50 USD" with its currency."""
    text = f"{value.quantize(Decimal('0.01')):,}"
    return f"{text} {currency}" if currency else text


def one_currency(currencies: Iterable[str]) -> str:
    """The one currency of some amounts ("" when there are several, or one is unknown)."""
    found = set(currencies)
    return next(iter(found)) if len(found) == 1 else ""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """"1 order", "3 orders"."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
