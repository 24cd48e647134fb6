"""Undo against the FreshBooks simulator: the invoice and its payment go, the order comes back
once (FreshBooks keeps a deleted invoice's number, so the repost carries a new one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.sync.undo import carry_out, plan_undo, repost_orders
from tests.connectors.freshbooks.bench import FreshBench, open_bench, order, rules


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def test_undo_then_post_again_exactly_once(bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    run_id = bench.sync().run_id
    [invoice] = bench.live("invoices")
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=run_id)
        assert [s.doc_number for s in plan.steps] == [invoice["invoice_number"]]
        preview = "\n".join(plan.lines())
        # in FreshBooks' own words: a sales receipt is posted as a paid invoice
        assert f"Paid invoice {invoice['invoice_number']}" in preview, preview
        assert "Sales Receipt" not in preview and "QuickBooks" not in preview, preview
        assert preview.startswith("Will delete in FreshBooks"), preview  # FreshBooks deletes
        result = carry_out(ctx, plan)
        assert result.lines()[0] == f"Deleted: Paid invoice {invoice['invoice_number']} " \
            f"(order 000000001, {invoice['amount']['amount']})", result.lines()
        assert result.undone and not result.refused, result
    assert bench.live("invoices") == [] and bench.live("payments") == []
    assert any("kept" in line for line in result.retired) or not result.retired, result.retired

    bench.sync()
    assert bench.live("invoices") == [], "held until posted again"
    with bench.service.context(bench.pair_id) as ctx:
        assert repost_orders(ctx, [str(order_id)])[str(order_id)].startswith("posted")
    bench.sync()
    [again] = bench.live("invoices")
    assert again["invoice_number"] == f"{invoice['invoice_number']}-U1"
    assert len(bench.live("payments")) == 1


def _clients(bench: FreshBench, email: str) -> list[dict[str, Any]]:
    return [c for c in bench.ledger.records("clients") if c["email"] == email]


def _state(bench: FreshBench, resource: str, record_id: int) -> int:
    """A record's ``vis_state`` now (0 active, 1 deleted, 2 archived)."""
    return int(next(r for r in bench.ledger.records(resource) if r["id"] == record_id)[
        "vis_state"])


def test_undo_archives_what_it_created_and_a_repost_reactivates_it_never_a_duplicate(
        tmp_path: Path) -> None:
    """The client and the item the run created are archived (FreshBooks' inactive, hidden from
    its client search); a client FreshBooks had before is kept. Posting again finds the archived
    client and item, reactivates them and posts once: no second client, no second item."""
    with open_bench(tmp_path, pair_rules=rules(unmapped_sku_policy="create_item")) as bench:
        bench.ledger.add("clients", {"fname": "Sam", "lname": "Lee", "email": "sam@example.com",
                                     "organization": ""})
        new_line = {"sku": "NEW-MUG", "name": "Enamel Mug", "qty": 1, "price": "12.00"}
        jane = bench.store.add_order(order(lines=[new_line]))
        sam = bench.store.add_order(order(customer={
            "email": "sam@example.com", "firstname": "Sam", "lastname": "Lee"}))
        run_id = bench.sync().run_id
        assert len(bench.live("invoices")) == 2
        [client] = _clients(bench, "jane.doe@example.com")
        [mug] = [i for i in bench.ledger.records("items") if i["sku"] == "NEW-MUG"]

        with bench.service.context(bench.pair_id) as ctx:
            result = carry_out(ctx, plan_undo(ctx, run_id=run_id))
        assert len(result.undone) == 2 and not result.refused, result
        assert bench.live("invoices") == [] and bench.live("payments") == []
        assert _state(bench, "clients", client["id"]) == 2, result.retired
        assert _state(bench, "items", mug["id"]) == 2, result.retired
        assert "customer Jane Doe archived" in result.retired, result.retired
        assert ("item Canvas Tote (Black) was in FreshBooks before the sync created its "
                "documents; it is kept") in result.retired, result.retired
        assert _clients(bench, "sam@example.com")[0]["vis_state"] == 0, "FreshBooks had Sam"
        assert any(line.startswith("customer Sam Lee") and "kept" in line
                   for line in result.retired), result.retired

        with bench.service.context(bench.pair_id) as ctx:
            again = repost_orders(ctx, [str(jane), str(sam)])
        assert all(v.startswith("posted") for v in again.values()), again
        bench.sync()
        assert len(bench.live("invoices")) == 2 and len(bench.live("payments")) == 2
        assert [c["id"] for c in _clients(bench, "jane.doe@example.com")] == [client["id"]]
        assert _state(bench, "clients", client["id"]) == 0, "reactivated, not duplicated"
        assert [i["id"] for i in bench.ledger.records("items") if i["sku"] == "NEW-MUG"] == [
            mug["id"]]
        assert _state(bench, "items", mug["id"]) == 0
        assert sorted(i["customerid"] for i in bench.live("invoices")) == sorted(
            [client["id"], _clients(bench, "sam@example.com")[0]["id"]])


def test_a_payment_recorded_by_hand_in_freshbooks_stops_the_undo_of_its_order(
        bench: FreshBench) -> None:
    """FreshBooks deletes an invoice's payments with it: an order whose invoice carries a payment
    the merchant recorded in FreshBooks is left out of the undo, saying why; the others go."""
    bench.store.add_order(order(payment_method="purchaseorder", paid=False))  # 000000001
    bench.store.add_order(order(customer={
        "email": "sam@example.com", "firstname": "Sam", "lastname": "Lee"}))
    run_id = bench.sync().run_id
    invoice = next(i for i in bench.live("invoices") if i["payment_status"] != "paid")
    bench.ledger.add("payments", {"invoiceid": invoice["id"], "amount": "20.00", "type": "Check",
                                  "note": "cheque 118"})
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=run_id)
        preview = "\n".join(plan.lines())
        assert [b.record_number for b in plan.blocked] == ["000000001"], preview
        assert "recorded in FreshBooks by hand" in preview and "20.00" in preview, preview
        result = carry_out(ctx, plan)
    assert len(result.undone) == 1, result
    assert [i["id"] for i in bench.live("invoices")] == [invoice["id"]]
    assert any(p["note"] == "cheque 118" for p in bench.live("payments")), "never deleted"
