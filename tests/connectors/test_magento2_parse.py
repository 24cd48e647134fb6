"""Magento 2 order / credit memo parsing: real captured payloads plus small inline cases."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.stores.magento2.errors import (
    AuthRefusedError,
    MagentoRequestError,
    NotFoundError,
    PageSizeTooLargeError,
    classify,
    render_message,
)
from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import is_paid, parse_order
from ecom_ledger_desktop.core.errors import RecordError, RetriableError
from ecom_ledger_desktop.core.money import loads

D = Decimal


def _payload(reference_dir: Path, name: str) -> Any:
    return loads((reference_dir / "payloads" / "magento2" / name).read_text(encoding="utf-8"))


def _item(item_id: int, sku: str, price: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"item_id": item_id, "order_id": 42, "sku": sku, "name": f"Name {sku}",
                           "price": D(price), "qty_ordered": D(qty), "tax_amount": 0,
                           "discount_amount": 0, "product_type": "simple"}
    row.update(extra)
    return row


def _order(items: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A small but complete order in the wire shape (Decimal money, as ``loads`` gives)."""
    order: dict[str, Any] = {
        "entity_id": 42, "increment_id": "000000123", "state": "processing",
        "status": "processing", "created_at": "2024-05-01 10:00:00",
        "updated_at": "2024-05-01 10:05:00", "order_currency_code": "USD",
        "base_currency_code": "USD", "customer_id": 7, "customer_is_guest": 0,
        "customer_email": "jane@example.com", "customer_firstname": "Jane",
        "customer_lastname": "Doe", "grand_total": D("25.00"), "base_grand_total": D("25.00"),
        "subtotal": D("20.00"), "shipping_amount": 5, "shipping_tax_amount": 0,
        "tax_amount": 0, "discount_amount": 0, "total_paid": D("25.00"),
        "items": items if items is not None else [_item(1, "MB-1", "10.00", "2")],
        "billing_address": {"firstname": "Jane", "lastname": "Doe", "street": ["1 Main St"],
                            "city": "Austin", "region": "Texas", "postcode": "78701",
                            "country_id": "US", "telephone": "512-555-0100",
                            "email": "jane@example.com"},
        "payment": {"method": "checkmo", "amount_paid": D("25.00"), "amount_ordered": D("25")},
        "status_histories": [],
    }
    order.update(extra)
    return order


# --- real captured payloads ------------------------------------------------------------------

def test_reference_order_parses_with_parent_lines_and_totals(reference_dir: Path) -> None:
    raw = _payload(reference_dir, "order_3_simple_downloadable_bundle_configurable.json")
    order = parse_order(raw)
    assert (order.source_id, order.number, order.currency) == ("3", "000000003", "USD")
    assert order.created_at == datetime(2017, 8, 21, 22, 22, 19, tzinfo=UTC)
    assert order.updated_at == datetime(2017, 8, 21, 22, 22, 20, tzinfo=UTC)
    assert order.state == "pending" and order.status_label == "pending"
    assert order.paid is False  # state "new", nothing paid or invoiced
    skus = [line.sku for line in order.lines]
    # simple, downloadable, the bundle's four priced children (dynamic bundle), configurable
    # parent carrying the child SKU; the bundle parent and the configurable child are skipped.
    assert skus == ["WS12-M-Orange", "240-LV08", "24-WG082-blue", "24-WG084", "24-WG086",
                    "24-WG088", "MH01-S-Gray"]
    hoodie = order.lines[-1]
    assert (hoodie.line_id, hoodie.name, hoodie.unit_price) == ("10", "Chaz Kangeroo Hoodie",
                                                                D(52))
    assert order.computed_total == order.grand_total == D("165")
    assert (order.shipping, order.discount, order.tax_total) == (D(5), D(0), D(0))
    assert order.customer.source_id == "3" and not order.customer.is_guest
    assert order.customer.full_name == "Jane Doe"
    assert order.shipping_address is not None and order.shipping_address.city == "Purchase"
    assert order.payment_method == "banktransfer" and order.payments == []


def test_reference_creditmemo_parses(reference_dir: Path) -> None:
    refund = parse_creditmemo(_payload(reference_dir, "creditmemo_1.json"))
    assert (refund.source_id, refund.order_source_id, refund.number) == ("1", "1", "000000001")
    assert refund.created_at == datetime(2021, 4, 5, 23, 43, 45, tzinfo=UTC)
    assert [(line.line_id, line.sku, line.qty, line.unit_price) for line in refund.lines] == [
        ("1", "simple_1", D(1), D(100))]
    assert (refund.shipping, refund.adjustment, refund.grand_total) == (D(5), D(0), D(105))


