"""Undo a run or some orders against the QuickBooks Online simulator, then post them again once."""

from __future__ import annotations

from typing import Any

import pytest

from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.sync.undo import carry_out, plan_undo, repost_orders
from ecom_ledger_desktop.sync.undo_run import undo
from tests.sync.conftest import SyncBench, order_spec


def live(bench: SyncBench, entity: str) -> list[dict[str, Any]]:
    """Documents neither voided nor deleted (QuickBooks Online deletes refunds it cannot void)."""
    return [d for d in bench.docs(entity) if d.get("status") != "Deleted"]


def _items_active(bench: SyncBench) -> dict[str, bool]:
    return {str(i["Id"]): bool(i["Active"]) for i in bench.ledger.entities("Item")}


def _two_orders_synced(bench: SyncBench) -> tuple[str, str, int]:
    first = bench.store.add_order(order_spec())
    second = bench.store.add_order(order_spec(customer={
        "email": "sam.lee@example.com", "firstname": "Sam", "lastname": "Lee"}))
    summary = bench.sync()
    assert summary.status == "ok", summary
    assert len(bench.docs("SalesReceipt")) == 2
    return first, second, summary.run_id


def test_undo_a_run_voids_its_documents_then_each_order_posts_again_exactly_once(
        bench: SyncBench) -> None:
    first, second, run_id = _two_orders_synced(bench)
    numbers = sorted(d["DocNumber"] for d in bench.docs("SalesReceipt"))
    customers, items = len(bench.ledger.entities("Customer")), _items_active(bench)

    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=run_id)
        preview = "\n".join(plan.lines())
        assert [s.doc_number for s in plan.steps] == [
            d["DocNumber"] for d in sorted(bench.docs("SalesReceipt"), key=lambda d: int(d["Id"]))]
        assert "Will void" in preview
        assert "customer Jane Doe" in preview and "customer Sam Lee" in preview
        assert bench.ledger.stats().get("void", 0) == 0, "a preview changes nothing"
        result = carry_out(ctx, plan)
    assert len(result.undone) == 2 and not result.refused
    assert bench.docs("SalesReceipt") == [], "voided in QuickBooks, not just in our journal"
    # the customers this run created are made inactive; the items the books already had are kept
    assert {c["DisplayName"]: c["Active"] for c in bench.ledger.entities("Customer")
            if "Doe" in c["DisplayName"] or "Lee" in c["DisplayName"]} == {
        "Jane Doe (deleted)": False, "Sam Lee (deleted)": False}, result.retired
    assert "customer Jane Doe made inactive" in result.retired
    assert ("item Canvas Tote (Black) was in QuickBooks before the sync created its documents; "
            "it is kept") in result.retired, result.retired
    assert _items_active(bench) == items

    assert bench.sync().status == "ok"
    assert bench.docs("SalesReceipt") == [], "a sync does not bring an undone order back by itself"
    with bench.service.context(bench.pair_id) as ctx:
        assert "Nothing to undo" in plan_undo(ctx, run_id=run_id).lines()[0]
        assert repost_orders(ctx, [first, second]) == {first: "posted", second: "posted"}
        assert set(repost_orders(ctx, [first])[first].split(":")) == {
            "not undone", " nothing to post again"}
    live = bench.docs("SalesReceipt")
    assert sorted(d["DocNumber"] for d in live) == [f"{n}-U1" for n in numbers]
    assert {c["DisplayName"]: c["Active"] for c in bench.ledger.entities("Customer")
            if "Doe" in c["DisplayName"] or "Lee" in c["DisplayName"]} == {
        "Jane Doe": True, "Sam Lee": True}, "reactivated, not created again"
    assert len(bench.ledger.entities("Customer")) == customers
    assert bench.sync().status == "ok"
    assert len(bench.docs("SalesReceipt")) == 2, "posted again exactly once"


