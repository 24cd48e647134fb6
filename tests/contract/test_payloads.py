"""Each store's real captured payloads parse into valid canonical records."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.models.commerce import Order
from tests.contract.harness import StoreHarness
from tests.contract.invariants import check_order, check_refund


def test_captured_payloads_parse_into_valid_canonical_records(
        harness: StoreHarness, reference_dir: Path) -> None:
    records = harness.captured(reference_dir)
    assert any(isinstance(r, Order) for r in records), "at least one captured order"
    for record in records:
        if isinstance(record, Order):
            check_order(record)
        else:
            check_refund(record)