def test_creditmemo_rows_follow_the_order_rule(reference_dir: Path) -> None:
    order = _payload(reference_dir, "order_3_simple_downloadable_bundle_configurable.json")
    invoice = _payload(reference_dir, "invoice_3.json")  # same row shape as a credit memo
    memo = {**invoice, "order_id": 3, "increment_id": "000000009"}
    with_order = parse_creditmemo(memo, order=order)
    without_order = parse_creditmemo(memo)
    expected = ["WS12-M-Orange", "240-LV08", "24-WG082-blue", "24-WG084", "24-WG086",
                "24-WG088", "MH01-S-Gray"]
    assert [line.sku for line in with_order.lines] == expected
    assert [line.sku for line in without_order.lines] == expected
    assert sum(line.qty * line.unit_price for line in with_order.lines) == D("160")


def test_reference_invoice_discounts_show_the_sign_convention(reference_dir: Path) -> None:
    invoice = _payload(reference_dir, "invoice_with_cart_rule_discount.json")
    assert invoice["discount_amount"] == D("-404.4")  # order level: negative on the wire
    assert invoice["items"][0]["discount_amount"] == 144  # item level: positive


# --- composite products ----------------------------------------------------------------------

def test_configurable_posts_parent_with_child_sku_and_skips_child() -> None:
    parent = _item(1, "HOODIE-S-GRAY", "52.00", product_type="configurable", name="Hoodie")
    child = _item(2, "HOODIE-S-GRAY", "0", parent_item_id=1, name="Hoodie-S-Gray")
    order = parse_order(_order([parent, child], grand_total=D("57"), total_paid=D("57")))
    assert [(li.line_id, li.sku, li.name, li.unit_price) for li in order.lines] == [
        ("1", "HOODIE-S-GRAY", "Hoodie", D("52.00"))]


