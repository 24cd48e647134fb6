"""The exact preview of a QuickBooks Desktop pair flags what the run would refuse before sending
(a store rate with no Sales Tax item, a currency the company does not use), in the run's own
words, between Web Connector updates; and the run then posts exactly what the preview showed,
document by document (Magento simulator, our Web Connector endpoint over loopback, the Web
Connector and company simulators, a real SQLite file)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import Preview
from tests.sync.qbd_bench import CATALOG, QbdBench, open_bench, order

RED = {"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "price": "24.00", "qty": 10}
BOB = {"email": "bob@example.com", "firstname": "Bob", "lastname": "Stone"}
CY = {"email": "cy@example.com", "firstname": "Cy", "lastname": "Ng"}


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present, catalog=[*CATALOG, RED]) as opened:
        yield opened


def preview(bench: QbdBench) -> Preview:
    with bench.service.context(bench.pair_id) as ctx:
        return run_preview(ctx)


def number_of(bench: QbdBench, spec: dict[str, Any]) -> str:
    return str(bench.store.order_json(bench.store.add_order(spec))["increment_id"])


def first_update(bench: QbdBench) -> None:
    """Jane's order posted in one update, which reads the company's lists into the copy."""
    bench.store.add_order(order())
    bench.sync()
    assert bench.session().outcome == "done"


def flagged_alike(bench: QbdBench, seen: Preview) -> None:
    """The run, in the next update, flags exactly what the preview flagged, in its words."""
    before = len(bench.txns("SalesReceipt"))
    bench.sync()
    assert bench.session().outcome == "done"
    assert len(bench.txns("SalesReceipt")) == before + len(seen.documents)
    assert sorted((e.record_ref, e.code, e.message) for e in bench.open_errors()) == sorted(
        (f.record_ref, f.code, f.message) for f in seen.flags)


def test_a_store_rate_with_no_sales_tax_item_is_flagged_by_the_preview(bench: QbdBench) -> None:
    first_update(bench)
    number = number_of(bench, order(customer=BOB, lines=[
        {"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "qty": 1, "price": "24.00",
         "tax_percent": "7"}]))

    seen = preview(bench)  # no Web Connector session is open

    assert seen.documents == []
    [flag] = seen.flags
    assert (flag.record_ref, flag.code) == (number, "unmapped_tax_rate")
    assert "7%" in flag.message and "tax_codes.7" in flag.message
    bench.restart()  # a new process: no session seen since, the company's facts unknown
    assert [(f.record_ref, f.code, f.message) for f in preview(bench).flags] == [
        (flag.record_ref, flag.code, flag.message)]
    flagged_alike(bench, seen)


def test_a_currency_the_company_does_not_use_is_flagged_by_the_preview(bench: QbdBench) -> None:
    first_update(bench)
    number = number_of(bench, order(customer=CY, currency="EUR"))

    seen = preview(bench)

    assert seen.documents == []
    [flag] = seen.flags
    assert (flag.record_ref, flag.code) == (number, "currency_not_enabled")
    assert "EUR" in flag.message and "Multiple Currencies" in flag.message
    flagged_alike(bench, seen)


def test_preview_then_post_agree_document_by_document(bench: QbdBench) -> None:
    first_update(bench)
    numbers = [number_of(bench, spec) for spec in (
        order(),  # Jane again: matched, by the key in her notes
        order(customer=BOB, discount="5.00", lines=[
            {"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "qty": 2, "price": "24.00",
             "tax_percent": "8.875"},
            {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 3, "price": "7.00"}]),
        order(customer=CY, payment_method="checkmo", shipping="0"),
        order(customer=CY, lines=[{"sku": "MB-TOTE-RED", "name": "Canvas Tote (Red)", "qty": 1,
                                   "price": "24.00", "tax_percent": "6.5"}]))]

    seen = preview(bench)

    assert len(bench.txns("SalesReceipt")) == 1, "a preview sends nothing"
    by_number = {doc.record_number: doc for doc in seen.documents}
    assert sorted(by_number) == sorted(numbers[:3])
    [flag] = seen.flags
    assert (flag.record_ref, flag.code) == (numbers[3], "unmapped_tax_rate")

    flagged_alike(bench, seen)

    posted = {r.data["RefNumber"]: r.data for r in bench.txns("SalesReceipt")}
    for number, doc in by_number.items():
        receipt = posted[doc.doc_number]
        assert doc.op == "create" and doc.doc_kind == "sales_receipt"
        assert Decimal(str(receipt["TotalAmount"])) == doc.total, number
        assert str(receipt["TxnDate"]) == doc.txn_date.isoformat()  # type: ignore[union-attr]
        assert receipt["PaymentMethodRef"]["FullName"] == doc.payment_method
        assert doc.customer is not None
        if doc.customer.action == "matched":
            assert receipt["CustomerRef"]["FullName"] == doc.customer.ledger_id
        else:
            assert doc.customer.action == "new"
            assert receipt["CustomerRef"]["FullName"] == doc.customer.display_name
        sent = [(line["ItemRef"]["FullName"], Decimal(str(line["Amount"])))
                for line in receipt["SalesReceiptLineRet"]]
        shown = [(line.item.removeprefix("sku:") if line.kind == "item" else line.account,
                  line.amount) for line in doc.lines]
        assert sent[:len(shown)] == shown, number
        taxed = sum((amount for item, amount in sent[len(shown):]), Decimal(0))
        assert taxed == doc.tax_total, number
    who = {doc.customer.email: doc.customer.action for doc in seen.documents if doc.customer}
    assert who == {"jane.doe@example.com": "matched", "bob@example.com": "new",
                   "cy@example.com": "new"}
