"""The exact preview on a FreshBooks pair: what FreshBooks would refuse or total differently is
flagged before anything is sent, in the run's own words, and the run then posts exactly what the
preview showed (FreshBooks and Magento simulators over loopback, a real SQLite file)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.models.ledger import LedgerCustomer
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import Preview
from tests.connectors.freshbooks.bench import FreshBench, open_bench, order, rules

BO = {"email": "bo.ek@example.com", "firstname": "Bo", "lastname": "Ek"}
SAM = {"email": "sam.lee@example.com", "firstname": "Sam", "lastname": "Lee"}
WRITES = ("clients", "invoices", "payments", "credit_notes", "taxes", "items")


def preview(bench: FreshBench) -> Preview:
    with bench.service.context(bench.pair_id) as ctx:
        return run_preview(ctx)


def counts(bench: FreshBench) -> dict[str, int]:
    return {name: len(bench.ledger.records(name)) for name in WRITES}


def number_of(bench: FreshBench, spec: dict[str, Any]) -> str:
    return str(bench.store.order_json(bench.store.add_order(spec))["increment_id"])


def flagged_alike(bench: FreshBench, seen: Preview) -> None:
    """The run flags exactly what the preview flagged, with the same words, posting none."""
    before = len(bench.live("invoices"))
    summary = bench.sync()
    assert summary.posted == 0 and len(bench.live("invoices")) == before
    assert [(e.record_ref, e.code, e.message) for e in bench.open_errors()] == [
        (f.record_ref, f.code, f.message) for f in seen.flags]


def test_a_mapped_tax_missing_in_freshbooks_is_flagged_by_the_preview(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules(tax_codes={"8.25": "CA Sales Tax"})) as bench:
        number = number_of(bench, order())
        before = counts(bench)

        seen = preview(bench)

        assert counts(bench) == before, "the preview wrote nothing to FreshBooks"
        assert seen.documents == []
        [flag] = seen.flags
        assert (flag.record_ref, flag.code) == (number, "unmapped_tax_rate")
        assert "'CA Sales Tax'" in flag.message and "Settings › Taxes" in flag.message
        flagged_alike(bench, seen)


def test_a_line_with_more_than_two_taxes_is_flagged_before_sending(tmp_path: Path) -> None:
    three = "State 6% + County 1.25% + City 1%"
    with open_bench(tmp_path, pair_rules=rules(tax_codes={"8.25": three})) as bench:
        for name, amount in (("State 6%", "6"), ("County 1.25%", "1.25"), ("City 1%", "1")):
            bench.ledger.add("taxes", {"name": name, "amount": amount})
        number = number_of(bench, order())

        seen = preview(bench)

        [flag] = seen.flags
        assert (flag.record_ref, flag.code) == (number, "unmapped_tax_rate")
        assert "at most two taxes" in flag.message and three in flag.message
        flagged_alike(bench, seen)


def test_two_taxes_on_a_line_are_posted_as_freshbooks_computes_them(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules(tax_codes={"8.25": "State + County"})) as bench:
        bench.ledger.add("taxes", {"name": "State", "amount": "6.25"})
        bench.ledger.add("taxes", {"name": "County", "amount": "2"})
        number = number_of(bench, order())

        seen = preview(bench)

        assert seen.flags == [] and [d.record_number for d in seen.documents] == [number]
        assert bench.sync().posted == 1
        [invoice] = bench.live("invoices")
        assert Decimal(invoice["amount"]["amount"]) == seen.documents[0].total
        [tote] = [line for line in invoice["lines"] if line["name"] == "Canvas Tote (Black)"]
        assert (tote["taxName1"], tote["taxAmount1"], tote["taxName2"], tote["taxAmount2"]) == (
            "State", "6.25", "County", "2")


def test_taxes_split_wrongly_against_the_store_rate_are_flagged(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules(tax_codes={"8.25": "State + County"})) as bench:
        bench.ledger.add("taxes", {"name": "State", "amount": "6.25"})
        bench.ledger.add("taxes", {"name": "County", "amount": "1"})
        number_of(bench, order())
        [flag] = preview(bench).flags
        assert flag.code == "unmapped_tax_rate" and "7.25%" in flag.message
        assert "8.25%" in flag.message


def test_the_preview_creates_no_tax_and_the_run_creates_it(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        number_of(bench, order())
        seen = preview(bench)
        assert seen.flags == [] and len(seen.documents) == 1
        assert bench.ledger.records("taxes") == []
        assert bench.sync().posted == 1
        assert [(t["name"], t["amount"]) for t in bench.ledger.records("taxes")] == [
            ("Tax 8.25%", "8.25")]


def test_preview_then_post_agree_invoice_by_invoice(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        sam_id = str(bench.ledger.add("clients", {"email": SAM["email"], "fname": "Sam",
                                                  "lname": "Lee"})["id"])
        bench.ledger.add("taxes", {"name": "CA", "amount": "8.25"})
        numbers = [number_of(bench, spec) for spec in (
            order(),
            order(customer=SAM, discount="5.00"),
            order(customer=BO, lines=[
                {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie S Gray", "qty": 3,
                 "price": "52.00", "tax_percent": "8.25"},
                {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1,
                 "price": "24.00", "tax_percent": "8.25"}], shipping="0"),
            order(customer=BO, lines=[{"sku": "NOT-IN-BOOKS", "name": "Mystery", "qty": 1,
                                       "price": "3.00"}]))]
        before = counts(bench)

        seen = preview(bench)

        assert counts(bench) == before
        by_number = {doc.record_number: doc for doc in seen.documents}
        assert sorted(by_number) == sorted(numbers[:3])
        [flag] = seen.flags
        assert (flag.record_ref, flag.code) == (numbers[3], "unmapped_sku")

        summary = bench.sync()

        assert (summary.posted, summary.flagged) == (3, 1)
        assert [(e.record_ref, e.code, e.message) for e in bench.open_errors()] == [
            (flag.record_ref, flag.code, flag.message)]
        invoices = {inv["invoice_number"]: inv for inv in bench.live("invoices")}
        clients = {str(c["id"]): c for c in bench.live("clients")}
        assert sorted(invoices) == sorted(doc.doc_number for doc in seen.documents)
        for doc in seen.documents:
            invoice = invoices[doc.doc_number]
            assert Decimal(invoice["amount"]["amount"]) == doc.total
            assert invoice["create_date"] == doc.txn_date.isoformat()  # type: ignore[union-attr]
            assert invoice["currency_code"] == doc.currency
            assert doc.customer is not None
            client = clients[str(invoice["customerid"])]
            assert client["email"] == doc.customer.email
            if doc.customer.action == "matched":
                assert str(client["id"]) == doc.customer.ledger_id == sam_id
            sent = [(line["name"], Decimal(line["qty"]), Decimal(line["amount"]["amount"]),
                     line["taxName1"] or None)
                    for line in invoice["lines"] if line["name"] in
                    {"Canvas Tote (Black)", "Steel Water Bottle", "Chaz Kangeroo Hoodie S Gray"}]
            shown = [(line.description, line.qty, line.amount, "CA" if line.tax_amount else None)
                     for line in doc.lines if line.kind == "item"]
            assert len(sent) == 2 and sent == shown
            taxed = sum((Decimal(line["amount"]["amount"]) * Decimal(line["taxAmount1"]) / 100
                         for line in invoice["lines"] if line["taxName1"]), Decimal(0))
            assert abs(taxed - doc.tax_total) < Decimal("0.05")
        assert [doc.customer.action for doc in seen.documents  # type: ignore[union-attr]
                ].count("matched") == 1
        assert len(bench.live("clients")) == 3  # Sam's, and Jane's and Bo's made once


def test_an_archived_client_and_item_are_shown_as_reused_as_the_run_reuses_them(
        tmp_path: Path) -> None:
    """An undo (or the merchant) archives what it no longer needs; the run brings the client and
    the item back rather than making new ones, and the preview says so."""
    with open_bench(tmp_path) as bench:
        sam = bench.ledger.add("clients", {"email": SAM["email"], "fname": "Sam",
                                           "lname": "Lee", "vis_state": 2})
        with bench.ledger.books.lock:
            [bottle_id] = [i for i, row in bench.ledger.books.records["items/items"].items()
                           if row["sku"] == "WB-BOTTLE"]
            bench.ledger.books.records["items/items"][bottle_id]["vis_state"] = 2
            bench.ledger.books.records["users/clients"][sam["id"]]["vis_state"] = 2
        number_of(bench, order(customer=SAM))

        seen = preview(bench)

        assert seen.flags == [] and seen.customers_to_create == []
        assert seen.items_to_create == []
        [doc] = seen.documents
        assert doc.customer is not None
        assert (doc.customer.action, doc.customer.ledger_id) == ("matched", str(sam["id"]))
        assert "archived" in doc.customer.reason
        assert bench.sync().posted == 1
        [invoice] = bench.live("invoices")
        assert str(invoice["customerid"]) == str(sam["id"])
        assert len(bench.ledger.records("clients")) == 1


def test_a_preview_then_a_run_on_one_connector_still_reactivates_the_archived_client(
        tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        sam = bench.ledger.add("clients", {"email": SAM["email"], "fname": "Sam",
                                           "lname": "Lee"})
        with bench.ledger.books.lock:
            bench.ledger.books.records["users/clients"][sam["id"]]["vis_state"] = 2
        number_of(bench, order(customer=SAM))
        with bench.service.context(bench.pair_id) as ctx:
            run_preview(ctx)
            made = ctx.ledger.ensure_customer(LedgerCustomer(
                key=f"email:{SAM['email']}", display_name="Sam Lee", email=SAM["email"]), "r")
        assert made == str(sam["id"])
        assert [c["id"] for c in bench.live("clients")] == [sam["id"]]


def test_preview_then_post_agree_on_a_refund_an_edit_and_an_invoice_discount(
        tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules(discount_as="invoice_discount")) as bench:
        refunded = bench.store.add_order(order())
        edited = bench.store.add_order(order(customer=BO))
        bench.sync()
        bench.store.refund_order(refunded, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1,
                                                       "back_to_stock": True}], "shipping": 0})
        bench.store.edit_order(edited, {"lines": [
            {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 3, "price": "24.00",
             "tax_percent": "8.25"}]})
        discounted = number_of(bench, order(customer=SAM, discount="6.65", shipping="0"))
        before = counts(bench)

        seen = preview(bench)

        assert counts(bench) == before and seen.flags == []
        ops = sorted((doc.op, doc.doc_kind) for doc in seen.documents)
        assert ops == [("create", "refund_receipt"), ("create", "sales_receipt"),
                       ("update", "sales_receipt")]
        assert bench.sync().status == "ok"
        invoices = {inv["invoice_number"]: inv for inv in bench.live("invoices")}
        [credit] = bench.live("credit_notes")
        for doc in seen.documents:
            posted = credit if doc.doc_kind == "refund_receipt" else invoices[doc.doc_number]
            assert Decimal(posted["amount"]["amount"]) == doc.total, doc.record_number
        [sale] = [doc for doc in seen.documents if doc.record_number == discounted]
        assert Decimal(invoices[sale.doc_number]["discount_value"]) > 0  # FreshBooks' discount
