"""The exact preview: the run's own path up to sending; then the real run posts exactly that."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.models.ledger import LedgerCustomer
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import Preview, PreviewAmount, PreviewDocument
from tests.sync.conftest import SyncBench, order_spec

SAM = {"email": "sam.lee@example.com", "firstname": "Sam", "lastname": "Lee"}
BO = {"email": "bo.ek@example.com", "firstname": "Bo", "lastname": "Ek"}


def preview(bench: SyncBench) -> Preview:
    with bench.service.context(bench.pair_id) as ctx:
        return run_preview(ctx)


def seed_customer(bench: SyncBench, first: str, last: str, email: str) -> str:
    """A customer the merchant already has in the ledger (made through the real connector)."""
    with bench.service.context(bench.pair_id) as ctx:
        return ctx.ledger.ensure_customer(LedgerCustomer(
            key=f"email:{email}", display_name=f"{first} {last}", given_name=first,
            family_name=last, email=email), "seed-" + email)


def posted_lines(doc: dict[str, Any], items: dict[str, str]) -> list[tuple[str, Decimal, Decimal]]:
    """(item name, qty, amount) of a posted document's item lines."""
    return [(items[line["SalesItemLineDetail"]["ItemRef"]["value"]],
             Decimal(str(line["SalesItemLineDetail"].get("Qty", 0))),
             Decimal(str(line["Amount"])))
            for line in doc["Line"] if line.get("DetailType") == "SalesItemLineDetail"]


def previewed_lines(doc: PreviewDocument, names: dict[str, str]
                    ) -> list[tuple[str, Decimal, Decimal]]:
    return [(names.get(line.item, line.account or line.item), line.qty or Decimal(0),
             line.amount) for line in doc.lines]


def test_preview_then_post_agree_document_by_document(bench: SyncBench) -> None:
    sam_id = seed_customer(bench, "Sam", "Lee", SAM["email"])
    numbers = [bench.store.order_json(bench.store.add_order(spec))["increment_id"] for spec in (
        order_spec(), order_spec(customer=SAM),
        order_spec(customer=BO, lines=[{"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie S Gray",
                                        "qty": 1, "price": "52.00", "tax_percent": "8.25"}]),
        order_spec(customer=BO, lines=[{"sku": "NOT-IN-BOOKS", "name": "Mystery", "qty": 1,
                                        "price": "3.00"}]))]
    before = bench.ledger.stats()
    heard: list[object] = []
    bench.events.subscribe(heard.append)

    seen = preview(bench)

    assert heard == [], "a preview tells no one that anything was posted"

    # nothing was written anywhere: not the ledger, not the database
    after = bench.ledger.stats()
    assert all(after[kind] == before[kind] for kind in ("create", "update", "batch", "void"))
    assert bench.runs() == [] and bench.open_errors() == []
    assert not bench.docs("SalesReceipt")
    by_number = {doc.record_number: doc for doc in seen.documents}
    assert sorted(by_number) == sorted(numbers[:3])
    assert {doc.op for doc in seen.documents} == {"create"}
    # customers: matched in the ledger by email, or new and why
    assert by_number[numbers[1]].customer is not None
    assert (by_number[numbers[1]].customer.action, by_number[numbers[1]].customer.ledger_id,
            by_number[numbers[1]].customer.reason) == ("matched", sam_id, "matched by email")
    assert sorted(c.email for c in seen.customers_to_create) == ["bo.ek@example.com",
                                                                 "jane.doe@example.com"]
    assert all(c.reason.startswith("new: no customer with this email")
               for c in seen.customers_to_create)
    # the order with an unknown SKU would be flagged, saying why and how to fix it
    [flag] = seen.flags
    assert (flag.record_ref, flag.code) == (numbers[3], "unmapped_sku")
    assert "NOT-IN-BOOKS" in flag.message and flag.fixes
    # totals per store-local day, payment method and currency
    [day] = seen.totals()
    assert day.currency == "USD" and day.documents == 3
    assert day.sales == sum((d.total for d in seen.documents), Decimal(0))

    summary = bench.sync()

    assert summary.posted == 3 and summary.flagged == 1
    items = {item["Id"]: item["Name"] for item in bench.ledger.entities("Item")}
    names = {item.get("Sku", ""): item["Name"] for item in bench.ledger.entities("Item")}
    customers = {c["Id"]: c for c in bench.ledger.entities("Customer")}
    posted = {doc["DocNumber"]: doc for doc in bench.docs("SalesReceipt")}
    assert sorted(posted) == sorted(by_number)
    for number, doc in by_number.items():
        receipt = posted[number]
        assert doc.doc_kind == "sales_receipt"
        assert Decimal(str(receipt["TotalAmt"])) == doc.total
        assert receipt["TxnDate"] == doc.txn_date.isoformat()  # type: ignore[union-attr]
        assert receipt.get("CurrencyRef", {}).get("value", "USD") == doc.currency
        assert Decimal(str(receipt.get("TxnTaxDetail", {}).get("TotalTax", 0))) == doc.tax_total
        assert doc.customer is not None
        customer = customers[receipt["CustomerRef"]["value"]]
        assert customer["PrimaryEmailAddr"]["Address"] == doc.customer.email
        if doc.customer.action == "matched":
            assert customer["Id"] == doc.customer.ledger_id
        sent = posted_lines(receipt, items)
        assert len(sent) >= 2 and sent == [
            line for line in previewed_lines(doc, names) if line[0] in items.values()]
    assert [e.record_ref for e in bench.open_errors()] == [numbers[3]]