def test_dynamic_bundle_posts_children_and_skips_parent() -> None:
    parent = _item(1, "KIT", "30.00", product_type="bundle")
    kids = [_item(2, "BALL", "20.00", parent_item_id=1), _item(3, "MAT", "10.00", parent_item_id=1)]
    order = parse_order(_order([parent, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["BALL", "MAT"]
    assert order.computed_total == D("35")


def test_fixed_price_bundle_posts_parent_and_skips_children() -> None:
    parent = _item(1, "KIT", "30.00", product_type="bundle")
    kids = [_item(2, "BALL", "0", parent_item_id=1), _item(3, "MAT", "0", parent_item_id=1)]
    order = parse_order(_order([parent, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["KIT"]


def test_bundle_calculation_option_wins_over_prices() -> None:
    fixed = _item(1, "KIT", "30.00", product_type="bundle",
                  product_options={"product_calculations": 1})
    kids = [_item(2, "BALL", "20.00", parent_item_id=1), _item(3, "MAT", "10.00", parent_item_id=1)]
    order = parse_order(_order([fixed, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["KIT"]


def test_child_whose_parent_is_missing_is_invalid_data() -> None:
    orphan = _item(2, "BALL", "20.00", parent_item_id=99)
    with pytest.raises(RecordError) as caught:
        parse_order(_order([orphan]))
    assert "Order 000000123" in caught.value.problem.message
    assert "parent_item_id" in caught.value.problem.message


# --- customers, discounts, currency, paid ----------------------------------------------------

def test_guest_order_has_guest_customer_from_order_fields() -> None:
    order = parse_order(_order(customer_id=None, customer_is_guest=1,
                               customer_email="guest@example.com", customer_firstname="Gus",
                               customer_lastname="Guest"))
    assert order.customer.is_guest and order.customer.source_id is None
    assert (order.customer.email, order.customer.full_name) == ("guest@example.com", "Gus Guest")


def test_guest_with_boolean_flag_and_no_name_falls_back_to_billing_address() -> None:
    raw = _order(customer_is_guest=True)
    for key in ("customer_id", "customer_firstname", "customer_lastname", "customer_email"):
        raw.pop(key)
    order = parse_order(raw)
    assert order.customer.is_guest and order.customer.source_id is None
    assert order.customer.full_name == "Jane Doe"
    assert order.customer.email == "jane@example.com"
    assert order.customer.phone == "512-555-0100"


def test_negative_order_discount_becomes_positive_and_item_discount_stays_positive() -> None:
    line = _item(1, "MB-1", "50.00", "2", discount_amount=D("10.00"))
    order = parse_order(_order([line], discount_amount=D("-10.00"), grand_total=D("95.00"),
                               total_paid=D("95.00"), coupon_code="SAVE10"))
    assert order.discount == D("10.00")
    assert order.lines[0].discount == D("10.00")
    assert order.coupon_code == "SAVE10"
    assert order.computed_total == D("95.00")


def test_eur_order_uses_order_currency_amounts_not_base() -> None:
    raw = _order([_item(1, "MB-1", "18.45", "2")], order_currency_code="EUR",
                 base_currency_code="USD", grand_total=D("41.90"), base_grand_total=D("45.25"),
                 shipping_amount=5, base_shipping_amount=D("5.40"), total_paid=D("41.90"))
    order = parse_order(raw)
    assert order.currency == "EUR"
    assert order.grand_total == D("41.90")
    assert order.lines[0].unit_price == D("18.45")
    assert order.computed_total == D("41.90")


@pytest.mark.parametrize(("state", "total_paid", "total_invoiced", "expected"), [
    ("processing", "25.00", None, True),          # paid in full
    ("new", "10.00", None, False),                # partly paid
    ("new", None, None, False),                   # nothing recorded
    ("processing", None, "25.00", True),          # invoiced in full, order moved on
    ("complete", None, "25.00", True),
    ("new", None, "25.00", False),                # invoiced but still "new": not captured
    ("pending_payment", None, None, False),
])
def test_paid_rule(state: str, total_paid: str | None, total_invoiced: str | None,
                   expected: bool) -> None:
    raw = _order(state=state, total_paid=None if total_paid is None else D(total_paid),
                 total_invoiced=None if total_invoiced is None else D(total_invoiced))
    raw["payment"]["amount_paid"] = None
    assert parse_order(raw).paid is expected


def test_paid_rule_zero_total_is_paid() -> None:
    assert is_paid("pending", D(0), D(0), D(0)) is True


def test_payment_recorded_from_amount_paid() -> None:
    order = parse_order(_order())
    assert [(p.method, p.amount) for p in order.payments] == [("checkmo", D("25.00"))]


@pytest.mark.parametrize(("state", "expected"), [
    ("new", "pending"), ("pending_payment", "pending"), ("processing", "processing"),
    ("complete", "complete"), ("canceled", "canceled"), ("closed", "closed"),
    ("holded", "on_hold"), ("payment_review", "on_hold"), ("my_custom_state", "other"),
])
def test_state_mapping(state: str, expected: str) -> None:
    assert parse_order(_order(state=state)).state == expected


def test_shipping_address_only_from_shipping_assignments() -> None:
    raw = _order(extension_attributes={"shipping_assignments": [{"shipping": {"address": {
        "firstname": "Ana", "lastname": "Ship", "street": ["9 Dock Rd", "Unit 4"],
        "city": "Boston", "postcode": "02110", "country_id": "US"}}}]})
    order = parse_order(raw)
    assert order.shipping_address is not None
    assert order.shipping_address.lines == ["9 Dock Rd", "Unit 4"]
    assert parse_order(_order()).shipping_address is None  # virtual order: none


def test_emoji_rtl_and_very_long_names_are_kept() -> None:
    long_name = "Ж" * 1000
    line = _item(1, "MB-1", "10.00", "2", name="Mug ☕🎉 " + long_name)
    order = parse_order(_order([line], customer_firstname="שרה", customer_lastname="🦄"))
    assert order.lines[0].name == "Mug ☕🎉 " + long_name
    assert order.customer.first_name == "שרה" and order.customer.last_name == "🦄"


def test_float_amounts_from_plain_json_are_taken_exactly() -> None:
    raw = _order([_item(1, "MB-1", "0")], grand_total=154.35, total_paid=154.35)
    raw["items"][0]["price"] = 149.35
    order = parse_order(raw)
    assert order.grand_total == D("154.35") and order.lines[0].unit_price == D("149.35")


# --- bad input: RecordError naming the order and the field -----------------------------------

def _problem(raw: dict[str, Any]) -> str:
    with pytest.raises(RecordError) as caught:
        parse_order(raw)
    problem = caught.value.problem
    assert problem.code == "invalid_data"
    assert problem.fixes, "a flagged record offers a fix"
    return problem.message


def test_negative_quantity_names_order_line_sku_and_field() -> None:
    message = _problem(_order([_item(1, "ZZ-0", "1"), _item(2, "MB-1", "10.00", "-1")]))
    assert message.startswith("Order 000000123: line 2 (SKU 'MB-1') has quantity -1")
    assert "qty_ordered" in message
    assert message.endswith("correct the order in Magento, then retry.")


def test_string_price_that_is_not_a_number() -> None:
    raw = _order()
    raw["items"][0]["price"] = "abc"
    message = _problem(raw)
    assert "Order 000000123" in message and "'abc'" in message and "(price)" in message


def test_null_grand_total() -> None:
    message = _problem(_order(grand_total=None))
    assert message.startswith("Order 000000123 has no grand total (grand_total)")


@pytest.mark.parametrize(("field", "value"), [
    ("grand_total", "1e400"), ("grand_total", "99999999999999999999999999999.99"),
    ("price", D("1E+16")), ("qty_ordered", "1e12"), ("qty_ordered", D("-100000000"))])
def test_amounts_no_magento_column_can_hold_are_flagged_not_crashing(field: str, value: Any
                                                                      ) -> None:
    """decimal(20,4) money / decimal(12,4) quantities: anything larger could not be rounded to
    a cent in Decimal's 28-digit context downstream (InvalidOperation), so it is refused here."""
    raw = _order()
    (raw if field == "grand_total" else raw["items"][0])[field] = value
    message = _problem(raw)
    assert "Order 000000123" in message and f"({field})" in message
    assert "too large" in message or "cannot be negative" in message


def test_largest_amounts_magento_can_hold_still_parse() -> None:
    raw = _order()
    raw["items"][0]["qty_ordered"] = D("99999999.9999")
    raw["grand_total"] = D("9999999999999999.9999")
    order = parse_order(raw)
    assert order.grand_total == D("9999999999999999.9999")
    assert order.lines[0].qty == D("99999999.9999")


def test_unknown_currency_code_shape() -> None:
    message = _problem(_order(order_currency_code="US Dollars"))
    assert "Order 000000123" in message and "order_currency_code" in message
    assert "'US Dollars'" in message


def test_missing_entity_id() -> None:
    raw = _order()
    raw.pop("entity_id")
    message = _problem(raw)
    assert "Order 000000123" in message and "entity_id" in message


def test_missing_increment_id_names_the_entity_id() -> None:
    raw = _order()
    raw.pop("increment_id")
    assert _problem(raw).startswith("Order with id 42 has no order number (increment_id)")


def test_bad_timestamp() -> None:
    message = _problem(_order(created_at="yesterday"))
    assert "Order 000000123" in message and "created_at" in message


def test_items_not_a_list() -> None:
    assert "(items)" in _problem(_order(items="oops"))  # type: ignore[arg-type]


def test_missing_sku() -> None:
    raw = _order()
    raw["items"][0].pop("sku")
    message = _problem(raw)
    assert message.startswith("Order 000000123: line 1 has no SKU (sku)")


def test_boolean_amount_is_not_a_number() -> None:
    message = _problem(_order(shipping_amount=True))
    assert "shipping_amount" in message


def test_nan_amount_is_not_a_number() -> None:
    message = _problem(_order(tax_amount="NaN"))
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


# --- error classification (pure: built responses, no network) --------------------------------

def _response(status: int, body: Any = None, text: str | None = None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, content=text.encode())
    return httpx.Response(status, json=body)


def test_placeholders_filled_from_named_and_positional_parameters(reference_dir: Path) -> None:
    named = _payload(reference_dir, "error_404_no_such_entity_named_params.json")
    positional = _payload(reference_dir, "error_400_invalid_product_data_positional_params.json")
    assert render_message(named) == "No such entity with id = 333"
    assert render_message(positional) == "Invalid product data: Invalid attribute set entity type"


def test_classify_401_is_fatal_and_actionable(reference_dir: Path) -> None:
    body = {"message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Sales::sales"}}
    error = classify(_response(401, body))
    assert isinstance(error, AuthRefusedError) and error.needs_reauthorisation
    assert "Allow OAuth Access Tokens to be used as standalone Bearer tokens" in str(error)
    assert "Magento_Sales::sales" in str(error)
    assert isinstance(classify(_response(401, _payload(reference_dir,
                                                       "error_401_consumer_not_authorized.json"))),
                      AuthRefusedError)


def test_classify_other_statuses(reference_dir: Path) -> None:
    assert classify(_response(200, {"items": []})) is None
    assert isinstance(classify(_response(200, text='{"items": [{"entity_id": 1')), RetriableError)
    assert isinstance(classify(_response(429, _payload(reference_dir,
                                                       "error_429_too_many_requests.json"))),
                      RetriableError)
    assert isinstance(classify(_response(503, text="<html>down</html>")), RetriableError)
    assert isinstance(classify(_response(404, {"message": "x"})), NotFoundError)
    limit = classify(_response(400, {"message": "Maximum SearchCriteria pageSize is 300"}))
    assert isinstance(limit, PageSizeTooLargeError) and limit.limit == 300
    refused = classify(_response(400, {"message": '"%fieldName" is required. Enter and try again.',
                                       "parameters": {"fieldName": "searchCriteria"}}))
    assert isinstance(refused, MagentoRequestError)
    assert '"searchCriteria" is required' in str(refused)
    assert isinstance(classify(_response(400, text='{"message": "Invalid')), RetriableError)
