"""The preview's totals per day and payment method count exactly what the run then changes in the
books: new sales, refunds and the difference an edited order's update makes, per currency; what
would be flagged is totalled apart and never posted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import (
    NO_METHOD,
    DayTotal,
    Preview,
    PreviewAmount,
    PreviewDocument,
)
from tests.sync.conftest import SyncBench, order_spec

Key = tuple[str, str, str]  # day, payment method, currency


def _books(bench: SyncBench) -> dict[tuple[str, str], dict[str, Any]]:
    """Live sales and refund documents of the company by (entity, id)."""
    return {(entity, doc["Id"]): doc for entity in ("SalesReceipt", "Invoice", "RefundReceipt")
            for doc in bench.docs(entity)}


def _key(bench: SyncBench, doc: dict[str, Any]) -> Key:
    methods = {m["Id"]: m["Name"] for m in bench.ledger.entities("PaymentMethod")}
    method = methods.get((doc.get("PaymentMethodRef") or {}).get("value", ""), NO_METHOD)
    return doc["TxnDate"], method, (doc.get("CurrencyRef") or {}).get("value", "USD")


def _what_the_run_changed(bench: SyncBench, before: dict[tuple[str, str], dict[str, Any]],
                          after: dict[tuple[str, str], dict[str, Any]]
                          ) -> dict[Key, dict[str, Decimal]]:
    """Per key: new sales, changes to sales documents already there, new refunds."""
    found: dict[Key, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for ref, doc in after.items():
        total = Decimal(str(doc["TotalAmt"]))
        if ref not in before:
            column = "refunds" if ref[0] == "RefundReceipt" else "sales"
            found[_key(bench, doc)][column] += total
        elif total != Decimal(str(before[ref]["TotalAmt"])):
            found[_key(bench, doc)]["changes"] += total
            found[_key(bench, before[ref])]["changes"] -= Decimal(str(before[ref]["TotalAmt"]))
    for ref, doc in before.items():
        if ref not in after:  # voided
            found[_key(bench, doc)]["changes"] -= Decimal(str(doc["TotalAmt"]))
    return found


def _previewed(rows: list[DayTotal]) -> dict[Key, dict[str, Decimal]]:
    return {(str(r.day), r.payment_method, r.currency): {
        name: value for name, value in (("sales", r.sales), ("changes", r.changes),
                                        ("refunds", r.refunds)) if value}
        for r in rows}


def test_a_preview_and_the_run_after_it_agree_total_by_total_per_currency(
        bench: SyncBench) -> None:
    bench.set_rules(payment_posting={"checkmo": "post_at_order"})  # unpaid: an invoice at once
    edited = bench.store.add_order(order_spec())
    refunded = bench.store.add_order(order_spec(payment_method="braintree"))
    cancelled = bench.store.add_order(order_spec(payment_method="checkmo", paid=False))
    bench.sync()
    bench.store.cancel_order(cancelled)  # its invoice is voided
    bench.store.edit_order(edited, {"lines": [  # one more tote: its receipt is updated
        {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 3, "price": "24.00",
         "tax_percent": "8.25"},
        {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "18.50"}]})
    bench.store.refund_order(refunded, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0})
    bench.store.add_order(order_spec())
    bench.store.add_order(order_spec(payment_method="braintree"))
    bench.store.add_order(order_spec(currency="EUR", base_currency="USD", lines=[
        {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 2, "price": "17.00"}]))
    flagged = bench.store.order_json(bench.store.add_order(order_spec(lines=[
        {"sku": "NOT-IN-BOOKS", "name": "Mystery", "qty": 1, "price": "3.00"}], shipping="0")))

    with bench.service.context(bench.pair_id) as ctx:
        seen = run_preview(ctx)
    before = _books(bench)
    summary = bench.sync()
    after = _books(bench)

    assert {d.op for d in seen.documents} == {"create", "update", "void"}
    assert {r.currency for r in seen.totals()} == {"USD", "EUR"}, "each currency on its own"
    assert summary.posted == len(seen.documents) and summary.flagged == 1
    ran = _what_the_run_changed(bench, before, after)
    assert _previewed(seen.totals()) == {key: dict(v) for key, v in ran.items()}
    # what would be flagged is said apart, with its amount, and the run did not post it
    [flag] = seen.flagged_totals()
    assert (flag.documents, flag.sales, flag.currency) == (1, Decimal("3.00"), "USD")
    assert seen.unpriced_flags() == 0
    assert flagged["increment_id"] not in {doc.get("DocNumber") for doc in after.values()}


def test_an_update_counts_the_difference_and_a_void_takes_its_document_away() -> None:
    day = date(2026, 3, 2)

    def doc(op: str, total: str, previous: str | None = None, kind: str = "sales_receipt"
            ) -> PreviewDocument:
        return PreviewDocument(f"k{op}{total}", "order", "1", "1", op, kind, "1", day, "USD",
                               Decimal(total), Decimal("0"), "Visa", "", None,
                               previous=PreviewAmount(day, "Visa", "USD", Decimal(previous),
                                                      Decimal("0")) if previous else None)

    seen = Preview(1, "p", documents=[doc("create", "10.00"), doc("update", "99.00", "90.00"),
                                      doc("void", "7.00"), doc("create", "4.00", None,
                                                               "refund_receipt")])
    [row] = seen.totals()
    assert (row.documents, row.sales, row.changes, row.refunds, row.net) == (
        4, Decimal("10.00"), Decimal("2.00"), Decimal("4.00"), Decimal("8.00"))
