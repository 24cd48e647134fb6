"""QuickBooks Desktop end to end: Magento → engine → journal → our SOAP endpoint → the Web
Connector simulator → the company simulator, exactly once, offline-first."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.sync.qbd_bench import QbdBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path, reference_dir: Path) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_dir) as opened:
        yield opened


def test_postings_wait_with_the_reason_until_the_web_connector_calls_then_post_once(
        bench: QbdBench) -> None:
    order_id = bench.store.add_order(order())
    placed = bench.store.order_json(order_id)
    summary = bench.sync()
    assert summary.status == "ok" and summary.posted == 0, summary
    assert "has not connected yet" in summary.message
    [waiting] = bench.open_postings()
    assert waiting.state in ("queued", "sending") and "has not connected yet" in waiting.last_error
    assert bench.open_errors() == []  # waiting for the Web Connector is nobody's error

    report = bench.session()
    assert report.outcome == "done", report
    [receipt] = bench.txns("SalesReceipt")
    assert receipt.data["RefNumber"] == placed["increment_id"]
    assert Decimal(str(receipt.data["TotalAmount"])) == Decimal(str(placed["grand_total"]))
    assert bench.open_postings() == [] and bench.open_errors() == []
    [customer] = [c for c in bench.company.company.all("Customer") if c.name == "Jane Doe"]
    assert "jane.doe@example.com" in str(customer.data.get("Email"))

    assert bench.session().outcome in ("done", "no_work")
    assert len(bench.txns("SalesReceipt")) == 1
