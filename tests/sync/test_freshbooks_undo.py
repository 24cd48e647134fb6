"""Undo against the FreshBooks simulator: the invoice and its payment go, the order comes back
once (FreshBooks keeps a deleted invoice's number, so the repost carries a new one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.sync.undo import carry_out, plan_undo, repost_orders
from tests.connectors.freshbooks.bench import FreshBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def test_undo_then_post_again_exactly_once(bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    run_id = bench.sync().run_id
    [invoice] = bench.live("invoices")
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=run_id)
        assert [s.doc_number for s in plan.steps] == [invoice["invoice_number"]]
        preview = "\n".join(plan.lines())
        # in FreshBooks' own words: a sales receipt is posted as a paid invoice
        assert f"Paid invoice {invoice['invoice_number']}" in preview, preview
        assert "Sales Receipt" not in preview and "QuickBooks" not in preview, preview
        result = carry_out(ctx, plan)
        assert result.undone and not result.refused, result
    assert bench.live("invoices") == [] and bench.live("payments") == []
    assert any("kept" in line for line in result.retired) or not result.retired, result.retired

    bench.sync()
    assert bench.live("invoices") == [], "held until posted again"
    with bench.service.context(bench.pair_id) as ctx:
        assert repost_orders(ctx, [str(order_id)])[str(order_id)].startswith("posted")
    bench.sync()
    [again] = bench.live("invoices")
    assert again["invoice_number"] == f"{invoice['invoice_number']}-U1"
    assert len(bench.live("payments")) == 1
