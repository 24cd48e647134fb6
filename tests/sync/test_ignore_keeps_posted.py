"""Ignoring a problem never makes the engine forget a document that exists in the ledger.

"Accept the difference" on a posted document with another total, and "it is already in
QuickBooks" on a duplicate document number, dismiss the *problem*: the posting stays linked to
its ledger document, so a later cancellation voids it and a later refund posts.
"""

from __future__ import annotations

from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem, PushLedger
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.sync.service import SyncService
from tests.sync.conftest import SyncBench, order_spec

#: an unpaid card order (authorised, not captured) is invoiced at once; an unpaid check would
#: wait for its payment by the rules and post nothing yet
UNPAID: dict[str, Any] = {"paid": False, "payment_method": "braintree"}


def _ledger_totals_it_differently(bench: SyncBench) -> SyncService:
    """A service whose ledger creates documents but reads back another total (as QuickBooks
    does when it recalculates), so each is posted and flagged ``total_mismatch``."""
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05))

    def ledger(config: Any, secrets: Any) -> PushLedger:
        made = factory.ledger(config, secrets)
        real = made.create_document

        def create_document(document: Any, resolution: Any, request_id: str,
                            linked: Any = None) -> PostedRef:
            posted = real(document, resolution, request_id, linked=linked)
            raise PostedWithProblem(RecordProblem(
                "total_mismatch", f"QuickBooks totals {document.doc_number} differently.",
                [Fix("void_and_repost", "Void it and post it again"),
                 Fix("ignore", "Keep QuickBooks' total")]), posted)

        made.create_document = create_document  # type: ignore[method-assign]
        return made

    return SyncService(bench.db_path, bench.secrets, store_factory=factory.store,
                       ledger_factory=ledger, events=bench.events)


def _posted_with_another_total(bench: SyncBench, **spec: Any) -> int:
    """An order posted with a total the merchant then accepts ("ignore")."""
    order_id = bench.store.add_order(order_spec(**spec))
    _ledger_totals_it_differently(bench).run_pair(bench.pair_id, "test")
    [entry] = bench.open_errors()
    assert entry.code == "total_mismatch"
    assert bench.service.apply_fix(entry.id, "ignore", "Keep QuickBooks' total") == "ignored"
    assert bench.open_errors() == []
    return order_id


def _posting_states(bench: SyncBench) -> dict[str, str]:
    state = bench.state()
    try:
        return {p.posting_key: p.state for p in state.journal.all(bench.pair_id)}
    finally:
        state.close()


def test_accepting_a_total_difference_keeps_the_posting_so_a_cancellation_voids_it(
        bench: SyncBench) -> None:
    order_id = _posted_with_another_total(bench, **UNPAID)
    assert "posted" in _posting_states(bench).values()
    bench.store.cancel_order(order_id)
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    assert bench.docs("Invoice") == [], "the cancelled order's invoice is voided"


def test_accepting_a_total_difference_keeps_the_posting_so_a_refund_posts(
        bench: SyncBench) -> None:
    order_id = _posted_with_another_total(bench)
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}],
                                        "shipping": 0})
    summary = bench.sync()
    assert len(bench.docs("RefundReceipt")) == 1, (summary, bench.open_errors())
    assert summary.status == "ok" and summary.waiting == 0


def _hand_entered_invoice(bench: SyncBench, number: str) -> str:
    """An invoice the merchant typed into QuickBooks with the order's number; its Id."""
    access = bench.ledger.issue_tokens()["access_token"]
    with httpx.Client(base_url=f"{bench.ledger.base_url}/v3/company/{bench.ledger.realm_id}",
                      headers={"Authorization": f"Bearer {access}",
                               "Accept": "application/json"}, timeout=10) as api:
        customers = api.get("/query", params={"query": "SELECT * FROM Customer"}).json()
        customer = customers["QueryResponse"]["Customer"][0]["Id"]
        item = next(i["Id"] for i in bench.ledger.entities("Item") if i.get("Sku") == "WB-BOTTLE")
        body: dict[str, Any] = {
            "DocNumber": number, "CustomerRef": {"value": customer},
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 18.5,
                      "SalesItemLineDetail": {"ItemRef": {"value": item}, "Qty": 1,
                                              "UnitPrice": 18.5}}]}
        created = api.post("/invoice", json=body)
        created.raise_for_status()
        return str(created.json()["Invoice"]["Id"])


def test_it_is_already_in_quickbooks_links_the_order_so_a_cancellation_voids_it(
        bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec(**UNPAID))
    number = bench.store.order_json(order_id)["increment_id"]
    invoice_id = _hand_entered_invoice(bench, number)
    bench.sync()
    [entry] = bench.open_errors()
    assert entry.code == "duplicate_doc_number"
    assert bench.service.apply_fix(entry.id, "ignore", "Already entered by hand") == "ignored"
    state = bench.state()
    try:
        [posting] = state.journal.all(bench.pair_id)
        assert posting.state == "posted" and posting.ledger_id == invoice_id
    finally:
        state.close()
    bench.store.cancel_order(order_id)
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    assert bench.docs("Invoice") == [], "the invoice the order was linked to is voided"


def test_it_is_already_in_quickbooks_never_links_another_orders_document(
        bench: SyncBench) -> None:
    first = bench.store.add_order(order_spec(**UNPAID, increment_id="000000100"))
    bench.sync()
    bench.store.add_order(order_spec(**UNPAID, increment_id="000000100", customer={
        "email": "other.store@example.com", "firstname": "Other", "lastname": "Store"}))
    bench.sync()
    [entry] = bench.open_errors()
    assert entry.code == "duplicate_doc_number"
    bench.service.ignore(entry.id, "Another store view's order")
    state = bench.state()
    try:
        owners = [p for p in state.journal.all(bench.pair_id) if p.state == "posted"]
        assert [p.source_id for p in owners] == [str(first)], "one document, one owner"
    finally:
        state.close()