def test_undo_one_order_keeps_the_others(bench: SyncBench) -> None:
    first, _second, _ = _two_orders_synced(bench)
    with bench.service.context(bench.pair_id) as ctx:
        result = carry_out(ctx, plan_undo(ctx, order_ids=[first]))
        assert len(result.undone) == 1
    [kept] = bench.docs("SalesReceipt")
    with bench.service.context(bench.pair_id) as ctx:
        undone_number = ctx.state.journal.for_record(bench.pair_id, "order", first)[0]
    assert kept["DocNumber"] != undone_number.ledger_doc_number


def test_a_void_the_ledger_refuses_is_reported_and_a_rerun_finishes_it(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec(created_at="2026-03-10 09:00:00"))
    assert bench.sync().status == "ok"
    bench.ledger.set_book_close_date("2026-03-31")
    with bench.service.context(bench.pair_id) as ctx:  # the preview reads the close date
        preview = plan_undo(ctx, order_ids=[order_id])
    assert preview.steps == []
    assert "books are closed up to 2026-03-31" in preview.blocked[0].reason
    bench.ledger.set_book_close_date(None)
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[order_id])
    bench.ledger.set_book_close_date("2026-03-31")  # closed between the preview and the undo
    with bench.service.context(bench.pair_id) as ctx:
        result = carry_out(ctx, plan)
    assert result.undone == []
    [(_label, why)] = result.refused
    assert "closed" in why.lower(), why
    assert len(bench.docs("SalesReceipt")) == 1

    with bench.service.context(bench.pair_id) as ctx:  # the preview says it plainly too
        again = plan_undo(ctx, order_ids=[order_id])
        assert again.steps == [] and "closed" in again.blocked[0].reason.lower()
    [entry] = bench.open_errors()  # the queue offers what fits an undo, not "void and repost"
    assert entry.message.startswith("Undo of order")
    assert [f.action for f in entry.fixes] == ["retry", "ignore"]

    bench.ledger.set_book_close_date(None)  # the accountant reopens the period
    assert bench.service.retry(entry.id) == "posted"
    assert bench.docs("SalesReceipt") == []
    with bench.service.context(bench.pair_id) as ctx:
        assert plan_undo(ctx, order_ids=[order_id]).already_undone


def test_payment_is_voided_before_its_invoice_and_the_paid_order_comes_back_once(
        bench: SyncBench) -> None:
    bench.set_rules(payment_posting={"banktransfer": "post_at_order"})
    order_id = bench.store.add_order(order_spec(paid=False, payment_method="banktransfer"))
    bench.sync()
    bench.store.invoice_order(order_id)
    bench.sync()
    assert len(bench.docs("Invoice")) == 1 and len(bench.docs("Payment")) == 1

    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[order_id])
        assert [s.doc_kind for s in plan.steps] == ["payment", "invoice"]
        result = carry_out(ctx, plan)
    assert len(result.undone) == 2, result
    assert bench.docs("Invoice") == [] and bench.docs("Payment") == []

    with bench.service.context(bench.pair_id) as ctx:
        assert repost_orders(ctx, [order_id])[order_id] == "posted"
    # posted as the order stands now (paid): mapped afresh, as a first posting would be
    assert len(bench.docs("SalesReceipt")) == 1
    assert bench.docs("Invoice") == [] and bench.docs("Payment") == []
    bench.sync()
    assert len(bench.docs("SalesReceipt")) == 1 and bench.docs("Invoice") == []


def test_refund_is_undone_before_its_sale_and_posted_again_after_it(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.sync()
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0})
    bench.sync()
    assert len(live(bench, "RefundReceipt")) == 1

    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[order_id])
        assert [s.doc_kind for s in plan.steps] == ["refund_receipt", "sales_receipt"]
        assert len(carry_out(ctx, plan).undone) == 2
    assert live(bench, "RefundReceipt") == [] and bench.docs("SalesReceipt") == []

    with bench.service.context(bench.pair_id) as ctx:
        assert repost_orders(ctx, [order_id])[order_id] == "posted"
    bench.sync()  # the refund is read again and follows its order
    assert len(bench.docs("SalesReceipt")) == 1 and len(live(bench, "RefundReceipt")) == 1
    bench.sync()
    assert len(bench.docs("SalesReceipt")) == 1 and len(live(bench, "RefundReceipt")) == 1


