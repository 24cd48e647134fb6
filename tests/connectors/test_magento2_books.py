"""What the books need from a Magento order, shaped like the 2.4.8 OpenAPI document and the
captured payloads: tax detail, tax-inclusive prices, base currency, redemptions under
``extension_attributes``, gift cards sold, payments dated by their invoice, credit memos."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import parse_order
from ecom_ledger_desktop.core.money import loads
from tests.connectors.magento2_orders import wire_item, wire_order

D = Decimal


def _applied(code: str, percent: str, amount: str) -> dict[str, Any]:
    return {"code": code, "title": code, "percent": D(percent), "amount": D(amount),
            "base_amount": D(amount)}


def _taxed_order() -> dict[str, Any]:
    """Two lines: a taxable duffle at 8.875 %, a gift-wrap service whose class is "None";
    shipping taxed too (NY taxes delivery)."""
    items = [wire_item(1, "24-MB01", "34.00", "2", tax_amount=D("6.04"), tax_percent=D("8.875")),
             wire_item(2, "GIFT-WRAP", "4.00", tax_amount=0, tax_percent=0)]
    return wire_order(items, grand_total=D("83.48"), total_paid=D("83.48"), tax_amount=D("6.48"),
                  shipping_amount=5, shipping_tax_amount=D("0.44"),
                  payment={"method": "braintree", "amount_paid": D("83.48"),
                           "last_trans_id": "txn-81"},
                  extension_attributes={
                      "applied_taxes": [_applied("US-NY-*-Rate 1", "8.875", "6.48")],
                      "item_applied_taxes": [
                          {"type": "product", "item_id": 1, "associated_item_id": None,
                           "applied_taxes": [_applied("US-NY-*-Rate 1", "8.875", "6.04")]},
                          {"type": "shipping", "item_id": None, "associated_item_id": None,
                           "applied_taxes": [_applied("US-NY-*-Rate 1", "8.875", "0.44")]}]})


def test_taxable_lines_and_codes_come_from_item_applied_taxes() -> None:
    order = parse_order(_taxed_order())
    duffle, wrap = order.lines
    assert (duffle.taxable, duffle.tax_codes, duffle.tax, duffle.tax_percent) == \
        (True, ["US-NY-*-Rate 1"], D("6.04"), D("8.875"))
    assert (wrap.taxable, wrap.tax_codes, wrap.is_taxable) == (False, [], False)
    assert (order.shipping_tax, order.shipping_tax_percent) == (D("0.44"), D("8.875"))
    assert [(t.code, t.percent, t.amount) for t in order.applied_taxes] == \
        [("US-NY-*-Rate 1", D("8.875"), D("6.48"))]
    assert order.computed_total == order.grand_total


def test_a_zero_rate_still_makes_a_taxable_class_taxable_and_none_class_never() -> None:
    raw = _taxed_order()
    raw["extension_attributes"]["item_applied_taxes"][0]["applied_taxes"] = [
        _applied("US-OR-*-Rate 0", "0", "0")]
    order = parse_order(raw)
    assert order.lines[0].taxable is True and order.lines[1].taxable is False


def test_without_item_applied_taxes_taxability_is_left_to_the_amount() -> None:
    raw = _taxed_order()
    del raw["extension_attributes"]["item_applied_taxes"]
    order = parse_order(raw)
    assert [line.taxable for line in order.lines] == [None, None]
    assert [line.is_taxable for line in order.lines] == [True, False]
    assert order.shipping_tax_percent is None


def _inclusive_order() -> dict[str, Any]:
    """A German shop with gross prices: 2 x 119.00 incl. 19 % VAT, a 10 % coupon."""
    item = wire_item(1, "DE-1", "100.00", "2", original_price=D("119.00"), price_incl_tax=D("119"),
                 row_total=D("200"), row_total_incl_tax=D("214.2"), discount_amount=D("23.80"),
                 tax_amount=D("34.20"), tax_percent=D("19"),
                 discount_tax_compensation_amount=D("3.80"))
    return wire_order([item], order_currency_code="EUR", base_currency_code="USD",
                  base_to_order_rate=D("0.9215"), grand_total=D("214.20"),
                  base_grand_total=D("232.45"), total_paid=D("214.20"), shipping_amount=0,
                  tax_amount=D("34.20"), discount_amount=D("-23.80"),
                  discount_tax_compensation_amount=D("3.80"),
                  payment={"method": "paypal_express", "amount_paid": D("214.20")})


def test_tax_inclusive_discount_is_no_longer_a_mismatch() -> None:
    order = parse_order(_inclusive_order())
    line = order.lines[0]
    assert order.prices_include_tax is True
    assert (line.unit_price, line.discount, line.discount_tax_compensation) == \
        (D("100.00"), D("23.80"), D("3.80"))
    assert order.computed_total == order.grand_total == D("214.20")


def test_tax_inclusive_guess_and_the_connection_setting() -> None:
    assert parse_order(_taxed_order()).prices_include_tax is False
    assert parse_order(_taxed_order(), include_tax=True).prices_include_tax is True
    assert parse_order(_inclusive_order(), include_tax=False).prices_include_tax is False


def test_base_currency_rate_and_amount_are_kept() -> None:
    order = parse_order(_inclusive_order())
    assert (order.currency, order.base_currency, order.base_to_order_rate,
            order.base_grand_total) == ("EUR", "USD", D("0.9215"), D("232.45"))


def test_the_store_time_zone_dates_an_order_placed_late_on_a_month_end() -> None:
    raw = wire_order(created_at="2026-12-01 04:30:00")  # 23:30 on 30 November in New York
    order = parse_order(raw, timezone="America/New_York")
    assert order.created_at == datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    assert order.local_date == date(2026, 11, 30)
    summer = parse_order(wire_order(created_at="2026-11-01 03:30:00"), timezone="America/New_York")
    assert summer.local_date == date(2026, 10, 31)  # still daylight time (UTC-4) that night


def test_redemptions_are_read_from_extension_attributes() -> None:
    """Adobe Commerce: gift card, store credit and points lower grand_total; read from
    ``extension_attributes`` the order is whole again (it used to be flagged)."""
    raw = wire_order(grand_total=D("-13.50") + D("25"), total_paid=D("11.50"),
                 payment={"method": "braintree", "amount_paid": D("11.50")},
                 extension_attributes={
                     "gift_cards_amount": 5, "base_gift_cards_amount": 5,
                     "gift_cards": [{"id": 3, "code": "GC-ABC", "amount": 5, "base_amount": 5}],
                     "customer_balance_amount": 5, "base_customer_balance_amount": 5,
                     "reward_currency_amount": D("3.50"), "base_reward_currency_amount": D("3.5"),
                     "reward_points_balance": 350})
    order = parse_order(raw)
    assert [(r.kind, r.amount, r.code) for r in order.redemptions] == [
        ("gift_card", D("5"), "GC-ABC"), ("store_credit", D("5"), ""),
        ("reward_points", D("3.50"), "")]
    assert order.computed_total == order.grand_total == D("11.50") and order.paid


def test_a_top_level_gift_card_amount_from_an_older_extension_is_still_read() -> None:
    order = parse_order(wire_order(grand_total=D("20"), total_paid=D("20"), gift_cards_amount=-5))
    assert [(r.kind, r.amount) for r in order.redemptions] == [("gift_card", D("5"))]


def test_a_gift_card_product_is_a_gift_card_sold() -> None:
    order = parse_order(wire_order([wire_item(1, "GC-25", "25", product_type="giftcard"),
                                wire_item(2, "MB-1", "0")], grand_total=D("30")))
    assert [line.is_gift_card for line in order.lines] == [True, False]


def _invoice(entity_id: int, created: str, total: str, txn: str | None = None,
             state: int = 2) -> dict[str, Any]:
    invoice: dict[str, Any] = {"entity_id": entity_id, "order_id": 42, "state": state,
                               "increment_id": f"{entity_id:09d}", "created_at": created,
                               "grand_total": D(total)}
    if txn:
        invoice["transaction_id"] = txn
    return invoice


def test_an_offline_payment_is_dated_by_its_invoice_not_the_order_update() -> None:
    raw = wire_order(updated_at="2024-05-20 09:00:00")  # a comment moved it much later
    order = parse_order(raw, invoices=[_invoice(7, "2024-05-06 15:00:00", "25.00")])
    (payment,) = order.payments
    assert (payment.paid_at, payment.amount, payment.offline, payment.method) == (
        datetime(2024, 5, 6, 15, tzinfo=UTC), D("25.00"), True, "checkmo")
    assert order.payment_offline is True


def test_each_paid_invoice_is_a_payment_with_its_transaction_id() -> None:
    raw = wire_order(payment={"method": "braintree", "amount_paid": D("25"), "last_trans_id": "t-2"})
    order = parse_order(raw, invoices=[_invoice(9, "2024-05-03 10:00:00", "15", "t-2"),
                                       _invoice(8, "2024-05-01 10:01:00", "10", "t-1"),
                                       _invoice(10, "2024-05-04 10:00:00", "99", state=1)])
    assert [(p.amount, p.reference, p.paid_at.day if p.paid_at else None, p.offline)
            for p in order.payments] == [(D("10"), "t-1", 1, False), (D("15"), "t-2", 3, False)]


def test_without_invoices_one_payment_carries_the_transaction_id_and_no_date() -> None:
    raw = wire_order(payment={"method": "braintree", "amount_paid": D("25"), "last_trans_id": "t-9"})
    (payment,) = parse_order(raw).payments
    assert (payment.amount, payment.reference, payment.paid_at) == (D("25"), "t-9", None)


def test_reference_order_reads_base_currency_and_its_unpaid_bank_transfer(
        reference_dir: Path) -> None:
    path = reference_dir / "payloads" / "magento2" / "order_3_simple_downloadable_bundle_configurable.json"
    order = parse_order(loads(path.read_text(encoding="utf-8")), timezone="America/New_York")
    assert (order.base_currency, order.base_to_order_rate, order.base_grand_total) == \
        ("USD", D("1"), D("165"))
    assert order.payments == [] and order.payment_offline and not order.paid
    assert order.local_date == date(2017, 8, 21) and order.prices_include_tax is False
    assert all(line.taxable is None for line in order.lines)  # that capture has no tax detail


# --- credit memos --------------------------------------------------------------------------

def _memo(**extra: Any) -> dict[str, Any]:
    memo: dict[str, Any] = {
        "entity_id": 4, "order_id": 42, "increment_id": "000000004",
        "created_at": "2024-05-02 10:00:00", "order_currency_code": "USD",
        "grand_total": D("13.94"), "base_grand_total": D("13.94"), "subtotal": 10,
        "tax_amount": D("0.44"), "shipping_amount": 5, "shipping_tax_amount": D("0.44"),
        "adjustment_positive": D("1.50"), "adjustment_negative": D("3.00"), "adjustment": -1.5,
        "items": [{"entity_id": 6, "order_item_id": 1, "sku": "MB-1", "qty": 1, "price": 10,
                   "row_total": 10, "tax_amount": 0}],
    }
    memo.update(extra)
    return memo


def test_memo_keeps_adjustments_apart_and_reads_shipping_tax() -> None:
    refund = parse_creditmemo(_memo())
    assert (refund.adjustment_positive, refund.adjustment_negative, refund.shipping_tax,
            refund.base_grand_total) == (D("1.50"), D("3.00"), D("0.44"), D("13.94"))


def test_memo_reads_store_credit_given_back(reference_dir: Path) -> None:
    refund = parse_creditmemo(_memo(extension_attributes={"customer_balance_amount": 4,
                                                          "base_customer_balance_amount": 4}))
    assert [(r.kind, r.amount) for r in refund.redemptions] == [("store_credit", D("4"))]
    captured = loads((reference_dir / "payloads" / "magento2" / "creditmemo_1.json")
                     .read_text(encoding="utf-8"))
    assert parse_creditmemo(captured).redemptions == []


@pytest.mark.parametrize(("shipped", "returned", "restock", "expected"), [
    (0, 0, "auto", True),  # never shipped: the goods never left
    (2, 0, "auto", False),  # shipped and nothing came back
    (2, 1, "auto", True),  # Adobe Commerce Returns received it
    (2, 0, "always", True),  # the shop returns every credit memo item to stock
    (0, 0, "never", False),
])
def test_return_to_stock_rule(shipped: int, returned: int, restock: Any,
                              expected: bool) -> None:
    order = wire_order([wire_item(1, "MB-1", "10", "2", qty_shipped=shipped, qty_returned=returned)])
    refund = parse_creditmemo(_memo(), order=order, restock=restock)
    assert refund.lines[0].back_to_stock is expected


def test_virtual_and_gift_card_rows_never_go_back_to_stock() -> None:
    order = wire_order([wire_item(1, "MB-1", "10", "2", product_type="giftcard", is_virtual=1)])
    line = parse_creditmemo(_memo(), order=order, restock="always").lines[0]
    assert (line.back_to_stock, line.is_gift_card) == (False, True)
