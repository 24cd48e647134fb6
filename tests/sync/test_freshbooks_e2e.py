"""Magento → FreshBooks end to end: simulators over loopback, the real engine, a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.connectors.freshbooks.bench import FreshBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def money(value: object) -> Decimal:
    return Decimal(str(value))


def test_paid_order_becomes_a_paid_invoice_equal_to_the_store_total(bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    placed = bench.store.order_json(order_id)
    summary = bench.sync()
    assert summary.status == "ok", [(e.code, e.message) for e in bench.open_errors()]
    [invoice] = bench.live("invoices")
    assert invoice["invoice_number"] == placed["increment_id"]
    assert money(invoice["amount"]["amount"]) == money(placed["grand_total"])
    assert (invoice["payment_status"], invoice["v3_status"]) == ("paid", "paid")
    assert invoice["status"] == 2  # marked sent: FreshBooks' reports count it
    [payment] = bench.live("payments")
    assert payment["type"] == "VISA" and payment["invoiceid"] == invoice["id"]
    [client] = bench.live("clients")
    assert (client["email"], client["fname"], client["lname"]) == (
        "jane.doe@example.com", "Jane", "Doe")
    taxed = [line for line in invoice["lines"] if line["taxName1"]]
    assert [(line["name"], line["taxAmount1"]) for line in taxed] == [
        ("Canvas Tote (Black)", "8.25"), ]
    assert bench.sync().status == "ok"
    assert len(bench.live("invoices")) == 1 and len(bench.live("payments")) == 1
