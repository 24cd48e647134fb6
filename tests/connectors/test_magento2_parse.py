"""Magento 2 order / credit memo parsing: real captured payloads plus small inline cases (composite
products, customers, discounts, currency, paid)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import is_paid, parse_order
from ecom_ledger_desktop.core.errors import RecordError
from tests.connectors.magento2_orders import D, captured_payload, wire_item, wire_order

# --- real captured payloads ------------------------------------------------------------------

def test_reference_order_parses_with_parent_lines_and_totals(reference_dir: Path) -> None:
    raw = captured_payload(reference_dir, "order_3_simple_downloadable_bundle_configurable.json")
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
    refund = parse_creditmemo(captured_payload(reference_dir, "creditmemo_1.json"))
    assert (refund.source_id, refund.order_source_id, refund.number) == ("1", "1", "000000001")
    assert refund.created_at == datetime(2021, 4, 5, 23, 43, 45, tzinfo=UTC)
    assert [(line.line_id, line.sku, line.qty, line.unit_price) for line in refund.lines] == [
        ("1", "simple_1", D(1), D(100))]
    assert (refund.shipping, refund.adjustment, refund.grand_total) == (D(5), D(0), D(105))


def test_creditmemo_rows_follow_the_order_rule(reference_dir: Path) -> None:
    order = captured_payload(reference_dir, "order_3_simple_downloadable_bundle_configurable.json")
    invoice = captured_payload(reference_dir, "invoice_3.json")  # same row shape as a credit memo
    memo = {**invoice, "order_id": 3, "increment_id": "000000009"}
    with_order = parse_creditmemo(memo, order=order)
    without_order = parse_creditmemo(memo)
    expected = ["WS12-M-Orange", "240-LV08", "24-WG082-blue", "24-WG084", "24-WG086",
                "24-WG088", "MH01-S-Gray"]
    assert [line.sku for line in with_order.lines] == expected
    assert [line.sku for line in without_order.lines] == expected
    assert sum(line.qty * line.unit_price for line in with_order.lines) == D("160")


def test_reference_invoice_discounts_show_the_sign_convention(reference_dir: Path) -> None:
    invoice = captured_payload(reference_dir, "invoice_with_cart_rule_discount.json")
    assert invoice["discount_amount"] == D("-404.4")  # order level: negative on the wire
    assert invoice["items"][0]["discount_amount"] == 144  # item level: positive


# --- composite products ----------------------------------------------------------------------

def test_configurable_posts_parent_with_child_sku_and_skips_child() -> None:
    parent = wire_item(1, "HOODIE-S-GRAY", "52.00", product_type="configurable", name="Hoodie")
    child = wire_item(2, "HOODIE-S-GRAY", "0", parent_item_id=1, name="Hoodie-S-Gray")
    order = parse_order(wire_order([parent, child], grand_total=D("57"), total_paid=D("57")))
    assert [(li.line_id, li.sku, li.name, li.unit_price) for li in order.lines] == [
        ("1", "HOODIE-S-GRAY", "Hoodie", D("52.00"))]


def test_dynamic_bundle_posts_children_and_skips_parent() -> None:
    parent = wire_item(1, "KIT", "30.00", product_type="bundle")
    kids = [wire_item(2, "BALL", "20.00", parent_item_id=1), wire_item(3, "MAT", "10.00", parent_item_id=1)]
    order = parse_order(wire_order([parent, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["BALL", "MAT"]
    assert order.computed_total == D("35")


def test_fixed_price_bundle_posts_parent_and_skips_children() -> None:
    parent = wire_item(1, "KIT", "30.00", product_type="bundle")
    kids = [wire_item(2, "BALL", "0", parent_item_id=1), wire_item(3, "MAT", "0", parent_item_id=1)]
    order = parse_order(wire_order([parent, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["KIT"]


def test_bundle_calculation_option_wins_over_prices() -> None:
    fixed = wire_item(1, "KIT", "30.00", product_type="bundle",
                  product_options={"product_calculations": 1})
    kids = [wire_item(2, "BALL", "20.00", parent_item_id=1), wire_item(3, "MAT", "10.00", parent_item_id=1)]
    order = parse_order(wire_order([fixed, *kids], grand_total=D("35")))
    assert [li.sku for li in order.lines] == ["KIT"]


def test_child_whose_parent_is_missing_is_invalid_data() -> None:
    orphan = wire_item(2, "BALL", "20.00", parent_item_id=99)
    with pytest.raises(RecordError) as caught:
        parse_order(wire_order([orphan]))
    assert "Order 000000123" in caught.value.problem.message
    assert "parent_item_id" in caught.value.problem.message


# --- customers, discounts, currency, paid ----------------------------------------------------

def test_guest_order_has_guest_customer_from_order_fields() -> None:
    order = parse_order(wire_order(customer_id=None, customer_is_guest=1,
                               customer_email="guest@example.com", customer_firstname="Gus",
                               customer_lastname="Guest"))
    assert order.customer.is_guest and order.customer.source_id is None
    assert (order.customer.email, order.customer.full_name) == ("guest@example.com", "Gus Guest")


def test_guest_with_boolean_flag_and_no_name_falls_back_to_billing_address() -> None:
    raw = wire_order(customer_is_guest=True)
    for key in ("customer_id", "customer_firstname", "customer_lastname", "customer_email"):
        raw.pop(key)
    order = parse_order(raw)
    assert order.customer.is_guest and order.customer.source_id is None
    assert order.customer.full_name == "Jane Doe"
    assert order.customer.email == "jane@example.com"
    assert order.customer.phone == "512-555-0100"


def test_negative_order_discount_becomes_positive_and_item_discount_stays_positive() -> None:
    line = wire_item(1, "MB-1", "50.00", "2", discount_amount=D("10.00"))
    order = parse_order(wire_order([line], discount_amount=D("-10.00"), grand_total=D("95.00"),
                               total_paid=D("95.00"), coupon_code="SAVE10"))
    assert order.discount == D("10.00")
    assert order.lines[0].discount == D("10.00")
    assert order.coupon_code == "SAVE10"
    assert order.computed_total == D("95.00")


def test_eur_order_uses_order_currency_amounts_not_base() -> None:
    raw = wire_order([wire_item(1, "MB-1", "18.45", "2")], order_currency_code="EUR",
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
    raw = wire_order(state=state, total_paid=None if total_paid is None else D(total_paid),
                 total_invoiced=None if total_invoiced is None else D(total_invoiced))
    raw["payment"]["amount_paid"] = None
    assert parse_order(raw).paid is expected


def test_paid_rule_zero_total_is_paid() -> None:
    assert is_paid("pending", D(0), D(0), D(0)) is True


def test_payment_recorded_from_amount_paid() -> None:
    order = parse_order(wire_order())
    assert [(p.method, p.amount) for p in order.payments] == [("checkmo", D("25.00"))]


@pytest.mark.parametrize(("state", "expected"), [
    ("new", "pending"), ("pending_payment", "pending"), ("processing", "processing"),
    ("complete", "complete"), ("canceled", "canceled"), ("closed", "closed"),
    ("holded", "on_hold"), ("payment_review", "on_hold"), ("my_custom_state", "other"),
])
def test_state_mapping(state: str, expected: str) -> None:
    assert parse_order(wire_order(state=state)).state == expected


def test_shipping_address_only_from_shipping_assignments() -> None:
    raw = wire_order(extension_attributes={"shipping_assignments": [{"shipping": {"address": {
        "firstname": "Ana", "lastname": "Ship", "street": ["9 Dock Rd", "Unit 4"],
        "city": "Boston", "postcode": "02110", "country_id": "US"}}}]})
    order = parse_order(raw)
    assert order.shipping_address is not None
    assert order.shipping_address.lines == ["9 Dock Rd", "Unit 4"]
    assert parse_order(wire_order()).shipping_address is None  # virtual order: none


def test_emoji_rtl_and_very_long_names_are_kept() -> None:
    long_name = "Ж" * 1000
    line = wire_item(1, "MB-1", "10.00", "2", name="Mug ☕🎉 " + long_name)
    order = parse_order(wire_order([line], customer_firstname="שרה", customer_lastname="🦄"))
    assert order.lines[0].name == "Mug ☕🎉 " + long_name
    assert order.customer.first_name == "שרה" and order.customer.last_name == "🦄"


def test_float_amounts_from_plain_json_are_taken_exactly() -> None:
    raw = wire_order([wire_item(1, "MB-1", "0")], grand_total=154.35, total_paid=154.35)
    raw["items"][0]["price"] = 149.35
    order = parse_order(raw)
    assert order.grand_total == D("154.35") and order.lines[0].unit_price == D("149.35")