def test_undo_of_a_run_that_only_refunded_takes_back_the_refund_alone(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.sync()
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0})
    refund_run = bench.sync().run_id
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=refund_run)
        assert [s.doc_kind for s in plan.steps] == ["refund_receipt"]
        assert plan.retire == [], "the order's customer and items are still in use"
        assert len(carry_out(ctx, plan).undone) == 1
    assert live(bench, "RefundReceipt") == [] and len(bench.docs("SalesReceipt")) == 1


def test_what_cannot_be_undone_is_said(bench: SyncBench) -> None:
    cancelled = bench.store.add_order(order_spec())
    waiting = bench.store.add_order(order_spec(customer={
        "email": "al@example.com", "firstname": "Al", "lastname": "Bo"}))
    bench.sync()
    raw = bench.store.order_json(cancelled)
    raw.update({"state": "canceled", "status": "canceled", "updated_at": bench.store.state.now()})
    bench.store.put_raw_order(cancelled, raw)
    bench.sync()
    with bench.service.context(bench.pair_id) as ctx:  # an edit journaled, not yet sent
        row = ctx.state.journal.for_record(bench.pair_id, "order", waiting)[0]
        with ctx.state.tx():
            ctx.state.journal.enqueue(
                pair_id=bench.pair_id, posting_key=f"{row.posting_key}-edit", op="update",
                doc_kind=row.doc_kind, record_kind="order", source_id=waiting,
                record_number=row.record_number, revision="edit", payload=row.payload,
                amount=row.amount, target_key=row.posting_key)
        plan = plan_undo(ctx, order_ids=[cancelled, waiting, "404"])
    assert plan.steps == []
    why = {b.record_number: b.reason for b in plan.blocked}
    assert "cancelled in the store" in why[bench.store.order_json(cancelled)["increment_id"]]
    assert "still being sent" in why[row.record_number]
    assert "not posted yet" in why["id 404"]
    assert "Cannot be undone:" in "\n".join(plan.lines())


def test_no_undo_while_a_sync_of_the_pair_runs(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.sync()
    state = bench.state()
    try:
        assert state.runs.try_lock(bench.pair_id, "sync")
        with pytest.raises(SyncError, match="sync of this pair is running"):
            undo(bench.service, bench.pair_id, orders=[order_id])
    finally:
        state.runs.unlock(bench.pair_id)
        state.close()
    assert len(bench.docs("SalesReceipt")) == 1


def test_a_lost_answer_or_a_hand_void_in_the_ledger_still_ends_undone_once(
        bench: SyncBench) -> None:
    first, second, run_id = _two_orders_synced(bench)
    receipts = sorted(bench.docs("SalesReceipt"), key=lambda d: int(d["Id"]))
    with bench.service.context(bench.pair_id) as ctx:  # the merchant voided one in QuickBooks
        client = ctx.ledger.client  # type: ignore[attr-defined]
        client.void("SalesReceipt", receipts[1]["Id"], str(receipts[1]["SyncToken"]), "by-hand")
    bench.ledger.drop_next_writes_after_apply(1)  # the first void lands, its answer is lost
    with bench.service.context(bench.pair_id) as ctx:
        result = carry_out(ctx, plan_undo(ctx, run_id=run_id))
    assert not result.refused, result
    if result.waiting:  # the lost answer: running the undo again finishes it
        with bench.service.context(bench.pair_id) as ctx:
            result = carry_out(ctx, plan_undo(ctx, run_id=run_id))
    assert bench.docs("SalesReceipt") == []
    voided = [d for d in bench.ledger.entities("SalesReceipt") if "Voided" in d["PrivateNote"]]
    assert len(voided) == 2 and not any(d["PrivateNote"].startswith("Voided - Voided")
                                        for d in voided)
    with bench.service.context(bench.pair_id) as ctx:
        assert repost_orders(ctx, [first, second]) == {first: "posted", second: "posted"}
    assert len(bench.docs("SalesReceipt")) == 2


def test_an_undo_the_merchant_ignores_keeps_the_document(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec(created_at="2026-03-10 09:00:00"))
    bench.sync()
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[order_id])
    bench.ledger.set_book_close_date("2026-03-31")
    with bench.service.context(bench.pair_id) as ctx:
        assert carry_out(ctx, plan).refused
    [entry] = bench.open_errors()
    bench.service.ignore(entry.id, "keep it")
    bench.ledger.set_book_close_date(None)
    assert bench.sync().status == "ok"
    assert len(bench.docs("SalesReceipt")) == 1
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, order_ids=[order_id])
    assert plan.steps == [] and "chose to keep it" in plan.blocked[0].reason


