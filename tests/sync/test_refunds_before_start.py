"""A refund of an order placed before the pair's start date is read and put in front of a person.

The order is not in the books, so the refund cannot be tied to it. It is never left "waiting"
silently: the queue says so and offers to import the order, to post the refund alone (for the
refund's customer), or to ignore it with a reason. Each fix works end to end.
"""

from __future__ import annotations

from decimal import Decimal

from tests.sync.conftest import SyncBench, order_spec

BEFORE_START = "2025-12-20 10:00:00"  # the bench's pair starts on 2026-01-01
BOTTLE_BACK = {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0}


def _refund_of_an_old_order(bench: SyncBench) -> tuple[int, int]:
    order_id = bench.store.add_order(order_spec(created_at=BEFORE_START))
    memo_id = bench.store.refund_order(order_id, BOTTLE_BACK)
    return order_id, memo_id


def _the_entry(bench: SyncBench) -> object:
    [entry] = bench.open_errors()
    assert entry.code == "order_not_posted", entry
    assert entry.record_kind == "refund"
    return entry


def test_the_refund_is_read_and_the_queue_says_why_it_cannot_post(bench: SyncBench) -> None:
    order_id, _memo = _refund_of_an_old_order(bench)
    summary = bench.sync()
    entry = _the_entry(bench)
    number = bench.store.order_json(order_id)["increment_id"]
    assert number in entry.message and "before" in entry.message and "2026-01-01" in entry.message
    assert [f.action for f in entry.fixes] == ["import_order", "post_refund_alone", "ignore"]
    assert summary.status == "flagged" and summary.waiting == 0
    assert bench.docs("RefundReceipt") == [] and bench.docs("SalesReceipt") == []
    again = bench.sync()
    assert [e.id for e in bench.open_errors()] == [entry.id], "one entry, not one per run"
    assert again.status == "flagged"


def test_a_refund_read_with_others_is_flagged_not_left_waiting(bench: SyncBench) -> None:
    _refund_of_an_old_order(bench)
    recent = bench.store.add_order(order_spec())
    bench.store.refund_order(recent, BOTTLE_BACK)
    summary = bench.sync()
    assert len(bench.docs("RefundReceipt")) == 1, "the recent order's refund posts"
    _the_entry(bench)
    assert summary.waiting == 0


def test_import_that_order_posts_it_and_then_its_refund(bench: SyncBench) -> None:
    order_id, memo_id = _refund_of_an_old_order(bench)
    bench.sync()
    entry = _the_entry(bench)
    result = bench.service.fix(entry.id, "import_order")
    assert result.outcome == "posted", result
    [receipt] = bench.docs("SalesReceipt")
    [refund] = bench.docs("RefundReceipt")
    assert receipt["DocNumber"] == bench.store.order_json(order_id)["increment_id"]
    memo = bench.store_api(f"creditmemo/{memo_id}")
    assert Decimal(str(refund["TotalAmt"])) == Decimal(str(memo["grand_total"]))
    assert bench.open_errors() == []
    assert bench.sync().status == "ok"
    assert len(bench.docs("SalesReceipt")) == 1 and len(bench.docs("RefundReceipt")) == 1


def test_post_the_refund_alone_posts_a_refund_receipt_for_the_refunds_customer(
        bench: SyncBench) -> None:
    _order_id, memo_id = _refund_of_an_old_order(bench)
    bench.sync()
    entry = _the_entry(bench)
    assert bench.service.fix(entry.id, "post_refund_alone").outcome == "posted"
    [refund] = bench.docs("RefundReceipt")
    memo = bench.store_api(f"creditmemo/{memo_id}")
    assert Decimal(str(refund["TotalAmt"])) == Decimal(str(memo["grand_total"]))
    [customer] = [c for c in bench.ledger.entities("Customer")
                  if c["Id"] == refund["CustomerRef"]["value"]]
    assert customer["PrimaryEmailAddr"]["Address"].lower() == "jane.doe@example.com"
    assert bench.docs("SalesReceipt") == [], "the old order stays out of the books"
    assert bench.sync().status == "ok" and bench.open_errors() == []
    assert len(bench.docs("RefundReceipt")) == 1


def test_ignore_with_a_reason_closes_it_for_good(bench: SyncBench) -> None:
    _refund_of_an_old_order(bench)
    bench.sync()
    entry = _the_entry(bench)
    assert bench.service.fix(entry.id, "ignore", "Refunded before this app").outcome == "ignored"
    assert bench.open_errors() == []
    summary = bench.sync()
    assert summary.status == "ok" and bench.open_errors() == []
    assert bench.docs("RefundReceipt") == []
