"""An order the merchant undid is not in the books on purpose: the reconciliation counts it on
the store's side and says so, with how to post it again, rather than "waiting for the next run"
(Magento → QuickBooks Online simulators, a real SQLite file)."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ecom_ledger_desktop.sync.reconcile import Finding, reconcile
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.contract.conftest import ContractBench
from tests.contract.harness import LineSpec, OrderSpec, RefundSpec

TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")
pytestmark = pytest.mark.parametrize("make_harness", ["magento2"], indirect=True)
PLACED = datetime(2026, 11, 22, 15, tzinfo=UTC)  # 10:00 in New York
DAY = PLACED.date()


def findings(bench: ContractBench) -> list[Finding]:
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=DAY)
    return [finding for line in result.lines for finding in line.findings]


def undone_words(bench: ContractBench, number: str, refund: bool = False) -> str:
    with bench.service.context(bench.pair_id) as ctx:
        pair = ctx.pair.name
    command = f"`ecom-ledger post-again {shlex.quote(pair)} --order {number}` or the History page"
    if refund:
        return f"undone by you with order {number}: post the order again with {command}"
    return f"undone by you: post it again with {command}"


def _undo_first(bench: ContractBench, ids: list[str]) -> tuple[str, Finding]:
    """Post the orders, undo the first, sync: its number and the one finding, "undone by you",
    at the store's total with nothing in the ledger."""
    store = bench.store
    bench.sync()
    assert findings(bench) == []
    first = store.order_number(ids[0])
    _plan, result = undo(bench.service, bench.pair_id, orders=[first])
    assert result is not None and not result.refused, result.lines()
    bench.sync()
    [finding] = findings(bench)
    assert (finding.number, finding.reason) == (first, undone_words(bench, first))
    assert finding.store_amount == store.order_total(ids[0]) and finding.ledger_amount == 0
    return first, finding


def test_an_undone_order_is_named_as_undone_by_you_until_posted_again(
        bench: ContractBench) -> None:
    store = bench.store
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE])]
    first, finding = _undo_first(bench, ids)
    assert finding.undone and not finding.repostable, "posted again by the merchant's choice"

    post_again(bench.service, bench.pair_id, [first])
    assert findings(bench) == []


def test_an_order_taken_out_of_its_days_summary_is_named_as_undone_by_you(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE], [TOTE, BOTTLE])]
    _undo_first(bench, ids)
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=DAY)
    assert sum(result.differences().values(), Decimal(0)) == -store.order_total(ids[0])


def test_an_undone_orders_refund_is_named_with_its_order(bench: ContractBench) -> None:
    store = bench.store
    [order_id] = [store.add_order(OrderSpec([TOTE, BOTTLE], created_at=PLACED,
                                            updated_at=store.now()))]
    bench.sync()
    store.refund(order_id, RefundSpec([("WB-BOTTLE", 1)]))
    bench.sync()
    number = store.order_number(order_id)
    end = max(DAY, store.now().date()) + timedelta(days=1)  # the refund's day, wherever

    _plan, result = undo(bench.service, bench.pair_id, orders=[number])
    assert result is not None and not result.refused, result.lines()

    with bench.service.context(bench.pair_id) as ctx:
        found = [f for line in reconcile(ctx, days=60, end=end).lines for f in line.findings]
    assert sorted((f.record_kind, f.reason) for f in found) == [
        ("order", undone_words(bench, number)),
        ("refund", undone_words(bench, number, refund=True))]
    assert all(f.undone for f in found)

