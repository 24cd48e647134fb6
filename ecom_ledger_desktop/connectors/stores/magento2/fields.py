"""Typed reads out of one Magento record, failing with a message that names the record.

Every read either returns a value of the promised type or raises ``RecordError`` with code
``invalid_data`` whose message says which record, which line, which field, what is wrong and
what to do, e.g. ``Order 000000123: line 2 (SKU 'MB-1') has quantity -1 (qty_ordered), which
cannot be negative; correct the order in Magento, then retry.`` Nothing here raises a bare
``KeyError``/``TypeError``/``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import to_decimal

_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
#: Magento keeps money in ``decimal(20,4)`` columns (at most 16 digits before the point) and
#: quantities in ``decimal(12,4)`` (at most 8). Anything larger cannot come from Magento, and
#: Decimal's 28-digit context could not round it to a minor unit (``InvalidOperation``).
AMOUNT_LIMIT = Decimal(10) ** 16
QTY_LIMIT = Decimal(10) ** 8
_SHOWN_MAX = 40


def shown(value: Any) -> str:
    """A value as a merchant should read it in a message (short, quoted when text)."""
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_MAX else value[:_SHOWN_MAX] + "…"
        return repr(text)
    if value is None:
        return "empty"
    text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


class FieldReader:
    """Reads fields of one record; ``subject`` opens every message (``Order 000000123``)."""

    def __init__(self, subject: str, *, fix: str, record_id: str = "") -> None:
        self.subject = subject
        self.fix = fix
        self.record_id = record_id

    def at(self, where: str) -> FieldReader:
        """A reader for a part of the record, e.g. ``line 2 (SKU 'MB-1')``."""
        return FieldReader(f"{self.subject}: {where}", fix=self.fix, record_id=self.record_id)

    def fail(self, complaint: str, field: str) -> NoReturn:
        """Raise ``RecordError(invalid_data)`` saying ``<subject> <complaint>; <fix>.``."""
        message = f"{self.subject} {complaint}; {self.fix}."
        raise RecordError(RecordProblem(
            code="invalid_data",
            message=message,
            fixes=[Fix("retry", "Retry after correcting it in Magento"),
                   Fix("ignore", "Skip this record")],
            detail=f"record {self.record_id or '?'}, field {field}",
        ))

    # -- raw access -------------------------------------------------------------------------

    def required(self, raw: Mapping[str, Any], key: str, words: str) -> Any:
        """``raw[key]``, failing when absent or null."""
        value = raw.get(key)
        if value is None:
            self.fail(f"has no {words} ({key})", key)
        return value

    # -- typed reads ------------------------------------------------------------------------

    def amount(self, raw: Mapping[str, Any], key: str, words: str, *, required: bool = False,
               allow_negative: bool = False, limit: Decimal = AMOUNT_LIMIT) -> Decimal:
        """A Decimal amount; absent/null is 0 unless ``required``.

        Wire numbers arrive as Decimal/int (``core.money.loads``); numeric strings are accepted;
        a float (a caller that used plain ``json.loads``) is converted through its shortest
        repr, which is exactly the text the JSON held. Magnitudes from ``limit`` up (money:
        ``AMOUNT_LIMIT``; pass ``QTY_LIMIT`` for quantities) are refused: Magento cannot hold
        them.
        """
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"has no {words} ({key})", key)
            return Decimal(0)
        number = self._number(value, key, words)
        if number < 0 and not allow_negative:
            self.fail(f"has {words} {number} ({key}), which cannot be negative", key)
        if abs(number) >= limit:
            self.fail(f"has {words} {shown(value)} ({key}), which is too large to be real "
                      f"(Magento holds less than {limit:,})", key)
        return number

    def _number(self, value: Any, key: str, words: str) -> Decimal:
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else to_decimal(value)
        except (ValueError, InvalidOperation):
            self.fail(f"has {words} {shown(value)} ({key}), which is not a number", key)
        if not number.is_finite():
            self.fail(f"has {words} {shown(value)} ({key}), which is not a number", key)
        return number

    def text(self, raw: Mapping[str, Any], key: str, words: str, *,
             required: bool = False) -> str:
        """Text as given (emoji, RTL, any length kept); numbers become their digits."""
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"has no {words} ({key})", key)
            return ""
        if isinstance(value, bool):
            self.fail(f"has {words} {shown(value)} ({key}), which is not text", key)
        if isinstance(value, str):
            if required and not value.strip():
                self.fail(f"has an empty {words} ({key})", key)
            return value
        if isinstance(value, int | Decimal):
            return str(value)
        self.fail(f"has {words} {shown(value)} ({key}), which is not text", key)

    def identifier(self, raw: Mapping[str, Any], key: str, words: str) -> str:
        """A required positive integer id (Magento ``entity_id``), as text."""
        value = self.required(raw, key, words)
        if isinstance(value, bool):
            self.fail(f"has {words} {shown(value)} ({key}), which is not an id", key)
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        else:
            self.fail(f"has {words} {shown(value)} ({key}), which is not an id", key)
        if number <= 0:
            self.fail(f"has {words} {number} ({key}), which is not an id", key)
        return str(number)

    def timestamp(self, raw: Mapping[str, Any], key: str, words: str) -> datetime:
        """A Magento UTC datetime (``YYYY-MM-DD HH:MM:SS``, no designator) as aware UTC."""
        value = self.required(raw, key, words)
        parsed = parse_timestamp(value)
        if parsed is None:
            self.fail(f"has {words} {shown(value)} ({key}), which is not a date and time", key)
        return parsed

    def currency(self, raw: Mapping[str, Any], key: str) -> str:
        """A three-letter ISO 4217 code, upper-cased."""
        value = self.required(raw, key, "currency code")
        if not isinstance(value, str) or not _CURRENCY_RE.match(value.strip()):
            self.fail(f"has currency code {shown(value)} ({key}), which is not a three-letter "
                      "ISO code like USD or EUR", key)
        return value.strip().upper()

    def flag(self, raw: Mapping[str, Any], key: str) -> bool:
        """A 0/1 (or boolean, or "0"/"1"/"true"/"false") flag; absent is False."""
        value = raw.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false", ""):
            return value.strip().lower() in ("1", "true")
        self.fail(f"has {shown(value)} as {key}, which is not 0 or 1", key)

    def mapping(self, raw: Mapping[str, Any], key: str, words: str) -> Mapping[str, Any] | None:
        """A nested object, or None when absent/null/an empty list (PHP's empty array)."""
        value = raw.get(key)
        if value is None or value == []:
            return None
        if not isinstance(value, Mapping):
            self.fail(f"has {words} ({key}) in the wrong shape (expected an object)", key)
        return value

    def records(self, raw: Mapping[str, Any], key: str, words: str, *,
                required: bool = False) -> list[Mapping[str, Any]]:
        """A list of objects (``items``, ``status_histories``); absent is ``[]``."""
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"has no {words} ({key})", key)
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.fail(f"has {words} ({key}) in the wrong shape (expected a list of objects)", key)
        return value


def parse_timestamp(value: Any) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` (UTC, Magento's wire form) or ISO-8601 -> aware UTC; else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parsed = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed
