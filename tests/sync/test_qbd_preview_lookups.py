"""The exact preview of a QuickBooks Desktop pair between Web Connector updates: customers and
items are matched against the lists of the company's copy ("matched by email" / "new"), an unknown
SKU is flagged as the run would flag it, and the preview says when the lists were read."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli.preview_commands import preview_lines
from ecom_ledger_desktop.sync.preview import run_preview
from tests.sync.qbd_bench import CATALOG, QbdBench, open_bench, order
from tests.sync.test_qbd_books_between_updates import STAMP

RED = {"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "price": "24.00", "qty": 10}


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present, catalog=[*CATALOG, RED]) as opened:
        yield opened


def test_the_preview_matches_quickbooks_desktop_customers_and_items_from_the_copy(
        bench: QbdBench) -> None:
    company = bench.company.company
    with company.lock:  # a customer the merchant keyed in by hand, never posted to by us
        company.add("Customer", {"Name": "Ann Lee", "FullName": "Ann Lee", "IsActive": "true",
                                 "Sublevel": "0", "Email": "ann.lee@example.com",
                                 "Balance": Decimal("0.00"), "TotalBalance": Decimal("0.00"),
                                 "JobStatus": "None"})
    with bench.service.context(bench.pair_id) as ctx:
        assert not run_preview(ctx).documents  # nothing to do, and nothing read yet: no error
    bench.store.add_order(order())
    bench.sync()
    assert bench.session().outcome == "done"  # posts Jane's order, reads the company's lists

    bench.store.add_order(order(
        customer={"email": "ann.lee@example.com", "firstname": "Ann", "lastname": "Lee"},
        lines=[{"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "qty": 1, "price": "24.00",
                "tax_percent": "8.25"}]))
    bench.store.add_order(order(
        customer={"email": "bob@example.com", "firstname": "Bob", "lastname": "Stone"},
        lines=[{"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "qty": 2, "price": "24.00",
                "tax_percent": "8.25"}]))
    bench.store.add_order(order(
        customer={"email": "cy@example.com", "firstname": "Cy", "lastname": "Ng"},
        lines=[{"sku": "GIFT-WRAP", "name": "Gift Wrapping", "qty": 1, "price": "3.00"}]))
    with bench.service.context(bench.pair_id) as ctx:
        seen = run_preview(ctx)  # no Web Connector session is open
    who = {doc.customer.email: doc.customer for doc in seen.documents if doc.customer}
    assert (who["ann.lee@example.com"].action, who["ann.lee@example.com"].reason) == (
        "matched", "matched by email")
    assert who["ann.lee@example.com"].ledger_id == "Ann Lee"
    assert (who["bob@example.com"].action, who["bob@example.com"].reason) == (
        "new", "new: no customer with this email in QuickBooks Desktop")
    assert [c.email for c in seen.customers_to_create] == ["bob@example.com"]
    assert not seen.items_to_create, "MB-TOTE-RED is in QuickBooks: matched, not created"
    [flag] = seen.flags
    assert flag.code == "unmapped_sku" and "GIFT-WRAP" in flag.message
    assert not seen.waiting, "nothing waits for the Web Connector in a preview"
    assert STAMP.search(seen.ledger_read)
    assert any(line.startswith("  Customers and items matched against QuickBooks Desktop as "
                               "read at") for line in preview_lines(seen))
    assert len(bench.txns("SalesReceipt")) == 1, "a preview sends nothing"
