"""Reconciliation against QuickBooks Online read back over HTTP: a clean month is 0.00; a
document deleted by hand is found and re-posted exactly once; a total changed by hand is found."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.sync.reconcile import CHANGED, DELETED, HAND_MADE, MOVED, reconcile
from ecom_ledger_desktop.sync.reconcile_actions import RepostRefused, repost, write_csv
from tests.sync.conftest import SyncBench, order_spec


def _live(bench: SyncBench) -> list[dict[str, object]]:
    """Sales receipts QuickBooks holds now (not deleted, not voided)."""
    with bench.ledger.company.lock:
        return [dict(r.data) for r in bench.ledger.company.live("SalesReceipt")
                if "Voided" not in str(r.data.get("PrivateNote", ""))]


def _posted(bench: SyncBench, orders: int = 3) -> date:
    for n in range(orders):
        bench.store.add_order(order_spec(shipping=f"{5 + n}.00"))
    assert bench.sync().status == "ok"
    receipts = bench.docs("SalesReceipt")
    assert len(receipts) == orders
    return date.fromisoformat(str(receipts[0]["TxnDate"]))


def test_a_clean_month_reconciles_to_zero_per_day_and_method(bench: SyncBench,
                                                             tmp_path: Path) -> None:
    day = _posted(bench)
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=day)
    assert result.reconciled
    assert result.differences() == {"USD": Decimal("0.00")}
    [line] = result.lines
    assert (line.key.day, line.key.method, line.key.currency) == (day, "Check", "USD")
    assert line.store.records == 3 and line.ledger_documents == 3
    assert line.store.net == line.ledger_net > 0
    assert line.store.shipping == Decimal("18.00")
    assert line.store.gross + line.store.shipping - line.store.discounts + line.store.tax \
        == line.store.net
    assert result.ledger_calls == 4, "one date-range query per document kind, no per-order reads"
    rows = write_csv(result, tmp_path / "reconcile.csv")
    assert rows == 1
    assert "day," + day.isoformat() + ",Check,USD,3," in (tmp_path / "reconcile.csv").read_text()


def test_a_document_deleted_by_hand_is_found_and_reposted_exactly_once(bench: SyncBench) -> None:
    day = _posted(bench)
    victim = bench.docs("SalesReceipt")[1]
    with bench.service.context(bench.pair_id) as ctx:
        ctx.ledger.client.delete("SalesReceipt", victim["Id"], victim["SyncToken"],  # type: ignore[attr-defined]
                                 "hand-delete-1")
        result = reconcile(ctx, days=30, end=day)
        [line] = result.differing()
        [finding] = line.findings
        assert finding.reason == DELETED and finding.repostable
        assert line.difference == -Decimal(str(victim["TotalAmt"]))
        assert result.differences()["USD"] == line.difference

        said = repost(ctx, finding.number)
        assert "posted again" in said
        again = repost(ctx, finding.number)  # asked twice: the ledger holds it, nothing sent
        assert "nothing to re-post" in again
        assert reconcile(ctx, days=30, end=day).reconciled
    assert len(_live(bench)) == 3
    assert bench.sync().status == "ok"  # a later run does not post it a third time
    numbers = [d["DocNumber"] for d in _live(bench)]
    assert sorted(numbers) == sorted(set(numbers)) and len(numbers) == 3


def test_a_total_changed_by_hand_is_found_and_put_back(bench: SyncBench) -> None:
    day = _posted(bench, orders=2)
    victim = bench.docs("SalesReceipt")[0]
    with bench.ledger.company.lock:  # someone edits the total in QuickBooks' own screens
        record = bench.ledger.company.get("SalesReceipt", str(victim["Id"]))
        assert record is not None
        record.data["TotalAmt"] = float(Decimal(str(victim["TotalAmt"])) - 10)
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=day)
        [line] = result.differing()
        [finding] = line.findings
        assert finding.reason == CHANGED and finding.difference == Decimal("-10")
        assert "store's figures" in repost(ctx, finding.number)
        assert reconcile(ctx, days=30, end=day).reconciled
    assert len(_live(bench)) == 2


def test_a_document_posted_by_hand_is_named(bench: SyncBench) -> None:
    day = _posted(bench, orders=1)
    with bench.ledger.company.lock:
        [record] = bench.ledger.company.live("SalesReceipt")
        copy = dict(record.data)
    with bench.service.context(bench.pair_id) as ctx:
        client = ctx.ledger.client  # type: ignore[attr-defined]
        body = {k: copy[k] for k in ("Line", "CustomerRef", "TxnDate") if k in copy}
        body["DocNumber"] = "HAND-1"
        client.create("SalesReceipt", body, "hand-made-1")
        result = reconcile(ctx, days=30, end=day)
    assert not result.reconciled
    reasons = [f.reason for line in result.lines for f in line.findings]
    assert reasons == [HAND_MADE]


def test_a_document_redated_by_hand_shows_on_both_days_and_is_put_back(bench: SyncBench) -> None:
    day = _posted(bench, orders=2)
    victim = bench.docs("SalesReceipt")[0]
    earlier = day - timedelta(days=3)
    with bench.ledger.company.lock:  # the merchant moves it to another day in QuickBooks
        record = bench.ledger.company.get("SalesReceipt", str(victim["Id"]))
        assert record is not None
        record.data["TxnDate"] = earlier.isoformat()
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=day)
        by_day = {line.key.day: line for line in result.differing()}
        total = Decimal(str(victim["TotalAmt"]))
        assert by_day[day].difference == -total and by_day[earlier].difference == total
        assert {f.reason for line in by_day.values() for f in line.findings} == {MOVED}
        assert result.differences() == {"USD": Decimal("0.00")}, "per currency it nets out"
        assert not result.reconciled, "but the days do not agree"
        assert "store's figures" in repost(ctx, str(victim["DocNumber"]))
        assert reconcile(ctx, days=30, end=day).reconciled
    assert len(_live(bench)) == 2


def test_an_order_flagged_before_it_could_be_posted_is_named_not_hidden(bench: SyncBench) -> None:
    day = _posted(bench, orders=1)
    broken = bench.store.add_order(order_spec())
    raw = bench.store.order_json(broken)
    raw["grand_total"] = "not a number"
    bench.store.put_raw_order(broken, raw)
    bench.sync()
    unread = [e for e in bench.open_errors() if e.record_kind == "order"]
    assert unread, "the simulator's broken order is flagged"
    with bench.service.context(bench.pair_id) as ctx:
        postings = ctx.state.journal.for_record(bench.pair_id, "order", unread[0].source_id)
        result = reconcile(ctx, days=30, end=day)
    assert postings == [], "flagged before it was journaled"
    assert result.reconciled and not result.complete
    [finding] = result.unplaced
    assert finding.number == raw["increment_id"] and "not known" in finding.reason


def test_a_repost_waits_for_a_running_sync_of_the_pair(bench: SyncBench) -> None:
    day = _posted(bench, orders=1)
    [victim] = bench.docs("SalesReceipt")
    other = bench.state()
    try:
        with bench.service.context(bench.pair_id) as ctx:
            ctx.ledger.client.delete("SalesReceipt", victim["Id"], victim["SyncToken"],  # type: ignore[attr-defined]
                                     "hand-delete-2")
            assert other.runs.try_lock(bench.pair_id, "manual")  # a sync is running
            with pytest.raises(RepostRefused, match="sync of this pair is running"):
                repost(ctx, str(victim["DocNumber"]))
            other.runs.unlock(bench.pair_id)
            assert "posted again" in repost(ctx, str(victim["DocNumber"]))
            assert reconcile(ctx, days=30, end=day).reconciled
    finally:
        other.close()
    assert len(_live(bench)) == 1
