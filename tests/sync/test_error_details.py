"""The error queue's page data against the real simulators, and bulk retry."""

from __future__ import annotations

from decimal import Decimal

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.sync.error_details import (
    CustomerCard,
    bulk_retry,
    customer_matches,
    entry_details,
    load_details,
    order_summary,
    problem_title,
)
from tests.sync.conftest import SyncBench, order_spec

JORDAN = {"email": "Jordan.Rivera@example.com", "firstname": "Jordan", "lastname": "Rivera"}
UNKNOWN = {"sku": "GIFT-WRAP", "name": "Gift Wrapping", "qty": 1, "price": "3.00"}


def test_a_duplicate_customer_shows_the_candidates_side_by_side(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(customer=JORDAN))
    bench.sync()
    [entry] = bench.open_errors()
    with bench.service.context(bench.pair_id) as ctx:
        details = load_details(ctx, entry.id)
    assert details.title == "Customer matches several QuickBooks customers"
    assert details.order is not None and details.order.email == "Jordan.Rivera@example.com"
    assert details.order.total is not None and details.order.total > 0
    assert [line.sku for line in details.order.lines] == ["MB-TOTE-BLK", "WB-BOTTLE"]
    assert details.store_customer is not None
    assert details.store_customer.email.lower() == "jordan.rivera@example.com"
    names = [c.name for c in details.candidates]
    assert names[0] == "Jordan Rivera", "the one agreeing on more fields comes first"
    assert set(names) == {"Jordan Rivera", "J. Rivera"}
    assert details.candidates[0].matches == ("email", "name")
    assert details.candidates[1].matches == ("email",)
    assert all(isinstance(c.balance, Decimal) for c in details.candidates)
    needs = {f.action: f.needs for f in details.fixes}
    assert needs["pick_customer"] == "ledger_customer" and needs["ignore"] == "reason"
    assert "retry" in needs
    chosen = details.candidates[1].id
    assert chosen is not None
    assert bench.service.apply_fix(entry.id, "pick_customer", chosen) == "posted"


def test_an_unmapped_sku_comes_with_ranked_item_suggestions(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(lines=[UNKNOWN], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    with bench.service.context(bench.pair_id) as ctx:
        details = load_details(ctx, entry.id)
        offline = load_details(ctx, entry.id, use_ledger=False)
    assert details.title == "Product not in QuickBooks"
    assert {f.action: f.needs for f in details.fixes}["map_sku"] == "ledger_item"
    assert details.item_suggestions and details.item_suggestions[0].score < 100
    assert offline.item_suggestions == [] and offline.order is not None
    state = bench.state()
    try:
        no_connection = entry_details(state, entry.id)  # e.g. while QuickBooks needs sign-in
    finally:
        state.close()
    assert no_connection.order == details.order and no_connection.fixes == details.fixes


def test_a_missing_rule_name_points_at_the_rule_field(bench: SyncBench) -> None:
    bench.set_rules(shipping_item="Freight Out")
    bench.store.add_order(order_spec())
    bench.sync()
    [entry] = bench.open_errors()
    with bench.service.context(bench.pair_id) as ctx:
        details = load_details(ctx, entry.id)
    assert entry.code == "missing_reference"
    assert details.rule_fields == ["shipping_item"]
    assert {f.action: f.needs for f in details.fixes}["edit_field"] == "rule_field"


def test_bulk_retry_reports_each_entry(bench: SyncBench) -> None:
    for _ in range(2):
        bench.store.add_order(order_spec(lines=[UNKNOWN], shipping="0"))
    bench.sync()
    entries = bench.open_errors()
    assert len(entries) == 2
    state = bench.state()
    try:
        with state.tx():
            state.mappings.set_sku(bench.pair_id, "GIFT-WRAP", "Fees")
    finally:
        state.close()
    seen: list[tuple[int, int]] = []
    outcomes = bulk_retry(bench.service, [e.id for e in entries] + [9999],
                          progress=lambda done, total: seen.append((done, total)))
    assert [o.ok for o in outcomes] == [True, True, False]
    assert outcomes[2].outcome.startswith("failed:") and "9999" in outcomes[2].outcome
    assert seen[-1] == (3, 3)
    assert bench.open_errors() == []


def test_order_summary_and_customer_matching_tolerate_rough_input() -> None:
    magento = KINDS["magento2"]  # the store kind's own reader of its staged raw orders
    assert order_summary(None, magento) is None and order_summary("[1]", magento) is None
    summary = order_summary('{"increment_id": "0001", "grand_total": 12.5, "items": '
                            '[{"sku": "A", "qty_ordered": 2}, {"sku": "B", "parent_item_id": 1}]}',
                            magento)
    assert summary is not None and summary.total == Decimal("12.5")
    assert [line.sku for line in summary.lines] == ["A"]
    assert order_summary('{"increment_id": "0001"}', None) is None, "a kind without a reader"
    store = CustomerCard(None, "Ann  Lee", " ANN@x.com", "+1 (512) 555-0101", "sw1a 1aa")
    other = CustomerCard("7", "ann lee", "ann@x.com", "512-555-0101", "SW1A1AA")
    assert customer_matches(store, other) == ("email", "phone", "name", "postcode")
    assert problem_title("some_new_code") == "Some new code"


def test_prestashop_and_xcart_readers_tolerate_rough_input() -> None:
    prestashop, xcart = KINDS["prestashop"], KINDS["xcart"]
    for kind in (prestashop, xcart):
        assert order_summary("not json", kind) is None and order_summary("[1]", kind) is None
        assert order_summary("{}", kind) is not None, "an empty order still shows what it has"
    shop = order_summary('{"id": "12", "current_state": "99", "total_paid_tax_incl": "abc", '
                         '"associations": {"order_rows": [{"product_reference": "A", '
                         '"product_quantity": "2", "unit_price_tax_incl": "x"}, 7]}}', prestashop)
    assert shop is not None and shop.number == "12" and shop.status == "state 99"
    assert shop.total is None and [(ln.sku, ln.qty, ln.price) for ln in shop.lines] == [
        ("A", Decimal(2), None)]
    cart = order_summary('{"order_id": 5, "orderNumber": 1005, "date": 1767225600, '
                         '"paymentStatus": {"code": "Q"}, "items": [{"sku": "B", "amount": 1}, '
                         '"x"], "profile": {"login": "a@b.c", "addresses": "none"}}', xcart)
    assert cart is not None and cart.number == "1005" and cart.status == "Awaiting payment"
    assert cart.created_at == "2026-01-01 00:00:00" and cart.email == "a@b.c"
    assert [ln.sku for ln in cart.lines] == ["B"]
