"""Undo on QuickBooks Desktop, end to end through the Web Connector: the documents voided, the
customer and item the sync created made inactive (journal-driven: an undo asked for while the
Web Connector is away finishes at its next update, once), a repost that makes them active again
instead of adding duplicates, and the undo preview saying what QuickBooks would not take back."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.sandbox.qbd.sales import receive_payment
from ecom_ledger_desktop.sandbox.qbd.state import ITEM_KINDS, Record
from ecom_ledger_desktop.sync.undo import UndoPlan, UndoResult
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules

NEW_SKU = "MUG-NEW-01"
EMAIL = "jane.doe@example.com"


def _order() -> dict[str, Any]:
    return order(lines=[{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1,
                         "price": "24.00", "tax_percent": "8.25"},
                        {"sku": NEW_SKU, "name": "Enamel Mug", "qty": 2, "price": "9.50"}])


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules(unmapped_sku_policy="create_item")) as opened:
        yield opened


def _customers(bench: QbdBench) -> list[Record]:
    return [r for r in bench.company.company.all("Customer")
            if str(r.data.get("Email", "")).casefold() == EMAIL]


def _item(bench: QbdBench, name: str) -> Record:
    found = bench.company.company.named(ITEM_KINDS, name)
    assert found is not None, name
    return found


def _active(record: Record) -> bool:
    return record.data.get("IsActive") != "false"


def _inside_session(bench: QbdBench, monkeypatch: pytest.MonkeyPatch,
                    work: Any) -> list[Any]:
    """Run ``work()`` inside the next Web Connector update, after its run."""
    results: list[Any] = []
    real = bench.service.run_pair

    def run_then(pair_ref: Any, trigger: str = "manual") -> Any:
        summary = real(pair_ref, trigger)
        if not results:
            results.append(work())
        return summary

    monkeypatch.setattr(bench.service, "run_pair", run_then)
    return results


def _run_of(bench: QbdBench, number: str) -> int:
    from ecom_ledger_desktop.db.state import State

    state = State(bench.db_path)
    try:
        [row] = [r for r in state.journal.all(bench.pair_id)
                 if r.record_number == number and r.op == "create" and r.state == "posted"]
    finally:
        state.close()
    assert row.run_id is not None
    return row.run_id


def _posted(bench: QbdBench) -> tuple[str, Record]:
    order_id = bench.store.add_order(_order())
    bench.sync()
    assert bench.session().outcome == "done"
    [receipt] = bench.txns("SalesReceipt")
    return str(bench.store.order_json(order_id)["increment_id"]), receipt


def test_undoing_a_run_in_a_session_voids_and_makes_the_created_customer_and_item_inactive(
        bench: QbdBench, monkeypatch: pytest.MonkeyPatch) -> None:
    number, receipt = _posted(bench)
    [customer] = _customers(bench)
    assert _active(customer) and _active(_item(bench, NEW_SKU))
    previews: list[list[str]] = []

    def confirm(plan: UndoPlan) -> bool:
        previews.append(plan.lines())
        return True

    bench.store.add_order(order(customer={"email": "sam@example.com", "firstname": "Sam",
                                          "lastname": "Taylor"}))
    bench.sync()  # work for the next update, so the Web Connector opens a session
    run_id = _run_of(bench, number)  # the Web Connector update's run that posted it
    done = _inside_session(bench, monkeypatch,
                           lambda: undo(bench.service, bench.pair_id, run_id=run_id,
                                        confirm=confirm))
    assert bench.session().outcome == "done"
    [(_plan, result)] = done
    assert isinstance(result, UndoResult)
    preview = "\n".join(previews[0])
    assert f"Sales Receipt {receipt.data['RefNumber']}" in preview, preview
    assert f"customer {customer.data['Name']}" in preview and f"item {NEW_SKU}" in preview
    assert "Not checked" not in preview, preview
    assert result.undone and not result.refused and not result.waiting, result.lines()
    assert sorted(result.retired) == sorted([f"customer {customer.data['Name']} made inactive",
                                             f"item {NEW_SKU} made inactive"]), result.retired
    assert str(receipt.data["Memo"]).startswith("VOID:")
    assert not _active(customer) and not _active(_item(bench, NEW_SKU))
    assert _active(_item(bench, "MB-TOTE-BLK")), "an item QuickBooks had before is kept"
    assert bench.open_postings() == [] and bench.open_errors() == []


def test_an_undo_while_away_finishes_at_the_next_update_once_and_post_again_reactivates(
        bench: QbdBench) -> None:
    number, receipt = _posted(bench)
    total = Decimal(str(receipt.data["TotalAmount"]))
    [customer] = _customers(bench)
    _plan, result = undo(bench.service, bench.pair_id, orders=[number])
    assert result is not None and result.undone == [] and not result.refused
    assert "Web Connector" in "\n".join(why for _, why in result.waiting), result.lines()
    assert any("waiting" in line and "Web Connector" in line for line in result.retired), \
        result.retired
    assert _active(customer) and not str(receipt.data["Memo"]).startswith("VOID:")

    assert bench.session().outcome == "done"  # the next update carries the voids, then the rest
    assert str(receipt.data["Memo"]).startswith("VOID:")
    assert not _active(customer) and not _active(_item(bench, NEW_SKU))
    assert bench.open_postings() == [] and bench.open_errors() == []
    sequences = (customer.data["EditSequence"], _item(bench, NEW_SKU).data["EditSequence"])
    assert bench.session().outcome in ("done", "no_work")
    assert (customer.data["EditSequence"], _item(bench, NEW_SKU).data["EditSequence"]) == \
        sequences, "nothing done twice"

    [outcome] = post_again(bench.service, bench.pair_id, [number]).values()
    assert outcome.startswith("waiting for QuickBooks Desktop"), outcome
    assert bench.session().outcome == "done"
    [reposted] = bench.txns("SalesReceipt")
    assert reposted.data["TxnID"] != receipt.data["TxnID"]
    assert Decimal(str(reposted.data["TotalAmount"])) == total
    assert _customers(bench) == [customer], "reactivated, not added again"
    assert _active(customer) and _active(_item(bench, NEW_SKU))
    assert reposted.data["CustomerRef"]["ListID"] == customer.id
    assert len([r for r in bench.company.company.all(*ITEM_KINDS)
                if str(r.data["Name"]).startswith(NEW_SKU)]) == 1
    assert bench.open_postings() == [] and bench.open_errors() == []
    bench.session()
    assert len(bench.txns("SalesReceipt")) == 1, "posted again exactly once"


def test_the_undo_preview_says_what_quickbooks_desktop_would_not_take_back(
        tmp_path: Path, reference_if_present: Path | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = rules()
    invoiced = rules(payment_posting={**base.payment_posting, "purchaseorder": "post_at_order"})
    with open_bench(tmp_path, reference_if_present, pair_rules=invoiced) as bench:
        billed = bench.store.add_order(order(payment_method="purchaseorder", paid=False))
        closed = bench.store.add_order(order(customer={"email": "sam@example.com",
                                                       "firstname": "Sam", "lastname": "Taylor"}))
        bench.sync()
        assert bench.session().outcome == "done"
        [invoice] = bench.txns("Invoice")
        [receipt] = bench.txns("SalesReceipt")
        company = bench.company.company
        with company.lock:  # by hand in QuickBooks: a payment on the invoice, the books closed
            outcome = receive_payment(company, {"ReceivePaymentAdd": {
                "CustomerRef": {"ListID": invoice.data["CustomerRef"]["ListID"]},
                "AppliedToTxnAdd": [{"TxnID": invoice.id, "PaymentAmount": "10.00"}]}})
            assert not outcome.failed
            company.closing_date = company.now().date()
        numbers = [str(bench.store.order_json(i)["increment_id"]) for i in (billed, closed)]
        bench.store.add_order(order())
        bench.sync()  # work for the next update, so the Web Connector opens a session
        plans = _inside_session(bench, monkeypatch, lambda: undo(
            bench.service, bench.pair_id, orders=numbers, confirm=lambda plan: False))
        assert bench.session().outcome == "done"
        [(plan, result)] = plans
        assert result is None and plan.steps == [], plan.lines()
        text = "\n".join(plan.lines())
        assert f"order {numbers[0]}: Invoice {invoice.data['RefNumber']}" in text, text
        assert "a payment was recorded on it in QuickBooks" in text, text
        assert f"order {numbers[1]}: Sales Receipt {receipt.data['RefNumber']}" in text, text
        assert "the books are closed up to" in text, text


def test_an_undo_journaled_while_away_is_checked_before_its_voids_go_out(
        bench: QbdBench) -> None:
    from ecom_ledger_desktop.sandbox.qbd.deposits import deposit

    number, receipt = _posted(bench)
    sam = bench.store.add_order(order(customer={"email": "sam@example.com", "firstname": "Sam",
                                                "lastname": "Taylor"}))
    bench.sync()
    assert bench.session().outcome == "done"
    banked = next(r for r in bench.txns("SalesReceipt") if r.id != receipt.id)
    deposit(bench.company.company, [banked.id])  # the merchant banked Sam's money in QuickBooks
    other = str(bench.store.order_json(sam)["increment_id"])
    plan, result = undo(bench.service, bench.pair_id, orders=[number, other])
    assert result is not None and len(plan.steps) == 2
    assert "Not checked now" in "\n".join(plan.lines()), plan.lines()

    assert bench.session().outcome == "done"
    assert str(receipt.data["Memo"]).startswith("VOID:")
    assert not str(banked.data["Memo"]).startswith("VOID:"), "a banked receipt stays"
    [error] = bench.open_errors()
    assert error.record_ref == other and "it was deposited in QuickBooks" in error.message
    [sam_customer] = [c for c in bench.company.company.all("Customer")
                      if c.data.get("Email") == "sam@example.com"]
    assert _active(sam_customer), "kept: its order is still in the books"
    [customer] = _customers(bench)
    assert not _active(customer)
    assert [p.state for p in bench.open_postings()] == []