def test_a_document_changed_in_the_ledger_by_hand_is_not_undone_and_says_why(
        bench: SyncBench) -> None:
    first, second, run_id = _two_orders_synced(bench)
    receipts = sorted(bench.docs("SalesReceipt"), key=lambda d: int(d["Id"]))
    with bench.service.context(bench.pair_id) as ctx:  # the bookkeeper edits one in QuickBooks
        client = ctx.ledger.client  # type: ignore[attr-defined]
        client.update("SalesReceipt", {"Id": receipts[0]["Id"],
                                       "SyncToken": str(receipts[0]["SyncToken"]),
                                       "CustomerMemo": {"value": "Thanks!"}}, "by-hand-edit")
        plan = plan_undo(ctx, run_id=run_id)
        assert [s.source_id for s in plan.steps] == [str(second)]
        [blocked] = plan.blocked
        assert "changed in QuickBooks after it was posted" in blocked.reason
        assert blocked.record_number == receipts[0]["DocNumber"]
        assert len(carry_out(ctx, plan).undone) == 1
    assert [d["Id"] for d in bench.docs("SalesReceipt")] == [receipts[0]["Id"]]
    assert first != second


def test_undo_of_a_later_run_takes_back_only_what_that_run_created(bench: SyncBench) -> None:
    bench.set_rules(payment_posting={"banktransfer": "post_at_order"})
    order_id = bench.store.add_order(order_spec(paid=False, payment_method="banktransfer"))
    bench.sync()
    bench.store.invoice_order(order_id)
    payment_run = bench.sync().run_id
    edited = bench.store.add_order(order_spec(customer={
        "email": "cy@example.com", "firstname": "Cy", "lastname": "Do"}))
    bench.sync()
    bench.store.edit_order(edited, {"lines": [
        {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1, "price": "24.00"}]})
    edit_run = bench.sync().run_id
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=payment_run)
        assert [s.doc_kind for s in plan.steps] == ["payment"]
        assert len(carry_out(ctx, plan).undone) == 1
        only_changed = plan_undo(ctx, run_id=edit_run)
    assert len(bench.docs("Invoice")) == 1 and bench.docs("Payment") == []
    assert only_changed.steps == []
    assert "only changed its document" in only_changed.blocked[0].reason


def test_on_a_pair_that_holds_for_approval_an_undo_left_unfinished_is_finished_by_the_next_sync(
        bench: SyncBench) -> None:
    """Confirming the undo approves its voids (and customers to make inactive): what the undo
    left undone is sent by the next sync, not held for another approval."""
    from ecom_ledger_desktop.sync import approval

    _first, _second, run_id = _two_orders_synced(bench)
    bench.set_rules(posting_approval="hold")
    with bench.service.context(bench.pair_id) as ctx:
        plan = plan_undo(ctx, run_id=run_id)
        ctx.stop.set()  # the app quits just as the undo starts: everything is left to do
        result = carry_out(ctx, plan)
        ctx.stop.clear()  # (the service's own flag: the app starts again)
    assert len(result.waiting) == 2 and not result.undone, result.lines()
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        assert approval.held_rows(state, pair) == [], "the merchant approved the undo already"
    finally:
        state.close()
    bench.sync()
    assert bench.docs("SalesReceipt") == [] and bench.open_errors() == []
    assert not any(c["Active"] for c in bench.ledger.entities("Customer")
                   if c.get("DisplayName") in ("Jane Doe", "Sam Lee")), "made inactive too"
