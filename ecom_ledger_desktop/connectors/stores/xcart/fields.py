"""Typed reads out of one X-Cart document, failing with a message that names the order.

Each read returns the promised type or raises ``RecordError(invalid_data)`` saying which order,
which field, what is wrong and what to do, e.g. ``Order 42: item 2 (SKU 'XC-MUG') has price
'abc', which is not an amount; correct the order in X-Cart, then retry.``
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

LIMIT = Decimal(10) ** 10  # decimal(14,4): at most 10 digits before the point
FIX = "correct it in X-Cart (or ignore it here), then retry"


def shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    return "empty" if value is None else str(value)[:40]


class Reader:
    """Reads fields of one record; ``subject`` opens every message (``Order 42``)."""

    def __init__(self, subject: str, record_id: str = "") -> None:
        self.subject, self.record_id = subject, record_id

    def at(self, where: str) -> Reader:
        return Reader(f"{self.subject}: {where}", self.record_id)

    def fail(self, complaint: str, field: str, code: str = "invalid_data") -> NoReturn:
        raise RecordError(RecordProblem(
            code=code, message=f"{self.subject} {complaint}; {FIX}.",
            fixes=[Fix("retry", "Retry after correcting it in X-Cart"),
                   Fix("ignore", "Skip this record")],
            detail=f"record {self.record_id or '?'}, field {field}"))

    def mapping(self, raw: Any, key: str, words: str) -> Mapping[str, Any]:
        value = raw.get(key)
        if not isinstance(value, Mapping):
            self.fail(f"has no {words} ({key}: {shown(value)})", key)
        return value

    def items(self, raw: Mapping[str, Any], key: str, words: str) -> list[Any]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"has {words} ({key}) that are not a list but {shown(value)}", key)
        return value

    def text(self, raw: Mapping[str, Any], key: str, words: str, *, required: bool = False
             ) -> str:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"has no {words} ({key})", key)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(f"has {words} {shown(value)} ({key}), which is not text", key)
        return str(value).strip()

    def amount(self, raw: Mapping[str, Any], key: str, words: str, *, required: bool = False,
               negative: bool = False) -> Decimal:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"has no {words} ({key})", key)
            return Decimal(0)
        if isinstance(value, bool):
            self.fail(f"has {words} {shown(value)} ({key}), which is not an amount", key)
        try:
            number = value if isinstance(value, Decimal) else Decimal(
                str(value).strip() if isinstance(value, str | int) else "x")
        except InvalidOperation:
            self.fail(f"has {words} {shown(value)} ({key}), which is not an amount", key)
        if not number.is_finite() or abs(number) >= LIMIT:
            self.fail(f"has {words} {shown(value)} ({key}), which is not a usable amount", key)
        if number < 0 and not negative:
            self.fail(f"has {words} {shown(value)} ({key}), which cannot be negative", key)
        return number

    def qty(self, raw: Mapping[str, Any], key: str) -> Decimal:
        number = self.amount(raw, key, "quantity", required=True)
        if number <= 0 or number != number.to_integral_value():
            self.fail(f"has quantity {shown(raw.get(key))} ({key}), which is not a whole number "
                      "above zero", key)
        return number

    def stamp(self, raw: Mapping[str, Any], key: str, words: str, *, required: bool = False
              ) -> datetime | None:
        value = raw.get(key)
        moment = parse_stamp(value)
        if moment is None and (required or value is not None):
            if value is None:
                self.fail(f"has no {words} ({key})", key)
            self.fail(f"has {words} {shown(value)} ({key}), which is not a date", key)
        return moment


def parse_stamp(value: Any) -> datetime | None:
    """Unix seconds (5.x) or an ISO-8601 string with an offset (5.5) as an aware UTC instant."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 32503680000:
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return parse_stamp(int(text))
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.astimezone(UTC) if moment.tzinfo else None
    return None
