"""QboLedger end to end over loopback HTTP against the QuickBooks Online simulator: documents
(totals checked before and after, uncertain creates found by key, payments, updates with
SyncToken, closed periods, voids, batches)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.core.errors import RecordError, UncertainOutcome
from ecom_ledger_desktop.models.ledger import DocumentLine, ItemRef, LedgerPayment
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import (
    JANE,
    ONE_SHOT,
    OnFirstUpdate,
    TotalRewriter,
    make_ledger,
    money,
    resolve,
    resolve_again,
    sale,
)


def test_sales_receipt_total_equals_document_total(ledger: QboLedger, sim: QboSimulator) -> None:
    document = sale()
    posted = ledger.create_document(document, resolve(ledger, sim), "post:1001")
    assert posted.total == Decimal("30.46") == document.total
    assert posted.doc_number == "1001" and posted.extra == {"entity": "SalesReceipt"}
    [stored] = sim.entities("SalesReceipt")
    assert money(stored["TotalAmt"]) == Decimal("30.46")
    assert "pk:1001" in stored["PrivateNote"]
    assert stored["DepositToAccountRef"]["name"] == "Undeposited Funds"
    assert stored["PaymentMethodRef"]["name"] == "Visa"
    discount = [line for line in stored["Line"] if line["DetailType"] == "DiscountLineDetail"]
    assert [money(line["Amount"]) for line in discount] == [Decimal("3.00")]


def test_total_quickbooks_would_compute_differently_is_flagged_before_sending(
        ledger: QboLedger, sim: QboSimulator) -> None:
    # Before: the receipt was created at 30.46 and flagged afterwards, so it stayed in the books.
    document = sale().model_copy(update={"total": Decimal("30.47")})
    with pytest.raises(RecordError) as caught:
        ledger.create_document(document, resolve(ledger, sim), "post:1001")
    problem = caught.value.problem
    assert problem.code == "total_mismatch"
    assert "30.46" in problem.message and "30.47" in problem.message
    assert "nothing was posted" in problem.message
    assert sim.entities("SalesReceipt") == []


def test_total_read_back_differently_is_flagged_with_the_posted_document(
        sim: QboSimulator, store: MemorySecretStore) -> None:
    ledger = make_ledger(sim, store, transport=TotalRewriter("30.50"))
    try:
        with pytest.raises(PostedWithProblem) as caught:
            ledger.create_document(sale(), resolve(ledger, sim), "post:1001")
    finally:
        ledger.close()
    problem = caught.value.problem
    assert problem.code == "total_mismatch"
    assert "30.50" in problem.message and "30.46" in problem.message
    assert problem.fixes[0].action == "void_and_repost"
    assert caught.value.posted.ledger_id == sim.entities("SalesReceipt")[0]["Id"]


def test_uncertain_create_is_found_by_key_not_posted_twice(store: MemorySecretStore,
                                                           sim: QboSimulator) -> None:
    ledger = make_ledger(sim, store, policy=ONE_SHOT)  # let the lost answer reach us
    resolution = resolve(ledger, sim)
    document = sale()
    sim.drop_next_writes_after_apply(1)
    with pytest.raises(UncertainOutcome):
        ledger.create_document(document, resolution, "post:1001")
    found = ledger.find_posted("pk:1001", document)
    assert found is not None and found.total == Decimal("30.46")
    assert ledger.find_posted("pk:other", document) is None
    assert len(sim.entities("SalesReceipt")) == 1


def test_uncertain_customer_create_searches_before_creating_again(store: MemorySecretStore,
                                                                  sim: QboSimulator) -> None:
    ledger = make_ledger(sim, store, policy=ONE_SHOT)
    before = len(sim.entities("Customer"))
    sim.drop_next_writes_after_apply(1)
    customer_id = ledger.ensure_customer(JANE, "cust:jane")
    customers = sim.entities("Customer")
    assert len(customers) == before + 1
    assert customers[-1]["Id"] == customer_id


def test_same_request_id_never_creates_twice(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    sim.drop_next_writes_after_apply(1)  # the first answer is lost; the retry is replayed
    first = ledger.create_document(sale(), resolution, "post:1001")
    again = ledger.create_document(sale(), resolution, "post:1001")
    assert first.ledger_id == again.ledger_id
    assert len(sim.entities("SalesReceipt")) == 1
    assert sim.stats()["replayed"] >= 2


def test_invoice_then_payment_clears_balance(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    invoice = ledger.create_document(sale(kind="invoice"), resolution, "post:inv")
    assert invoice.extra["entity"] == "Invoice"
    payment = LedgerPayment(customer_key=JANE.key, invoice_posting_key="pk:1001",
                            amount=Decimal("30.46"), txn_date=date(2026, 2, 5), currency="USD",
                            payment_method="Check", private_note="Payment [pk:pay:1001]")
    paid = ledger.create_payment(payment, invoice, resolution, "pay:1001")
    assert paid.total == Decimal("30.46") and paid.extra["entity"] == "Payment"
    [stored] = sim.entities("Invoice")
    assert money(stored["Balance"]) == 0
    found = ledger.find_posted("pk:pay:1001", payment)
    assert found is not None and found.ledger_id == paid.ledger_id


def test_update_uses_synctoken_and_replaces_lines(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(), resolution, "post:1001")
    edited = sale().model_copy(update={
        "lines": [DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"),
                               qty=Decimal(3), unit_price=Decimal("12.50"),
                               amount=Decimal("37.50"))],
        "total": Decimal("37.50")})
    updated = ledger.update_document(posted, edited, resolution, "update:1001:1")
    assert updated.ledger_id == posted.ledger_id
    assert updated.sync_token == "1" and updated.total == Decimal("37.50")
    [stored] = sim.entities("SalesReceipt")
    items = [line for line in stored["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert len(items) == 1 and money(items[0]["SalesItemLineDetail"]["Qty"]) == 3
    assert not [line for line in stored["Line"] if line["DetailType"] == "DiscountLineDetail"]
    # A stale SyncToken in our hands does not matter: the current one is read first.
    again = ledger.update_document(posted, sale(), resolution, "update:1001:2")
    assert again.sync_token == "2" and again.total == Decimal("30.46")


def test_closed_period_update_offers_void_and_repost(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(txn_date=date(2026, 1, 15)), resolution, "post:1001")
    sim.set_book_close_date("2026-01-31")
    edited = sale(txn_date=date(2026, 1, 15)).model_copy(update={"total": Decimal("30.46")})
    with pytest.raises(RecordError) as caught:
        ledger.update_document(posted, edited, resolution, "update:1001:1")
    problem = caught.value.problem
    assert problem.code == "closed_period"
    assert problem.message.startswith("The books are closed for 2026-01-15")
    assert "void_and_repost" in [fix.action for fix in problem.fixes]


def test_void_zeroes_the_document(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(), resolution, "post:1001")
    voided = ledger.void_document(posted, "sales_receipt", "void:1001")
    assert voided.ledger_id == posted.ledger_id and voided.total == 0


def test_posted_ref_type_is_returned(ledger: QboLedger, sim: QboSimulator) -> None:
    posted = ledger.create_document(sale(kind="credit_memo"), resolve(ledger, sim), "post:cm")
    assert isinstance(posted, PostedRef) and posted.extra["entity"] == "CreditMemo"
    refund = sale(kind="refund_receipt", doc_number="R1001", key="pk:r1001")
    refunded = ledger.create_document(refund, resolve_again(ledger), "post:r1001")
    [stored] = sim.entities("RefundReceipt")
    assert refunded.total == Decimal("30.46")
    assert stored["DepositToAccountRef"]["name"] == "Undeposited Funds"


def test_stale_synctoken_is_reread_and_retried_once(sim: QboSimulator,
                                                    store: MemorySecretStore) -> None:
    other = make_ledger(sim, store)
    resolution = resolve(other, sim)
    posted = other.create_document(sale(), resolution, "post:1001")

    def someone_edits_it_in_quickbooks() -> None:
        current = other.client.get("SalesReceipt", posted.ledger_id)
        other.client.update("SalesReceipt", {"Id": posted.ledger_id, "SyncToken":
                                             current["SyncToken"], "PrivateNote":
                                             current["PrivateNote"] + " (checked)"}, "edit:x")

    ledger = make_ledger(sim, store, transport=OnFirstUpdate(someone_edits_it_in_quickbooks))
    try:
        updated = ledger.update_document(posted, sale(), resolution, "update:1001:1")
        assert updated.sync_token == "2"
    finally:
        ledger.close()
        other.close()


def test_batch_results_are_matched_by_bid(ledger: QboLedger) -> None:
    results = ledger.client.batch([
        {"bId": "q1", "Query": "SELECT * FROM PaymentMethod WHERE Name = 'Visa'"},
        {"bId": "c1", "operation": "create", "Customer": {"DisplayName": "Batch Buyer"}},
        {"bId": "c2", "operation": "create", "Customer": {"DisplayName": "Amy's Bird Sanctuary"}},
    ], "batch:1")
    assert results["q1"].rows and results["q1"].rows[0]["Name"] == "Visa"
    assert results["c1"].entity == "Customer" and results["c1"].body
    assert results["c2"].fault is not None and results["c2"].fault.code == "6240"
    assert ledger.client.last_intuit_tid
