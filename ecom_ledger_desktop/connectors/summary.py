"""The order as the merchant knows it from the store, for the error queue.

Each store kind declares a reader (``ConnectionKind.order_summary``: ``module:function(raw) ->
OrderSummary | None``) that turns the raw record it staged into this summary. It must tolerate rough
input: a flagged order is often one that could not be parsed, and the merchant still wants to see
what the store sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class OrderLine:
    """One line of the order as the store sent it."""

    sku: str
    name: str
    qty: Decimal | None
    price: Decimal | None
    row_total: Decimal | None


@dataclass
class OrderSummary:
    """The order as the merchant knows it from the store."""

    number: str
    created_at: str
    status: str
    customer_name: str
    email: str
    phone: str
    postcode: str
    total: Decimal | None
    currency: str
    payment_method: str
    lines: list[OrderLine] = field(default_factory=list)


def decimal_or_none(value: Any) -> Decimal | None:
    """A money or quantity value from rough input (None when it is not a number)."""
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None
