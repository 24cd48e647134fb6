"""Ignoring a problem never makes the engine forget a document that exists in the ledger.

"Accept the difference" on a posted document with another total, and "it is already in
QuickBooks" on a duplicate document number, dismiss the *problem*: the posting stays linked to
its ledger document, so a later cancellation voids it and a later refund posts.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.sync.conftest import SyncBench, order_spec

CENT_OFF_LINE = {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "1.15",
                 "tax_percent": "8.25"}


def _cent_off_invoice(bench: SyncBench) -> int:
    """An unpaid order the ledger totals a cent differently (store rounds tax per line)."""
    bench.set_rules(tax_mode="tax_code", tax_codes={"8.25": "CA Sales Tax"})
    order_id = bench.store.add_order(order_spec(
        lines=[CENT_OFF_LINE, dict(CENT_OFF_LINE), dict(CENT_OFF_LINE)], shipping="0",
        paid=False))
    bench.sync()
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
    order_id = _cent_off_invoice(bench)
    assert "posted" in _posting_states(bench).values()
    bench.store.cancel_order(order_id)
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    assert bench.docs("Invoice") == [], "the cancelled order's invoice is voided"


def test_accepting_a_total_difference_keeps_the_posting_so_a_refund_posts(
        bench: SyncBench) -> None:
    bench.set_rules(tax_mode="tax_code", tax_codes={"8.25": "CA Sales Tax"})
    order_id = bench.store.add_order(order_spec(
        lines=[CENT_OFF_LINE, dict(CENT_OFF_LINE), dict(CENT_OFF_LINE)], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    bench.service.ignore(entry.id, "Keep QuickBooks' total")
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}],
                                        "shipping": 0})
    summary = bench.sync()
    assert len(bench.docs("RefundReceipt")) == 1, (summary, bench.open_errors())
    assert summary.waiting == 0


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
    order_id = bench.store.add_order(order_spec(paid=False))
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
    first = bench.store.add_order(order_spec(paid=False, increment_id="000000100"))
    bench.sync()
    bench.store.add_order(order_spec(paid=False, increment_id="000000100", customer={
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
