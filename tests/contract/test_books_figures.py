"""The figures an accountant relies on: local dates, tax, tax-inclusive prices, currencies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ecom_ledger_desktop.models.commerce import Order
from tests.contract.conftest import HarnessMaker
from tests.contract.harness import LineSpec, OrderSpec, RefundSpec, StoreHarness
from tests.contract.invariants import check_order

D = Decimal
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
BAG = LineSpec("24-MB01", "Joust Duffle Bag", 1, "34.00")


def orders(harness: StoreHarness) -> dict[str, Order]:
    store = harness.connector(page_size=2)
    out = {}
    for fetched in store.iter_orders(EPOCH):
        assert fetched.record is not None, fetched.problem
        check_order(fetched.record)
        out[fetched.source_id] = fetched.record
    store.close()
    return out


def test_orders_are_dated_by_the_store_time_zone_across_a_dst_change(
        make_harness: HarnessMaker) -> None:
    """23:30 in New York on 30 November is 1 December in UTC; it belongs to November."""
    harness = make_harness(timezone="America/New_York", now=NOW)
    placed = {
        date(2026, 11, 30): datetime(2026, 12, 1, 4, 30, tzinfo=UTC),
        date(2026, 10, 31): datetime(2026, 11, 1, 3, 30, tzinfo=UTC),  # 23:30 EDT
        date(2026, 11, 1): datetime(2026, 11, 2, 4, 30, tzinfo=UTC),  # 23:30 EST
    }
    ids = {harness.add_order(OrderSpec([BAG], created_at=at)): day for day, at in placed.items()}
    found = orders(harness)
    assert {o.timezone for o in found.values()} == {"America/New_York"}
    assert {found[i].local_date: day for i, day in ids.items()} == {d: d for d in placed}


def test_another_store_time_zone_dates_the_same_moment_its_own_way(
        make_harness: HarnessMaker) -> None:
    harness = make_harness(timezone="Europe/Berlin", now=NOW)
    oid = harness.add_order(OrderSpec([BAG], created_at=datetime(2026, 12, 1, 4, 30, tzinfo=UTC)))
    order = orders(harness)[oid]
    assert (harness.timezone, order.timezone, order.local_date) == (
        "Europe/Berlin", "Europe/Berlin", date(2026, 12, 1))


def test_tax_per_line_and_on_shipping(harness: StoreHarness) -> None:
    oid = harness.add_order(OrderSpec([
        LineSpec("24-MB01", "Joust Duffle Bag", 1, "34.00", "8.875"),
        LineSpec("24-WB04", "Overnight Duffle", 1, "45.00", "0")],
        shipping="5.00", shipping_tax_percent="8.875"))
    order = orders(harness)[oid]
    bag, other = order.lines
    assert (bag.taxable, bag.tax) == (True, D("3.02"))
    assert other.tax == 0
    assert (order.shipping_tax, order.shipping_tax_percent) == (D("0.44"), D("8.875"))
    assert order.tax_total == D("3.46") and order.grand_total == D("87.46")


def test_tax_inclusive_prices_with_a_coupon_add_up_also_when_refunded(
        harness: StoreHarness) -> None:
    oid = harness.add_order(OrderSpec([LineSpec("24-MB01", "Joust Duffle Bag", 1, "119", "19")],
                                      currency="EUR", prices_include_tax=True,
                                      discount="11.90", shipping="0"))
    order = orders(harness)[oid]
    assert order.prices_include_tax is True
    assert order.lines[0].unit_price == D("100")  # the net price, whatever the shop keeps
    assert order.grand_total == D("107.10")  # what the buyer paid: 119 less the coupon
    assert order.discount == D("11.90")
    assert order.tax_total == D("17.10")
    memo = harness.refund(oid, RefundSpec([("24-MB01", 1)]))
    store = harness.connector()
    (refund,) = [f.record for f in store.iter_refunds(EPOCH) if f.source_id == memo]
    store.close()
    assert refund is not None and refund.grand_total == D("107.10")
    assert refund.grand_total == (sum((ln.unit_price * ln.qty for ln in refund.lines), D(0))
                                  - refund.discount + refund.tax_total
                                  + refund.discount_tax_compensation)


def test_a_foreign_currency_order_carries_the_base_amount_and_rate(
        harness: StoreHarness) -> None:
    oid = harness.add_order(OrderSpec([LineSpec("24-MB01", "Joust Duffle Bag", 1, "34", "19")],
                                      currency="EUR", base_currency="USD", base_rate="0.9215"))
    order = orders(harness)[oid]
    if not harness.bills_in_display_currency:  # shown in EUR, billed and booked in USD
        assert (order.currency, order.base_currency) == ("USD", "USD")
        assert abs(order.grand_total - D("45.46") / D("0.9215")) <= D("0.02")
        assert order.lines[0].taxable and order.lines[0].tax == D("7.01")  # 6.46 EUR
        return
    assert (order.currency, order.base_currency, order.base_to_order_rate) == (
        "EUR", "USD", D("0.9215"))
    assert order.grand_total == D("45.46")
    assert order.base_grand_total == (order.grand_total / D("0.9215")).quantize(D("0.01"))
    assert order.lines[0].taxable and order.lines[0].tax == D("6.46")
