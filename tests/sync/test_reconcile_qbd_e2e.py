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
def bench(tmp_path: Path, reference_dir: Path) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_dir) as opened:
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
