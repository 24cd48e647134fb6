"""Reconciliation against FreshBooks read back over HTTP: a clean period with a refund is 0.00; an
invoice deleted by hand is found and re-posted exactly once; a hand-changed total is found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.sync.reconcile import CHANGED, DELETED, reconcile
from ecom_ledger_desktop.sync.reconcile_actions import repost
from tests.connectors.freshbooks.bench import FreshBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def _posted(bench: FreshBench, orders: int = 2) -> date:
    for _ in range(orders):
        bench.store.add_order(order())
    assert bench.sync().status == "ok"
    invoices = bench.live("invoices")
    assert len(invoices) == orders
    return date.fromisoformat(str(invoices[0]["create_date"]))


def test_a_clean_period_with_a_refund_reconciles_to_zero(bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    assert bench.sync().status == "ok"
    bench.store.refund_order(order_id, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1,
                                                   "back_to_stock": True}], "shipping": 0})
    assert bench.sync().status == "ok"
    [credit] = bench.live("credit_notes")
    end = max(date.fromisoformat(str(credit["create_date"])),
              date.fromisoformat(str(bench.live("invoices")[0]["create_date"])))
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=end)
    assert result.reconciled, [(line.key, line.findings) for line in result.lines]
    assert sum(line.store.refunds for line in result.lines) == Decimal(
        str(credit["amount"]["amount"]))
    assert set(result.differences()) == {"USD"}
    assert result.ledger_calls == 2


def test_an_invoice_deleted_by_hand_is_reposted_exactly_once(bench: FreshBench) -> None:
    day = _posted(bench)
    victim = bench.live("invoices")[0]
    with bench.service.context(bench.pair_id) as ctx:
        ctx.ledger.client.update("invoices", victim["id"], {"vis_state": 1})  # type: ignore[attr-defined]
        result = reconcile(ctx, days=30, end=day)
        [line] = result.differing()
        [finding] = line.findings
        assert finding.reason == DELETED and finding.number == victim["invoice_number"]
        assert "posted again" in repost(ctx, finding.number)
        assert "nothing to re-post" in repost(ctx, finding.number)
        assert reconcile(ctx, days=30, end=day).reconciled
    assert bench.sync().status == "ok"
    numbers = [i["invoice_number"] for i in bench.live("invoices")]
    assert sorted(numbers) == sorted(set(numbers)) and len(numbers) == 2


def test_a_total_changed_by_hand_is_found(bench: FreshBench) -> None:
    day = _posted(bench, orders=1)
    [invoice] = bench.live("invoices")
    with bench.service.context(bench.pair_id) as ctx:
        ctx.ledger.client.update("invoices", invoice["id"], {"lines": [  # type: ignore[attr-defined]
            {"name": "Hand edit", "qty": 1, "unit_cost": {"amount": "1.00", "code": "USD"}}]})
        result = reconcile(ctx, days=30, end=day)
    [finding] = result.differing()[0].findings
    assert finding.reason == CHANGED and finding.ledger_amount == Decimal("1.00")


def test_a_credit_note_deleted_by_hand_is_reposted_once_as_refund_number(
        bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    assert bench.sync().status == "ok"
    bench.store.refund_order(order_id, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1,
                                                   "back_to_stock": True}], "shipping": 0})
    assert bench.sync().status == "ok"
    [credit] = bench.live("credit_notes")
    day = date.fromisoformat(str(credit["create_date"]))
    with bench.service.context(bench.pair_id) as ctx:
        ctx.ledger.client.update("credit_notes", credit["id"], {"vis_state": 1})  # type: ignore[attr-defined]
        result = reconcile(ctx, days=30, end=day)
        [finding] = [f for line in result.differing() for f in line.findings]
        assert (finding.record_kind, finding.reason) == ("refund", DELETED)
        assert finding.difference == Decimal(str(credit["amount"]["amount"]))
        assert "posted again" in repost(ctx, f"refund:{finding.number}")
        assert "nothing to re-post" in repost(ctx, f"refund:{finding.number}")
        assert reconcile(ctx, days=30, end=day).reconciled
    assert len(bench.live("credit_notes")) == 1
