"""What the X-Cart connector makes of orders and refunds, through both APIs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from tests.connectors.xcart.conftest import EPOCH, KEY, LINE, order, store_for

D = Decimal


def test_per_line_tax_shipping_tax_coupon_and_payment(sim: XCartSimulator) -> None:
    oid = sim.add_order(order(lines=[dict(LINE), {"sku": "XC-BAG-02", "name": "Bag", "qty": 1,
                                                  "price": "45.00"}],
                              discount="6.90", coupon="SAVE"))
    store = store_for(sim)
    fetched = store.get_order(str(oid))
    store.close()
    got = fetched.record
    assert got is not None, fetched.problem
    mug, bag = got.lines
    assert (mug.sku, mug.qty, mug.unit_price, mug.discount) == ("XC-MUG-01", 2, D("12"), D("2.4"))
    assert (mug.tax, bag.tax) == (D("1.92"), 0)  # (24 - 2.40) x 8.875 %
    assert (got.shipping, got.shipping_tax) == (D("5"), D("0.44"))
    assert got.discount == D("6.9") and got.coupon_code == "SAVE"
    assert abs(got.computed_total - got.grand_total) <= D("0.01")
    assert (got.paid, got.state, got.payment_offline) == (True, "processing", False)
    assert got.payment_method == got.payments[0].method == "Stripe"  # the code routes name
    assert got.payments[0].amount == got.grand_total
    assert got.timezone == "America/New_York" and got.customer.full_name == "Ana Silva"
    if sim.switches.version == "5.4":  # the Sales tax add-on says its rates
        assert (mug.tax_percent, got.shipping_tax_percent) == (D("8.875"), D("8.875"))


def test_vat_inclusive_prices_give_net_lines_and_the_buyer_total(sim: XCartSimulator) -> None:
    oid = sim.add_order(order(lines=[{"sku": "XC-LAMP-06", "name": "Lamp", "qty": 1,
                                      "price": "119.00", "tax_percent": "19"}], shipping="0",
                              discount="11.90", currency="EUR", prices_include_tax=True))
    store = store_for(sim)
    got = store.get_order(str(oid)).record
    store.close()
    assert got is not None and got.prices_include_tax
    assert (got.lines[0].unit_price, got.grand_total, got.tax_total) == (
        D("100"), D("107.1"), D("17.1"))
    assert got.currency == "EUR" and abs(got.computed_total - got.grand_total) <= D("0.01")


def test_a_multicurrency_order_is_booked_in_the_billed_currency(sim: XCartSimulator) -> None:
    oid = sim.add_order(order(lines=[{"sku": "XC-BAG-02", "name": "Bag", "qty": 1,
                                      "price": "45.00"}], shipping="0",
                              display_currency="EUR", rate="0.9215"))
    store = store_for(sim)
    got = store.get_order(str(oid)).record
    store.close()
    assert got is not None
    assert (got.currency, got.base_currency, got.grand_total) == ("USD", "USD", D("48.83"))


@pytest.mark.parametrize(("ready", "paid"), [(("P",), False), (("P", "A"), True)])
def test_which_payment_statuses_make_an_order_ready_is_the_merchants_rule(
        sim: XCartSimulator, ready: tuple[str, ...], paid: bool) -> None:
    oid = sim.add_order(order())
    sim.edit_order(oid, {"payment_status": "A"})
    store = store_for(sim, ready_statuses=ready)
    got = store.get_order(str(oid)).record
    store.close()
    assert got is not None and got.paid is paid


def test_guests_offline_unpaid_and_missing_orders(sim: XCartSimulator) -> None:
    guest = sim.add_order(order(customer=None, payment_method="Check", paid=False))
    store = store_for(sim)
    got = store.get_order(str(guest)).record
    missing = store.get_order("9999")
    store.close()
    assert got is not None and got.customer.is_guest and got.customer.source_id is None
    assert got.customer.email.startswith("guest")
    assert (got.paid, got.payment_offline, got.state, got.payments) == (False, True, "pending",
                                                                        [])
    assert missing.problem is not None and missing.problem.code == "not_found"


def test_refunds_whole_order_reverses_it_partial_is_an_amount(sim: XCartSimulator) -> None:
    whole = sim.add_order(order())
    part = sim.add_order(order())
    sim.refund_order(whole, {"amount": str(sim.order(whole).total)})
    sim.refund_order(part, {"amount": "10.00"})
    store = store_for(sim)
    refunds = {f.record.order_source_id: f.record for f in store.iter_refunds(EPOCH)
               if f.record is not None}
    orders = {f.source_id: f.record for f in store.iter_orders(EPOCH)}
    store.close()
    full, partial = refunds[str(whole)], refunds[str(part)]
    assert [ln.sku for ln in full.lines] == ["XC-MUG-01"] and full.shipping == D("5")
    assert full.grand_total == sim.order(whole).total and full.tax_total == D("2.57")
    assert (partial.lines, partial.adjustment_positive, partial.grand_total) == (
        [], D("10"), D("10"))
    assert partial.number == f"{sim.order(part).number}-1"  # the books add "R-"
    closed = orders[str(whole)]
    assert closed is not None and closed.state == "closed" and closed.refunded_total == \
        full.grand_total


def test_an_offline_order_paid_later_is_paid_when_its_status_became_paid(
        sim: XCartSimulator) -> None:
    oid = sim.add_order(order(payment_method="Check", paid=False))
    placed = sim.clock.now()
    sim.clock.advance(3 * 86400)
    sim.pay_order(oid)
    store = store_for(sim)
    got = store.get_order(str(oid)).record
    store.close()
    assert got is not None and got.paid and got.payment_offline
    [payment] = got.payments
    assert payment.paid_at is not None and payment.offline
    # the day the check arrived, not the order's
    assert round((payment.paid_at - placed).total_seconds() / 86400) == 3


def test_gift_certificates_sold_are_the_skus_the_merchant_names(sim: XCartSimulator) -> None:
    oid = sim.add_order(order(lines=[dict(LINE), {"sku": "XC-GIFTCERT-25", "name": "Gift",
                                                  "qty": 1, "price": "25.00"}]))
    store = store_for(sim, gift_card_skus=frozenset({"XC-GIFTCERT-25"}))
    got = store.get_order(str(oid)).record
    store.close()
    assert got is not None and [ln.is_gift_card for ln in got.lines] == [False, True]


def test_a_status_of_the_merchants_own_is_flagged_until_the_rule_names_it(
        sim: XCartSimulator) -> None:
    oid = sim.add_order(order())
    raw = sim.order_json(oid)
    raw["paymentStatus"] = {"id": 20, "code": "PV", "position": 90}  # "Paid (verified)"
    sim.put_raw_order(oid, raw)
    strict, custom = store_for(sim), store_for(sim, ready_statuses=("P", "PV"))
    flagged, ready = strict.get_order(str(oid)), custom.get_order(str(oid)).record
    strict.close()
    custom.close()
    assert flagged.problem is not None and flagged.problem.code == "unknown_status"
    assert "'PV'" in flagged.problem.message and "statuses that make an order ready" in \
        flagged.problem.message
    assert ready is not None and ready.paid and ready.state == "processing"


def test_without_a_zone_setting_55_orders_are_dated_by_their_own_offset() -> None:
    late_night = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 23:30 on 30 Nov in New York
    summer = datetime(2026, 7, 1, 3, 30, tzinfo=UTC)  # 23:30 on 30 Jun (EDT)
    with XCartSimulator(token=KEY, clock=SimClock(start=late_night), version="5.5") as shop:
        ids = [shop.add_order(order(created_at=when)) for when in (late_night, summer)]
        store = store_for(shop, timezone=None)
        got = [store.get_order(str(i)).record for i in ids]
        store.close()
    assert [o.local_date.isoformat() for o in got if o] == ["2026-11-30", "2026-06-30"]


@pytest.mark.parametrize("restock", [False, True])
def test_whether_a_whole_refund_restocks_is_the_merchants_rule(sim: XCartSimulator,
                                                              restock: bool) -> None:
    oid = sim.add_order(order())
    sim.refund_order(oid, {"amount": str(sim.order(oid).total)})
    store = store_for(sim, restock=restock)
    [refund] = [f.record for f in store.iter_refunds(EPOCH) if f.record is not None]
    store.close()
    assert [ln.back_to_stock for ln in refund.lines] == [restock]


def test_an_unreadable_order_keeps_its_number_and_reads_for_the_error_queue(
        sim: XCartSimulator) -> None:
    from ecom_ledger_desktop.connectors.stores.xcart.summary import order_summary

    oid = sim.add_order(order(number="X-1042"))
    raw = sim.order_json(oid)
    raw["total"] = "seventy-five"
    sim.put_raw_order(oid, raw)
    store = store_for(sim)
    flagged = store.get_order(str(oid))
    store.close()
    assert flagged.problem is not None and flagged.record is None
    assert flagged.number == "X-1042" and flagged.source_id == str(oid)
    summary = order_summary(flagged.raw)
    assert summary is not None and summary.number == "X-1042"
    assert summary.customer_name == "Ana Silva" and summary.total is None
    assert [line.sku for line in summary.lines] == ["XC-MUG-01"]
    assert summary.status.startswith("Paid") and summary.currency == "USD"
