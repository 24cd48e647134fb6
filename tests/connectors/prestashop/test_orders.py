"""Orders read through the connector: money, tax, currencies, guests, payments, states."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.connectors.stores.prestashop.status import StatusRule, parse_states
from ecom_ledger_desktop.models.commerce import Order
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from tests.connectors.prestashop.conftest import EPOCH, MUG, spec

D = Decimal
Connect = Callable[..., PrestaShopStore]


def read(store: PrestaShopStore, oid: int) -> Order:
    fetched = store.get_order(str(oid))
    assert fetched.record is not None, fetched.problem
    return fetched.record


def test_an_order_has_per_line_and_shipping_tax_dated_in_the_shop_zone(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec(created_at="2026-11-01T03:30:00+00:00"))  # 23:30 EDT, 31 October
    order = read(connect(), oid)
    [line] = order.lines
    assert (line.sku, line.qty, line.unit_price, line.tax, line.tax_percent) == (
        "PS-MUG-01", D(2), D(12), D("2.13"), D("8.875"))
    assert line.taxable and line.tax_codes == ["Sales tax 8.875%"]
    assert (order.shipping, order.shipping_tax, order.shipping_tax_percent) == (
        D(5), D("0.44"), D("8.875"))
    assert (order.tax_total, order.grand_total) == (D("2.57"), D("31.57"))
    assert order.timezone == "America/New_York" and order.local_date.isoformat() == "2026-10-31"
    assert order.created_at == datetime(2026, 11, 1, 3, 30, tzinfo=UTC)
    assert order.paid and order.state == "processing" and order.status_label == "Payment accepted"
    assert order.payments[0].amount == D("31.57") and order.payments[0].reference
    assert order.applied_taxes[0].amount == D("2.57")


def test_a_foreign_currency_order_carries_the_rate_and_base_total(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec(currency="EUR", conversion_rate="0.9215"))
    order = read(connect(), oid)
    assert (order.currency, order.base_currency, order.base_to_order_rate) == (
        "EUR", "USD", D("0.9215"))
    assert order.base_grand_total == (D("31.57") / D("0.9215")).quantize(D("0.01"))


def test_guests_coupons_gift_cards_and_wrapping_add_up(sim: PrestaShopSimulator,
                                                       connect: Connect) -> None:
    oid = sim.add_order(spec(customer=None, guest={"email": "sam@example.com", "firstname": "Sam",
                                                   "lastname": "Guest"},
                             discount="4.00", coupon_code="SAVE4", wrapping="2.50",
                             vouchers=[{"name": "Gift card GC-1", "amount": "10"}]))
    order = read(connect(), oid)
    assert order.customer.is_guest and order.customer.source_id is None
    assert order.customer.email == "sam@example.com"
    assert (order.discount, order.coupon_code) == (D(4), "SAVE4")
    assert [(r.kind, r.amount, r.code) for r in order.redemptions] == [
        ("gift_card", D(10), "Gift card GC-1")]
    assert order.lines[-1].sku == "GIFT-WRAPPING" and order.lines[-1].unit_price == D("2.5")
    assert abs(order.computed_total - order.grand_total) <= D("0.01")
    assert order.grand_total == D(sim.order_json(oid)["total_paid_tax_incl"])


def test_an_offline_order_paid_later_is_dated_by_its_payment(sim: PrestaShopSimulator,
                                                             connect: Connect) -> None:
    oid = sim.add_order(spec(paid=False, payment_method="banktransfer"))
    store = connect()
    waiting = read(store, oid)
    assert (waiting.paid, waiting.payment_offline, waiting.payments) == (False, True, [])
    assert waiting.status_label == "Awaiting bank wire payment"
    sim.clock.advance(3 * 86400)
    sim.pay_order(oid)
    paid = read(store, oid)
    assert paid.paid and paid.payments[0].offline
    assert paid.payments[0].paid_at is not None
    assert paid.payments[0].paid_at - waiting.created_at >= timedelta(days=3)


def test_the_status_rule_decides_what_is_paid_and_cancelled(sim: PrestaShopSimulator,
                                                            connect: Connect) -> None:
    oid = sim.add_order(spec(paid=False, payment_method="checkmo"))
    sim.set_state(oid, 3)  # Processing in progress: flagged paid
    assert read(connect(), oid).paid
    strict = connect(rule=StatusRule(paid=parse_states("2, shipped")))
    assert not read(strict, oid).paid
    sim.set_state(oid, 6)
    assert read(connect(), oid).state == "canceled"
    sim.set_state(oid, 8)
    custom = connect(rule=StatusRule(canceled=parse_states("Payment error")))
    assert read(custom, oid).state == "canceled"


def test_an_unknown_state_or_currency_is_a_clear_problem(sim: PrestaShopSimulator,
                                                         connect: Connect) -> None:
    oid = sim.add_order(spec())
    sim.rewrite_order(oid, {"current_state": "42"})
    fetched = connect().get_order(str(oid))
    assert fetched.problem is not None and f"Order {oid}" in fetched.problem.message
    assert "state 42" in fetched.problem.message and fetched.problem.fixes
    sim.rewrite_order(oid, {"current_state": "2", "id_currency": "77"})
    fetched = connect().get_order(str(oid))
    assert fetched.problem is not None and "currency id 77" in fetched.problem.message


def test_variants_sell_under_their_combination_reference(sim: PrestaShopSimulator,
                                                         connect: Connect) -> None:
    oid = sim.add_order(spec(lines=[{"sku": "PS-TEE-M-WHT", "name": "Tee M", "qty": 1,
                                     "price": "23.90"}]))
    [line] = read(connect(), oid).lines
    assert line.sku == "PS-TEE-M-WHT"
    row = sim.order_json(oid)["associations"]["order_rows"][0]
    assert row["product_attribute_id"] != "0"


def test_the_walk_is_ascending_inclusive_and_survives_crowded_seconds(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    ids = [sim.add_order(spec(created_at="2026-05-01T12:00:00+00:00")) for _ in range(7)]
    later = sim.add_order(spec(created_at="2026-05-01T12:00:05+00:00"))
    store = connect(page_size=3)
    got = [f.source_id for f in store.iter_orders(EPOCH)]
    assert got == [str(i) for i in (*ids, later)]
    window = [f.source_id for f in store.iter_orders(
        datetime(2026, 5, 1, 12, 0, 5, tzinfo=UTC), datetime(2026, 5, 1, 12, 0, 5, tzinfo=UTC))]
    assert window == [str(later)]
    assert store.orders_expected() is None
    assert list(store.reconcile_orders()) == []


def test_a_fall_back_night_reads_the_repeated_hour_again(sim: PrestaShopSimulator,
                                                         connect: Connect) -> None:
    """01:30 EST (the second 01:30 of 1 Nov 2026) is after 01:50 EDT; its wall time is not."""
    late = sim.add_order(spec(created_at="2026-11-01T06:30:00+00:00"))  # 01:30 EST
    since = datetime(2026, 11, 1, 5, 50, tzinfo=UTC)  # 01:50 EDT
    assert str(late) in [f.source_id for f in connect().iter_orders(since)]


def test_a_refund_that_leaves_its_order_alone_still_shows_on_the_order(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    """Whether a credit slip saves its order is unsettled: the order is read again anyway."""
    sim.configure(refunds_touch_order=False)
    oid = sim.add_order(spec())
    store = connect()
    [first] = list(store.iter_orders(EPOCH))
    assert first.updated_at is not None
    sim.clock.advance(600)
    sim.refund_order(oid, {"lines": [{"sku": "PS-MUG-01", "qty": 1}]})
    assert sim.order_json(oid)["date_upd"] == sim.order_json(oid)["date_add"]
    [again] = list(store.iter_orders(first.updated_at + timedelta(seconds=1)))
    assert again.source_id == str(oid) and again.raw != first.raw
    assert again.record is not None and again.record.refunded_total == D("13.07")
    [slip] = list(store.iter_refunds(first.updated_at))
    assert slip.record is not None and slip.record.grand_total == D("13.07")
    assert slip.record.number == "SL000001"


def test_a_prestashop_8_shop_with_integer_fields_reads_the_same(sim: PrestaShopSimulator,
                                                                connect: Connect) -> None:
    oid = sim.add_order(spec())
    before = read(connect(), oid)
    sim.configure(version="8")
    assert isinstance(sim.order_json(oid)["current_state"], int)
    after = read(connect(), oid)
    assert after.model_dump() == before.model_dump()


def test_split_orders_sharing_a_reference_each_keep_their_own_total_paid(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    one = sim.add_order(spec(reference="SPLITCART"))
    two = sim.add_order(spec(reference="SPLITCART", lines=[{**MUG, "qty": 1}]))
    sim.shop.find("order_payments", order_reference="SPLITCART")[0]["amount"] = "49.970000"
    store = connect()
    orders = {f.source_id: f.record for f in store.iter_orders(EPOCH)}
    first, second = orders[str(one)], orders[str(two)]
    assert first is not None and second is not None
    assert [p.amount for p in first.payments] == [first.grand_total]
    assert [p.amount for p in second.payments] == [second.grand_total]
    assert first.number != second.number


def test_a_shop_with_two_languages_gives_state_names_as_lists_and_still_reads(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec())
    sim.configure(languages=2)
    assert read(connect(), oid).status_label == "Payment accepted"


def test_the_raw_copy_keeps_the_order_but_not_its_secure_key(sim: PrestaShopSimulator,
                                                             connect: Connect) -> None:
    oid = sim.add_order(spec())
    fetched = connect().get_order(str(oid))
    served = sim.order_json(oid)
    assert served["secure_key"] and served["secure_key"] not in fetched.raw
    assert served["reference"] in fetched.raw


def test_a_gift_card_sold_is_marked_as_one(sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec(lines=[MUG, {"sku": "PS-GIFTCARD-25", "name": "Gift card $25",
                                          "qty": 1, "price": "25.00"}]))
    mug, card = read(connect(), oid).lines
    assert (mug.is_gift_card, card.is_gift_card) == (False, True)
    assert card.tax == 0 and not card.taxable
