"""Shared business rules: known properties, lengths, names, references, dates, currency.

Each check raises a :class:`~.faults.QboFault` with the real code (reference A2, A8).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import faults
from .company import Company, Record, money
from .schema_fields import ATTRIBUTES, FIELDS

NAME_FORBIDDEN = (":", "\t", "\n", "\r")
#: List names the 2500 Detail uses for each referenced entity.
LIST_NAMES = {"Customer": "Names", "Item": "Items", "Account": "Accounts",
              "PaymentMethod": "PaymentMethods", "Term": "SalesTerms", "TaxCode": "TaxCodes",
              "TaxRate": "TaxRates"}
ADDRESS_LIMITS = {"Line1": 500, "Line2": 500, "Line3": 500, "Line4": 500, "Line5": 500,
                  "City": 255, "Country": 255, "CountrySubDivisionCode": 255, "PostalCode": 30}


def check_known_properties(entity: str, body: dict[str, Any]) -> None:
    """2010 for a top-level property the entity type does not have (and for bad line keys)."""
    known = FIELDS[entity]
    for key in body:
        if key not in known and key not in ATTRIBUTES:
            raise faults.unsupported_property(key, entity, known)
    lines = body.get("Line")
    if lines is None:
        return
    if not isinstance(lines, list):
        raise faults.invalid_property("Line")
    for line in lines:
        if not isinstance(line, dict):
            raise faults.invalid_property("Line")
        for key in line:
            if key not in FIELDS["Line"]:
                raise faults.unsupported_property(key, "Line", FIELDS["Line"])


def check_length(element: str, value: Any, maximum: int) -> None:
    """2050 when a string is longer than ``maximum``."""
    if value is None:
        return
    if not isinstance(value, str):
        raise faults.invalid_property(element)
    if len(value) > maximum:
        raise faults.too_long(element, maximum, len(value))


def check_name_chars(element: str, value: Any) -> None:
    """Names may not contain a colon, tab or newline."""
    if isinstance(value, str) and any(ch in value for ch in NAME_FORBIDDEN):
        raise faults.business(
            f"{element} cannot contain a colon (:), tab or newline. Supplied value:{value}",
            element=element)


def check_address(element: str, addr: Any) -> None:
    """PhysicalAddress lengths: lines 500 each (2000 combined), City 255, PostalCode 30..."""
    if addr is None:
        return
    if not isinstance(addr, dict):
        raise faults.invalid_property(element)
    for key, maximum in ADDRESS_LIMITS.items():
        check_length(f"{element}.{key}", addr.get(key), maximum)
    combined = sum(len(str(addr.get(f"Line{i}") or "")) for i in range(1, 6))
    if combined > 2000:
        raise faults.too_long(f"{element}.Line1", 2000, combined)


def check_email(element: str, holder: Any) -> None:
    """EmailAddress.Address must contain '@' and '.', at most 100 characters."""
    if holder is None:
        return
    if not isinstance(holder, dict):
        raise faults.invalid_property(element)
    address = holder.get("Address")
    if address is None:
        return
    check_length(f"{element}.Address", address, 100)
    if "@" not in address or "." not in address:
        raise faults.business(f"Invalid Email Address format. Supplied value:{address}",
                              element=f"{element}.Address")


def name_key(name: str) -> str:
    """Uniqueness key: QBO trims and compares case-insensitively."""
    return name.strip().casefold()


def ref_value(body: dict[str, Any], key: str) -> str | None:
    """The ``value`` of a reference property, or None when absent."""
    ref = body.get(key)
    if ref is None:
        return None
    if not isinstance(ref, dict) or ref.get("value") in (None, ""):
        raise faults.invalid_property(key)
    return str(ref["value"])


def resolve(company: Company, entity: str, ref_id: str) -> Record:
    """A referenced object: 2500 when unknown or deleted, 610 when inactive."""
    rec = company.get(entity, ref_id)
    if rec is None or rec.deleted:
        raise faults.invalid_reference(LIST_NAMES.get(entity, entity + "s"), ref_id)
    if rec.data.get("Active") is False:
        raise faults.object_not_found()
    return rec


def resolve_ref(company: Company, body: dict[str, Any], key: str, entity: str) -> Record | None:
    """Resolve ``body[key]`` if present."""
    value = ref_value(body, key)
    return None if value is None else resolve(company, entity, value)


def parse_date(element: str, value: Any) -> date:
    """A ``YYYY-MM-DD`` date (2010 otherwise)."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise faults.invalid_property(element) from exc


def decimal_field(element: str, value: Any) -> Decimal:
    """A numeric field as Decimal (2010 when not a number)."""
    try:
        return money(value)
    except (ValueError, InvalidOperation) as exc:
        raise faults.invalid_property(element) from exc


def check_not_closed(company: Company, txn_date: str) -> None:
    """6210 when the books are closed on or after ``txn_date``."""
    close = company.book_close_date()
    if close and txn_date[:10] <= close:
        raise faults.closed_period(txn_date[:10], close)


def check_currency(company: Company, code: str) -> None:
    """6000 when a currency is not enabled for the company."""
    if code not in company.enabled_currencies:
        raise faults.business(
            f"The currency {code} is not enabled for this company. Turn on the currency "
            "in the currency list before you use it.", element="CurrencyRef")
    if code != company.home_currency and not company.pref("CurrencyPrefs",
                                                          "MultiCurrencyEnabled", False):
        raise faults.business("Multicurrency is not enabled for this company.",
                              element="CurrencyRef")


def check_sync_token(record: Record, body: dict[str, Any]) -> None:
    """2020 when SyncToken is missing, 5010 when stale."""
    token = body.get("SyncToken")
    if token is None:
        raise faults.required("SyncToken")
    if str(token) != record.data["SyncToken"]:
        raise faults.stale_object()


def target_record(company: Company, entity: str, body: dict[str, Any]) -> Record:
    """The object an update/delete/void names by Id (2030 for non-numeric, 610 unknown)."""
    raw = body.get("Id")
    if raw is None:
        raise faults.required("Id")
    value = str(raw)
    if not value.isdigit():
        raise faults.invalid_id(value)
    rec = company.get(entity, value)
    if rec is None or rec.deleted:
        raise faults.object_not_found()
    return rec
