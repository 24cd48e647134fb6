"""A cancelled order's document is voided in QuickBooks the way QuickBooks Online voids it."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.conftest import SyncBench, order_spec


def test_cancelled_paid_order_leaves_its_sales_receipt_voided(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    assert bench.sync().status == "ok"
    [receipt] = bench.docs("SalesReceipt")
    assert Decimal(str(receipt["TotalAmt"])) > 0

    # a paid order cancelled afterwards (e.g. the payment provider voided the capture)
    raw = bench.store.order_json(order_id)
    raw.update({"state": "canceled", "status": "canceled",
                "updated_at": bench.store.state.now()})
    bench.store.put_raw_order(order_id, raw)
    summary = bench.sync()

    assert summary.status == "ok", summary
    [stored] = [r for r in bench.ledger.entities("SalesReceipt") if r["Id"] == receipt["Id"]]
    assert stored["TotalAmt"] == 0, "voided in QuickBooks, not just marked in our journal"
    assert str(stored["PrivateNote"]).startswith("Voided")
    assert bench.docs("SalesReceipt") == []
    assert bench.ledger.stats()["void"] == 1
