"""Magento 2 order / credit memo parsing of bad input: a ``RecordError`` naming the order (or memo),
the line and the field, never a crash."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import parse_order
from ecom_ledger_desktop.core.errors import RecordError
from tests.connectors.magento2_orders import D, wire_item, wire_order

# --- bad input: RecordError naming the order and the field -----------------------------------

def _problem(raw: dict[str, Any]) -> str:
    with pytest.raises(RecordError) as caught:
        parse_order(raw)
    problem = caught.value.problem
    assert problem.code == "invalid_data"
    assert problem.fixes, "a flagged record offers a fix"
    return problem.message


def test_negative_quantity_names_order_line_sku_and_field() -> None:
    message = _problem(wire_order([wire_item(1, "ZZ-0", "1"), wire_item(2, "MB-1", "10.00", "-1")]))
    assert message.startswith("Order 000000123: line 2 (SKU 'MB-1') has quantity -1")
    assert "qty_ordered" in message
    assert message.endswith("correct the order in Magento, then retry.")


def test_string_price_that_is_not_a_number() -> None:
    raw = wire_order()
    raw["items"][0]["price"] = "abc"
    message = _problem(raw)
    assert "Order 000000123" in message and "'abc'" in message and "(price)" in message


def test_null_grand_total() -> None:
    message = _problem(wire_order(grand_total=None))
    assert message.startswith("Order 000000123 has no grand total (grand_total)")


@pytest.mark.parametrize(("field", "value"), [
    ("grand_total", "1e400"), ("grand_total", "99999999999999999999999999999.99"),
    ("price", D("1E+16")), ("qty_ordered", "1e12"), ("qty_ordered", D("-100000000"))])
def test_amounts_no_magento_column_can_hold_are_flagged_not_crashing(field: str, value: Any
                                                                      ) -> None:
    """decimal(20,4) money / decimal(12,4) quantities: anything larger could not be rounded to
    a cent in Decimal's 28-digit context downstream (InvalidOperation), so it is refused here."""
    raw = wire_order()
    (raw if field == "grand_total" else raw["items"][0])[field] = value
    message = _problem(raw)
    assert "Order 000000123" in message and f"({field})" in message
    assert "too large" in message or "cannot be negative" in message


def test_largest_amounts_magento_can_hold_still_parse() -> None:
    raw = wire_order()
    raw["items"][0]["qty_ordered"] = D("99999999.9999")
    raw["grand_total"] = D("9999999999999999.9999")
    order = parse_order(raw)
    assert order.grand_total == D("9999999999999999.9999")
    assert order.lines[0].qty == D("99999999.9999")


def test_unknown_currency_code_shape() -> None:
    message = _problem(wire_order(order_currency_code="US Dollars"))
    assert "Order 000000123" in message and "order_currency_code" in message
    assert "'US Dollars'" in message


def test_missing_entity_id() -> None:
    raw = wire_order()
    raw.pop("entity_id")
    message = _problem(raw)
    assert "Order 000000123" in message and "entity_id" in message


def test_missing_increment_id_names_the_entity_id() -> None:
    raw = wire_order()
    raw.pop("increment_id")
    assert _problem(raw).startswith("Order with id 42 has no order number (increment_id)")


def test_bad_timestamp() -> None:
    message = _problem(wire_order(created_at="yesterday"))
    assert "Order 000000123" in message and "created_at" in message


def test_items_not_a_list() -> None:
    assert "(items)" in _problem(wire_order(items="oops"))  # type: ignore[arg-type]


def test_missing_sku() -> None:
    raw = wire_order()
    raw["items"][0].pop("sku")
    message = _problem(raw)
    assert message.startswith("Order 000000123: line 1 has no SKU (sku)")


def test_boolean_amount_is_not_a_number() -> None:
    message = _problem(wire_order(shipping_amount=True))
    assert "shipping_amount" in message


def test_nan_amount_is_not_a_number() -> None:
    message = _problem(wire_order(tax_amount="NaN"))
    assert "tax_amount" in message


def test_order_that_is_not_an_object() -> None:
    with pytest.raises(RecordError) as caught:
        parse_order(["not", "an", "order"])  # type: ignore[arg-type]
    assert caught.value.problem.code == "invalid_data"


def test_bad_creditmemo_names_memo_and_field() -> None:
    memo: dict[str, Any] = {"entity_id": 4, "order_id": 42, "increment_id": "000000004",
            "created_at": "2024-05-02 09:00:00", "order_currency_code": "USD",
            "grand_total": D("10"), "items": [{"order_item_id": 1, "sku": "MB-1", "qty": D("-1"),
                                                "price": D("10"), "row_total": D("10")}]}
    with pytest.raises(RecordError) as caught:
        parse_creditmemo(memo)
    message = caught.value.problem.message
    assert message.startswith("Credit memo 000000004 (order id 42): line 1")
    assert "(qty)" in message
    ok: dict[str, Any] = copy.deepcopy(memo)
    ok["items"][0]["qty"] = D("1")
    ok["adjustment_positive"], ok["adjustment_negative"] = D("1.5"), D("0.5")
    refund = parse_creditmemo(ok)
    assert refund.adjustment == D("1.0") and refund.order_source_id == "42"