def test_preview_of_an_edited_order_shows_the_update_it_would_send(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.sync()
    bench.store.edit_order(order_id, {"lines": [
        {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 3, "price": "24.00",
         "tax_percent": "8.25"}]})
    seen = preview(bench)
    assert [doc.op for doc in seen.documents] == ["update"]
    [doc] = seen.documents
    assert doc.customer is not None and doc.customer.action == "matched"
    assert seen.customers_to_create == [] and seen.items_to_create == []
    bench.sync()
    [receipt] = bench.docs("SalesReceipt")
    assert Decimal(str(receipt["TotalAmt"])) == doc.total


def test_freshbooks_preview_then_post_agree(tmp_path: Path) -> None:
    from tests.connectors.freshbooks.bench import open_bench, order

    with open_bench(tmp_path) as fresh:
        numbers = [fresh.store.order_json(fresh.store.add_order(spec))["increment_id"]
                   for spec in (order(), order(customer=BO))]
        with fresh.service.context(fresh.pair_id) as ctx:
            seen = run_preview(ctx)
        assert fresh.live("invoices") == [] and fresh.live("clients") == []
        assert sorted(doc.record_number for doc in seen.documents) == sorted(numbers)
        assert sorted(c.email for c in seen.customers_to_create) == [
            "bo.ek@example.com", "jane.doe@example.com"]
        assert fresh.sync().posted == 2
        invoices = {inv["invoice_number"]: inv for inv in fresh.live("invoices")}
        for doc in seen.documents:
            invoice = invoices[doc.doc_number]
            assert Decimal(str(invoice["amount"]["amount"])) == doc.total
            assert invoice["create_date"] == doc.txn_date.isoformat()  # type: ignore[union-attr]
            sent = [(line["name"], Decimal(str(line["qty"]))) for line in invoice["lines"]
                    if Decimal(str(line["qty"])) and line["name"] != "Shipping"]
            assert len(sent) == 2 and sent == [(line.description, line.qty)
                                               for line in doc.lines if line.kind == "item"]


def test_hold_for_approval_posts_only_what_was_approved(bench: SyncBench) -> None:
    from ecom_ledger_desktop.sync import approval

    bench.set_rules(posting_approval="hold")
    first, second = (bench.store.order_json(bench.store.add_order(spec))["increment_id"]
                     for spec in (order_spec(), order_spec(customer=BO)))

    held = bench.sync()

    assert (held.posted, held.flagged, held.held) == (0, 0, 2)
    assert "held for your approval" in held.message and held.status == "ok"
    assert bench.docs("SalesReceipt") == [] and bench.open_errors() == []
    seen = preview(bench)
    assert seen.holding and sorted(seen.held()) == sorted([first, second])
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        assert approval.approve(state, pair, [first, "NO-SUCH"]) == ([first], ["NO-SUCH"])
    finally:
        state.close()

    after = bench.sync()

    assert (after.posted, after.held) == (1, 1)
    assert [doc["DocNumber"] for doc in bench.docs("SalesReceipt")] == [first]
    assert preview(bench).held() == [second] and bench.open_errors() == []
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        approval.approve(state, pair, None)
    finally:
        state.close()
    assert bench.sync().posted == 1
    assert sorted(doc["DocNumber"] for doc in bench.docs("SalesReceipt")) == sorted(
        [first, second])


def test_preview_says_a_customer_was_matched_by_name_when_the_email_found_none(
        bench: SyncBench) -> None:
    bo_id = seed_customer(bench, "Bo", "Ek", "")  # in the books without an email
    number = bench.store.order_json(bench.store.add_order(order_spec(customer=BO)))["increment_id"]
    [doc] = preview(bench).documents
    assert doc.record_number == number and doc.customer is not None
    assert (doc.customer.action, doc.customer.ledger_id, doc.customer.reason) == (
        "matched", bo_id, "matched by name and postcode")
    bench.sync()
    [receipt] = bench.docs("SalesReceipt")
    assert receipt["CustomerRef"]["value"] == bo_id


def test_preview_lists_items_it_would_create_and_the_run_creates_them(bench: SyncBench) -> None:
    bench.set_rules(unmapped_sku_policy="create_item")
    bench.store.add_order(order_spec(lines=[{"sku": "NEW-MUG", "name": "Enamel Mug", "qty": 2,
                                             "price": "9.00"}]))
    seen = preview(bench)
    assert [(i.sku, i.name, i.reason) for i in seen.items_to_create] == [
        ("NEW-MUG", "Enamel Mug", "new: no item with this SKU")]
    assert not [i for i in bench.ledger.entities("Item") if i.get("Sku") == "NEW-MUG"]
    assert bench.sync().posted == 1
    [mug] = [i for i in bench.ledger.entities("Item") if i.get("Sku") == "NEW-MUG"]
    [receipt] = bench.docs("SalesReceipt")
    assert mug["Id"] in {line["SalesItemLineDetail"]["ItemRef"]["value"] for line in receipt["Line"]
                         if line.get("DetailType") == "SalesItemLineDetail"}


def test_preview_of_a_cancelled_order_shows_the_void(bench: SyncBench) -> None:
    bench.set_rules(payment_posting={"checkmo": "post_at_order"})  # an invoice at once
    order_id = bench.store.add_order(order_spec(paid=False))
    bench.sync()
    [invoice] = bench.docs("Invoice")
    bench.store.cancel_order(order_id)
    [doc] = preview(bench).documents
    assert (doc.op, doc.doc_kind, doc.doc_number, doc.lines) == (
        "void", "invoice", invoice["DocNumber"], [])
    assert len(bench.docs("Invoice")) == 1, "the preview voided nothing"
    bench.sync()
    assert bench.docs("Invoice") == []


def test_totals_are_per_day_method_and_currency_never_adding_two_currencies() -> None:
    from datetime import date

    def doc(kind: str, currency: str, total: str, day: int, method: str = "Visa",
            op: str = "create") -> PreviewDocument:
        return PreviewDocument(f"k{kind}{currency}{total}{day}{op}", "order", "1", "1", op,
                               kind, "1", date(2026, 3, day), currency, Decimal(total),
                               Decimal("1.00"), method, "", None)

    seen = Preview(1, "p", documents=[
        doc("sales_receipt", "USD", "10.00", 1), doc("sales_receipt", "EUR", "20.00", 1),
        doc("sales_receipt", "USD", "5.50", 1), doc("refund_receipt", "USD", "3.00", 1),
        doc("invoice", "USD", "7.00", 2, method=""),
        doc("sales_receipt", "USD", "99.00", 2, op="update")])
    seen.documents[-1].previous = PreviewAmount(date(2026, 3, 2), "Visa", "USD",
                                                Decimal("90.00"), Decimal("1.00"))
    rows = [(str(r.day), r.payment_method, r.currency, r.documents, r.sales, r.changes,
             r.refunds, r.net) for r in seen.totals()]
    # an update is no new sale: it counts the difference it makes to the posted document
    assert rows == [
        ("2026-03-01", "Visa", "EUR", 1, Decimal("20.00"), Decimal(0), Decimal(0),
         Decimal("20.00")),
        ("2026-03-01", "Visa", "USD", 3, Decimal("15.50"), Decimal(0), Decimal("3.00"),
         Decimal("12.50")),
        ("2026-03-02", "(no payment method)", "USD", 1, Decimal("7.00"), Decimal(0), Decimal(0),
         Decimal("7.00")),
        ("2026-03-02", "Visa", "USD", 1, Decimal(0), Decimal("9.00"), Decimal(0),
         Decimal("9.00"))]
    assert seen.to_json()["totals"][0]["net"] == "20.00"


@pytest.mark.qbo_company("us_no_tax")
def test_a_document_the_ledger_would_refuse_before_sending_is_a_flag_in_the_preview(
        bench: SyncBench) -> None:
    number = bench.store.order_json(bench.store.add_order(order_spec()))["increment_id"]
    seen = preview(bench)
    assert seen.documents == []
    [flag] = seen.flags
    assert (flag.record_ref, flag.code) == (number, "total_mismatch")
    assert "Sales tax is off" in flag.message
    summary = bench.sync()
    assert summary.posted == 0
    assert [(e.record_ref, e.code, e.message) for e in bench.open_errors()] == [
        (flag.record_ref, flag.code, flag.message)]


def test_a_missing_rule_item_is_flagged_in_the_preview_with_the_runs_own_words(
        bench: SyncBench) -> None:
    bench.set_rules(gift_card_item="Gift Certificates")  # not in the company
    bench.store.add_order(order_spec(lines=[{"sku": "GIFT-CARD-25", "name": "Gift Card $25",
                                             "qty": 1, "price": "25.00", "type": "giftcard"}],
                                     shipping="0", payment_method="braintree"))
    [flag] = preview(bench).flags
    assert flag.code == "missing_reference" and flag.fixes
    assert not [i for i in bench.ledger.entities("Item") if i["Name"] == "Gift Certificates"]
    bench.sync()
    [entry] = bench.open_errors()
    assert (entry.code, entry.message) == (flag.code, flag.message) == (
        "missing_reference", entry.message)
