"""Reconciliation against QuickBooks Desktop read back through the Web Connector: refused in plain
words while no session is open; a clean period is 0.00 when read inside a session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.sync.reconcile import NotReadable, Reconciliation, reconcile
from tests.sync.qbd_bench import QbdBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present) as opened:
        yield opened


def test_a_clean_period_reconciles_to_zero_inside_a_web_connector_session(
        bench: QbdBench, monkeypatch: pytest.MonkeyPatch) -> None:
    bench.store.add_order(order())
    bench.store.add_order(order(shipping="9.00"))
    bench.sync()  # journaled while QuickBooks is away
    with bench.service.context(bench.pair_id) as ctx, pytest.raises(NotReadable) as away:
        reconcile(ctx, days=30)
    assert "waiting for QuickBooks Desktop: The Web Connector has not connected yet" in str(
        away.value)

    results: list[Reconciliation] = []
    real = bench.service.run_pair

    def run_then_reconcile(pair_ref: Any, trigger: str = "manual") -> Any:
        summary = real(pair_ref, trigger)  # the session's run posts, then the books are read
        [first, *_] = bench.txns("SalesReceipt")
        with bench.service.context(pair_ref) as ctx:
            results.append(reconcile(ctx, days=30,
                                     end=date.fromisoformat(str(first.data["TxnDate"]))))
        return summary

    monkeypatch.setattr(bench.service, "run_pair", run_then_reconcile)
    assert bench.session().outcome == "done"
    [result] = results
    assert result.reconciled, [(line.key, line.findings) for line in result.lines]
    assert result.differences() == {"USD": Decimal("0.00")}
    [line] = result.lines
    assert line.store.records == line.ledger_documents == 2
    assert line.store.net == sum(Decimal(str(r.data["TotalAmount"]))
                                 for r in bench.txns("SalesReceipt"))
    assert result.ledger_calls == 1, "one Web Connector round trip for the period"


def test_a_receipt_deleted_by_hand_is_reposted_once_and_a_changed_total_found_in_a_session(
        bench: QbdBench, monkeypatch: pytest.MonkeyPatch) -> None:
    bench.store.add_order(order())
    bench.store.add_order(order(shipping="9.00"))
    bench.store.add_order(order(shipping="4.00"))
    bench.sync()
    assert bench.session().outcome == "done"
    first, second, third = bench.txns("SalesReceipt")
    company = bench.company.company
    with company.lock:  # by hand in QuickBooks: one deleted, one total changed (as QuickBooks
        company.delete("SalesReceipt", first.id)  # logs a deletion and stamps an edit)
        second.data["TotalAmount"] = str(Decimal(str(second.data["TotalAmount"])) + 5)
        company.touch(second)
    day = date.fromisoformat(str(third.data["TxnDate"]))
    bench.store.add_order(order())  # the next update has work, so the Web Connector opens one
    bench.sync()

    seen: list[tuple[Reconciliation, str, Reconciliation]] = []
    real = bench.service.run_pair

    def run_then_reconcile(pair_ref: Any, trigger: str = "manual") -> Any:
        from ecom_ledger_desktop.sync.reconcile_actions import repost

        summary = real(pair_ref, trigger)
        with bench.service.context(pair_ref) as ctx:
            before = reconcile(ctx, days=30, end=day)
            said = repost(ctx, str(first.data["RefNumber"]))
            seen.append((before, said, reconcile(ctx, days=30, end=day)))
        return summary

    monkeypatch.setattr(bench.service, "run_pair", run_then_reconcile)
    assert bench.session().outcome == "done"
    [(before, said, after)] = seen
    reasons = {f.number: f.reason for line in before.lines for f in line.findings}
    assert reasons == {first.data["RefNumber"]: "deleted in the ledger by hand",
                       second.data["RefNumber"]: "changed in the ledger by hand"}
    assert "posted again" in said
    assert {f.reason for line in after.lines for f in line.findings} == {
        "changed in the ledger by hand"}  # found, left for the merchant's --repost
    numbers = [r.data["RefNumber"] for r in bench.txns("SalesReceipt")]
    assert numbers.count(first.data["RefNumber"]) == 1 and len(numbers) == 4
