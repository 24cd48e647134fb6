"""Undo against QuickBooks Desktop, through the Web Connector: the voids wait in the mailbox
(and say so) until the Web Connector's next update carries them, then the order posts again,
exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.sync.undo import carry_out, plan_undo, repost_orders
from tests.sync.qbd_bench import QbdBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present) as opened:
        yield opened


def _voided(bench: QbdBench, kind: str) -> list[str]:
    return [str(r.data["RefNumber"]) for r in bench.company.company.all(kind)
            if str(r.data.get("Memo", "")).startswith("VOID:")]


def test_undo_waits_for_the_web_connector_then_the_order_posts_again_exactly_once(
        bench: QbdBench) -> None:
    order_id = bench.store.add_order(order())
    placed = bench.store.order_json(order_id)
    bench.sync()  # journaled while QuickBooks is away; the update's run sends it
    assert bench.session().outcome == "done"
    [receipt] = bench.txns("SalesReceipt")

    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[str(order_id)])
        preview = "\n".join(plan.lines())
        assert f"Sales Receipt {receipt.data['RefNumber']}" in preview, preview
        assert "in QuickBooks Desktop" in preview, preview
        result = carry_out(ctx, plan)
    # no Web Connector session is open: the void waits, and says for what
    assert result.undone == [] and not result.refused, result
    assert result.waiting and "Web Connector" in "\n".join(w for _, w in result.waiting), result
    assert len(bench.txns("SalesReceipt")) == 1, "nothing voided before QuickBooks is asked"

    report = bench.session()  # the next update carries the void
    assert report.outcome in ("done", "no_work"), report
    assert bench.txns("SalesReceipt") == [] and _voided(bench, "SalesReceipt") == [
        placed["increment_id"]]
    with bench.service.context(bench.pair_id) as ctx:  # run again: it finishes, nothing twice
        again = carry_out(ctx, plan_undo(ctx, order_ids=[str(order_id)]))
        assert again.refused == [] and again.waiting == [], again

    with bench.service.context(bench.pair_id) as ctx:
        outcome = repost_orders(ctx, [str(order_id)])[str(order_id)]
    # journaled again; it waits for the Web Connector's next update, and says so
    assert outcome.startswith("waiting for QuickBooks Desktop: ") and "Web Connector" in outcome
    assert bench.txns("SalesReceipt") == []
    bench.session()
    [reposted] = bench.txns("SalesReceipt")
    assert reposted.data["TxnID"] != receipt.data["TxnID"]
    assert Decimal(str(reposted.data["TotalAmount"])) == Decimal(str(placed["grand_total"]))
    bench.session()
    assert len(bench.txns("SalesReceipt")) == 1, "posted again exactly once"
    assert bench.open_postings() == [] and bench.open_errors() == []
