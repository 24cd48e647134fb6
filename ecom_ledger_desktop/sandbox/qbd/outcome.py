"""What one request did: status, records to return, extra response attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .state import Record

OK = "Status OK"
NO_MATCH = "A query request did not find a matching object in QuickBooks"


@dataclass
class Outcome:
    """A request's result: ``rets`` are (``…Ret`` tag, record) pairs."""

    code: int = 0
    severity: str = "Info"
    message: str = OK
    rets: list[tuple[str, Record]] = field(default_factory=list)
    query: bool = False  # a query: the processor applies MaxReturned and iterators
    lines: bool = True  # return transaction lines (queries: only with IncludeLineItems)
    fields: dict[str, Any] = field(default_factory=dict)  # written directly in the …Rs

    @property
    def failed(self) -> bool:
        """An error (the request changed nothing)."""
        return self.severity == "Error"


def error(code: int, message: str) -> Outcome:
    """A failed request."""
    return Outcome(code, "Error", message)


def invalid_reference(what: str, name: str, where: str) -> Outcome:
    """3140, worded as QuickBooks words it."""
    return error(3140, f'There is an invalid reference to QuickBooks {what} "{name}" in the '
                       f"{where}.  QuickBooks error message: Invalid argument.  The specified "
                       "record does not exist in the list.")


def not_found(ident: str) -> Outcome:
    """3120: an object named by id does not exist."""
    return error(3120, f'Object "{ident}" specified in the request cannot be found.  QuickBooks '
                       "error message: Invalid argument.  The specified record does not exist "
                       "in the list.")


def ref_label(ref: dict[str, Any] | None) -> str:
    """How a ``…Ref`` names its target in messages."""
    if not ref:
        return ""
    return str(ref.get("FullName") or ref.get("ListID") or "")


def number(value: Any, default: Decimal | None = None) -> Decimal | None:
    """A decimal from request text (None/default when absent or not a number)."""
    if value in (None, ""):
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return default
