"""Unpaid orders end to end: offline payments post when paid, old unpaid orders are flagged."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.sandbox.magento2.state import fmt_time
from tests.sync.conftest import SyncBench, order_spec

UNTAXED = [{"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 2, "price": "18.50"}]


def unpaid_transfer(**extra: Any) -> dict[str, Any]:
    return order_spec(paid=False, payment_method="banktransfer", lines=UNTAXED, **extra)


STORE_ZONE = ZoneInfo("America/New_York")  # the bench's Magento store


def days_ago(days: int) -> str:
    """Noon of the store-local day ``days`` days before today (unpaid days count store-local
    days, so 24-hour steps back from now miss one across a DST change late in the evening)."""
    day = datetime.now(STORE_ZONE).date() - timedelta(days=days)
    return fmt_time(datetime.combine(day, time(12), STORE_ZONE).astimezone(UTC))


def test_bank_transfer_posts_nothing_until_paid_then_a_receipt_no_receivable(
        bench: SyncBench) -> None:
    order_id = bench.store.add_order(unpaid_transfer())
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    assert bench.docs("Invoice") == [] and bench.docs("SalesReceipt") == []
    # said as what it is, not "skipped" (which a merchant reads as "left out")
    assert (summary.awaiting_payment, summary.skipped) == (1, 0)
    assert bench.runs()[0].awaiting_payment == 1

    bench.store.invoice_order(order_id)
    bench.sync()
    [receipt] = bench.docs("SalesReceipt")
    assert bench.docs("Invoice") == [], "no receivable for money that never was owed on paper"
    assert Decimal(str(receipt["TotalAmt"])) == Decimal(
        str(bench.store.order_json(order_id)["grand_total"]))


def test_an_order_unpaid_past_the_alert_days_is_flagged_and_can_keep_waiting(
        bench: SyncBench) -> None:
    bench.store.add_order(unpaid_transfer(created_at=days_ago(40)))
    summary = bench.sync()
    assert summary.status == "flagged"
    [entry] = bench.open_errors()
    assert entry.code == "unpaid_order"
    assert entry.message.startswith("Order 000000001 has been unpaid for 40 days: cancel it in "
                                    "the store, or keep waiting")
    assert {f.action for f in entry.fixes} >= {"snooze", "ignore"}
    assert entry.occurrences == 1, "one run says it once (the hold and the sweep both see it)"
    assert bench.docs("Invoice") == []

    assert bench.service.apply_fix(entry.id, "snooze") == "keep waiting"
    assert bench.open_errors() == []
    assert bench.sync().status == "ok"
    assert bench.open_errors() == [], "not asked again before another 30 days"


def test_the_alert_comes_without_a_store_change_and_cancelling_answers_it(
        bench: SyncBench) -> None:
    bench.set_rules(unpaid_alert_days=60)
    order_id = bench.store.add_order(unpaid_transfer(created_at=days_ago(45)))
    assert bench.sync().status == "ok"
    bench.set_rules(unpaid_alert_days=30)
    assert bench.sync().status == "flagged", "the waiting order was not fetched again"
    [entry] = bench.open_errors()
    assert "45 days" in entry.message

    bench.store.cancel_order(order_id)
    bench.sync()
    assert bench.open_errors() == []
    assert bench.docs("Invoice") == [] and bench.docs("SalesReceipt") == []


def test_card_orders_still_post_at_order_and_the_rule_can_invoice_transfers(
        bench: SyncBench) -> None:
    bench.set_rules(payment_posting={"banktransfer": "post_at_order"})
    bench.store.add_order(unpaid_transfer())
    bench.store.add_order(order_spec(paid=False, payment_method="braintree", lines=UNTAXED,
                                     customer={"email": "bo@example.com", "firstname": "Bo",
                                               "lastname": "Ek"}))
    bench.sync()
    assert len(bench.docs("Invoice")) == 2


def test_keep_waiting_in_the_app_words(bench: SyncBench) -> None:
    from ecom_ledger_desktop.app.views.error_work import apply_action, outcome_text
    from ecom_ledger_desktop.sync.error_details import problem_title

    bench.store.add_order(unpaid_transfer(created_at=days_ago(31)))
    bench.sync()
    [entry] = bench.open_errors()
    assert problem_title(entry.code) == "Unpaid for too long"
    result = apply_action(bench.service, entry.id, "snooze")
    assert result.ok
    assert "keeps waiting for its payment" in outcome_text("Order 000000001", result)
