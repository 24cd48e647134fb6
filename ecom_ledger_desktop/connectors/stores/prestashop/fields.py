"""Typed reads out of one Webservice record, failing with a message that names the record.

Every value arrives as a string (1.7) or sometimes a number (8.x); money is a 6-decimal string.
A read returns the promised type or raises ``RecordError(invalid_data)`` saying which record,
which field, what is wrong and what to do. Dates are the shop's local time: they become aware
datetimes through the shop's time zone (``0000-00-00 00:00:00`` is PrestaShop's empty date).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

WIRE = "%Y-%m-%d %H:%M:%S"
NULL_DATE = "0000-00-00 00:00:00"
AMOUNT_LIMIT = Decimal(10) ** 14  # decimal(20,6)
FIX = "correct it in the PrestaShop back office, then retry"


def shown(value: Any) -> str:
    """A value as a merchant should read it."""
    if value is None:
        return "empty"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 42 else text[:40] + "…"


def problem(message: str, code: str = "invalid_data") -> RecordError:
    """A per-record problem with the usual fixes."""
    return RecordError(RecordProblem(code=code, message=message, fixes=[
        Fix("retry", "Retry after correcting it in PrestaShop"), Fix("ignore", "Skip this record")]))


class Reader:
    """Reads fields of one record; ``subject`` opens every message (``Order 12``)."""

    def __init__(self, row: Any, subject: str) -> None:
        if not isinstance(row, Mapping):
            raise problem(f"{subject} is not a record PrestaShop could have sent ({shown(row)}); "
                          f"{FIX}")
        self.row, self.subject = row, subject

    def fail(self, complaint: str) -> NoReturn:
        """``<subject> <complaint>; <fix>.``"""
        raise problem(f"{self.subject} {complaint}; {FIX}.")

    def text(self, field: str, default: str = "") -> str:
        """A text field ("" when absent)."""
        value = self.row.get(field)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.fail(f"has {shown(value)} as {field}, which is not text")
        return str(value).strip()

    def ident(self, field: str, *, required: bool = True) -> str:
        """A numeric id as text ("" when absent and not required)."""
        value = self.text(field)
        if not value and not required:
            return ""
        if not value.isdigit():
            self.fail(f"has {shown(self.row.get(field))} as {field}, which is not an id")
        return value

    def amount(self, field: str, *, required: bool = True) -> Decimal:
        """Money: a decimal string (``"71.510000"``)."""
        value = self.row.get(field)
        if value in (None, "") and not required:
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.fail(f"has {shown(value)} as {field}, which is not an amount")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(f"has {shown(value)} as {field}, which is not an amount")
        if not number.is_finite() or abs(number) >= AMOUNT_LIMIT:
            self.fail(f"has {shown(value)} as {field}, which is not an amount PrestaShop keeps")
        return number

    def quantity(self, field: str) -> Decimal:
        """A positive whole quantity."""
        qty = self.amount(field)
        if qty <= 0 or qty != qty.to_integral_value():
            self.fail(f"has quantity {shown(self.row.get(field))} ({field}), which must be a "
                      "whole number above zero")
        return qty

    def moment(self, field: str, zone: ZoneInfo, *, required: bool = True) -> datetime | None:
        """A shop-local ``Y-m-d H:i:s`` as an aware UTC datetime (None: the empty date)."""
        value = self.text(field)
        if not value or value.startswith("0000-00-00"):
            if required:
                self.fail(f"has no {field} (the date it {'changed' if 'upd' in field else 'was made'})")
            return None
        return local_to_utc(value, zone) or self.fail(
            f"has {shown(value)} as {field}, which is not a date and time")


def local_to_utc(value: Any, zone: ZoneInfo) -> datetime | None:
    """``Y-m-d H:i:s`` in ``zone`` -> aware UTC; None when it is not such a text."""
    if not isinstance(value, str):
        return None
    try:
        local = datetime.strptime(value.strip(), WIRE).replace(tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(UTC)


def to_local(moment: datetime, zone: ZoneInfo) -> str:
    """An aware datetime as the shop's local ``Y-m-d H:i:s`` (what filters compare)."""
    if moment.tzinfo is None:
        raise ValueError("PrestaShop filters need an aware datetime")
    return moment.astimezone(zone).strftime(WIRE)
