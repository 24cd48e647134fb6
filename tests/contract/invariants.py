"""What every canonical record must satisfy, whichever store it came from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ecom_ledger_desktop.models.commerce import Order, Refund

MINOR_UNIT = Decimal("0.01")


def _walk(value: Any, path: str) -> list[str]:
    """Every float (money must be Decimal) and naive timestamp below ``value``."""
    if isinstance(value, float):
        return [f"{path} is a float ({value!r}): money is Decimal"]
    if isinstance(value, datetime) and value.tzinfo is None:
        return [f"{path} has no time zone"]
    if isinstance(value, BaseModel):
        return [p for name in type(value).model_fields
                for p in _walk(getattr(value, name), f"{path}.{name}")]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _walk(item, f"{path}[{i}]")]
    return []


def check_record(record: Order | Refund) -> None:
    """Schema-valid (the model validates its own dump again), Decimal money, aware stamps."""
    assert type(record).model_validate(record.model_dump()) == record
    problems = _walk(record, type(record).__name__)
    assert not problems, problems


def check_order(order: Order) -> None:
    check_record(order)
    assert abs(order.computed_total - order.grand_total) <= MINOR_UNIT, (
        order.number, order.computed_total, order.grand_total)
    assert order.lines, "an order has lines"
    ids = [line.line_id for line in order.lines]
    assert len(ids) == len(set(ids)), f"line ids repeat: {ids}"
    if order.base_currency not in (None, order.currency):
        assert order.base_to_order_rate and order.base_to_order_rate > 0
        assert order.base_grand_total is not None


def check_refund(refund: Refund) -> None:
    check_record(refund)
    assert refund.grand_total >= 0 and refund.order_source_id
