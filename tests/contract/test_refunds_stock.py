"""Refunds with adjustments and return to stock; stock written back to the store."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ecom_ledger_desktop.models.commerce import StockLevel
from tests.contract.harness import LineSpec, OrderSpec, RefundSpec, StoreHarness
from tests.contract.invariants import check_refund

D = Decimal
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def test_refunds_keep_lines_adjustments_and_restock_only_what_came_back(
        harness: StoreHarness) -> None:
    sku = harness.stocked_skus[2]
    mug = LineSpec(sku, "Mug", 2, "12.00", "8.875")
    kept = harness.add_order(OrderSpec([mug], shipping_tax_percent="8.875"))
    shipped = harness.add_order(OrderSpec([mug], shipped=True))
    stock = harness.stock()[sku]
    first_id = harness.refund(kept, RefundSpec(
        [(sku, 1)], shipping="5", adjustment_positive="2", adjustment_negative="0.50",
        return_to_stock=True))
    assert harness.stock()[sku] == stock + 1
    second_id = harness.refund(shipped, RefundSpec([(sku, 2)]))
    assert harness.stock()[sku] == stock + 1  # nothing came back

    store = harness.connector()
    refunds = {f.source_id: f.record for f in store.iter_refunds(EPOCH)}
    store.close()
    assert set(refunds) == {first_id, second_id}
    first, second = refunds[first_id], refunds[second_id]
    assert first is not None and second is not None
    for refund in (first, second):
        check_refund(refund)
    assert (first.order_source_id, second.order_source_id) == (kept, shipped)
    if not harness.refunds_itemised:  # the store keeps the money refunded, not its lines
        assert (first.grand_total, second.grand_total) == (
            D("12") + D("1.07") + D("5") + D("0.44") + D("2") - D("0.5"), D("26.13"))
        return
    assert [(ln.sku, ln.qty, ln.unit_price) for ln in first.lines] == [(sku, D(1), D(12))]
    # the net adjustment: PrestaShop keeps one refunded amount, so a fee kept back and an extra
    # given back in one refund arrive as their difference
    assert first.adjustment == D("2") - D("0.5")
    assert (first.shipping, first.shipping_tax) == (D("5"), D("0.44"))
    assert first.grand_total == D("12") + D("1.07") + D("5") + D("0.44") + D("2") - D("0.5")
    assert first.lines[0].back_to_stock is True
    assert second.lines[0].back_to_stock is False
    assert second.grand_total == D("26.13")


def test_stock_write_back_sets_known_skus_and_reports_unknown_ones(
        harness: StoreHarness) -> None:
    known, other = harness.stocked_skus[:2]
    store = harness.connector()
    problems = store.set_stock([
        StockLevel(sku=known, qty=D(12)),
        StockLevel(sku="NOPE 1", qty=D(3)),
        StockLevel(sku="NO/PE-2", qty=D(3)),
        StockLevel(sku=other, qty=D(0)),
    ])
    store.close()
    assert [p.code for p in problems] == ["unknown_sku", "unknown_sku"]
    assert "'NOPE 1'" in problems[0].message and "'NO/PE-2'" in problems[1].message
    stock = harness.stock()
    assert (stock[known], stock[other]) == (D(12), D(0))
