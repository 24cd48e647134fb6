"""Refund pay-outs in QuickBooks Desktop when the refund's document changes or waits: a late
refund on a summarised day, void and repost, undo of a summarised order or of a summary's run,
approval of a held refund, a refund QuickBooks refused and the merchant ignored, a refund of an
order before the start posted alone, a pay-out taken back: each pays back once, never twice, and
A/R ends at zero."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.refund_payout import void_payouts
from ecom_ledger_desktop.sync.sales_by_day import sales_per_day
from ecom_ledger_desktop.sync.undo_run import undo
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules
from tests.sync.qbd_refunds import (
    assert_paid_back,
    money,
    refund_two_orders,
    until_posted,
)

ONE_TOTE = {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0}


@contextmanager
def _summarised_day_with_a_refund(tmp_path: Path, reference: Path | None
                                  ) -> Iterator[tuple[QbdBench, list[int]]]:
    """A pair in daily summaries on 15 Nov: two orders of 12 Nov, one tote of the first refunded
    on 13 Nov, all posted; the bench and the store's order ids."""
    with open_bench(tmp_path, reference, pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 15, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        bench.store.state.refund_order(ids[0], ONE_TOTE, now="2026-11-13 15:00:00")
        until_posted(bench)
        yield bench, ids


def test_a_late_refund_on_a_summarised_day_is_paid_back_again_in_full_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with _summarised_day_with_a_refund(tmp_path, reference_if_present) as (bench, ids):
        [credit] = bench.txns("CreditMemo")
        [paid] = bench.txns("ARRefundCreditCard")
        assert money(paid.data["TotalAmount"]) == money(credit.data["TotalAmount"])
        bench.store.state.refund_order(ids[1], ONE_TOTE, now="2026-11-13 16:00:00")  # read late
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        [after] = bench.txns("CreditMemo")
        assert after.id == credit.id, "the day's credit memo is modified, not a second one"
        [again] = bench.txns("ARRefundCreditCard")
        assert again.id != paid.id and paid.data.get("_voided")
        total = sum((money(m["grand_total"]) for m in bench.store.state.creditmemos.values()),
                    Decimal(0))
        assert money(again.data["TotalAmount"]) == money(after.data["TotalAmount"]) == total
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_void_and_repost_of_a_paid_back_credit_memo_takes_its_pay_out_back_first(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, memos = refund_two_orders(bench)
        until_posted(bench)
        state = State(bench.db_path)
        try:
            [credit] = [r for r in state.journal.all(bench.pair_id)
                        if r.record_kind == "refund" and r.op == "create"][:1]
            with state.tx():  # e.g. changed by hand in QuickBooks: the merchant reposts it
                entry = state.errors.flag(
                    pair_id=bench.pair_id, record_kind="refund", source_id=credit.source_id,
                    record_ref=credit.record_number, posting_key=credit.posting_key,
                    problem=RecordProblem("total_mismatch", "changed in QuickBooks",
                                          [Fix("void_and_repost", "Void it and post again")]))
        finally:
            state.close()
        old_memo = bench.company.company.get("CreditMemo", credit.ledger_id or "")
        assert old_memo is not None
        bench.service.fix(entry, "void_and_repost")
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert old_memo.data.get("_voided"), "the old credit memo is voided"
        assert len(bench.txns("CreditMemo")) == 2 and old_memo not in bench.txns("CreditMemo")
        assert len(bench.company.company.records["ARRefundCreditCard"]) == 3  # one voided
        assert_paid_back(bench, orders, memos)


def test_undoing_a_summarised_order_voids_its_days_refund_pay_out_before_the_credit(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with _summarised_day_with_a_refund(tmp_path, reference_if_present) as (bench, ids):
        [credit] = bench.txns("CreditMemo")
        [paid] = bench.txns("ARRefundCreditCard")
        number = bench.store.order_json(ids[0])["increment_id"]
        plan, done = undo(bench.service, bench.pair_id, orders=[number])
        assert done is not None and not plan.blocked, plan.lines()
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert paid.data.get("_voided") and credit.data.get("_voided"), "the day has no refund"
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_approving_a_held_refund_document_releases_its_pay_out_with_it(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        until_posted(bench)
        state = State(bench.db_path)
        try:
            pair = state.connections.pair(bench.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.save_rules(bench.pair_id, pair.rules.model_copy(
                    update={"posting_approval": "hold"}))
        finally:
            state.close()
        bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        until_posted(bench)
        assert bench.txns("CreditMemo") == [], "held for approval"
        state = State(bench.db_path)
        try:
            pair = state.connections.pair(bench.pair_id)
            assert pair is not None
            [credit] = [r for r in state.journal.open_postings(bench.pair_id)
                        if r.doc_kind == "refund_receipt"]
            approval.approve_keys(state, pair, [credit.posting_key])  # the ticked document
            assert approval.held_rows(state, pair) == []
        finally:
            state.close()
        until_posted(bench)
        assert len(bench.txns("CreditMemo")) == len(bench.txns("ARRefundCreditCard")) == 1
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_undoing_the_run_of_a_days_refund_summary_voids_its_pay_out_first(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 15, tzinfo=UTC))) as bench:
        placed = bench.store.add_order(order(created_at="2026-11-12 10:00:00"))
        until_posted(bench)
        one = {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0}
        bench.store.state.refund_order(placed, one, now="2026-11-13 15:00:00")
        until_posted(bench)
        state = State(bench.db_path)
        try:
            [summary] = [r for r in state.journal.all(bench.pair_id) if r.record_kind == "summary"
                         and r.doc_kind == "refund_receipt" and r.op == "create"]
        finally:
            state.close()
        assert summary.run_id is not None
        plan, done = undo(bench.service, bench.pair_id, run_id=summary.run_id)
        assert [s.doc_kind for s in plan.steps] == ["refund_payout", "refund_receipt"], \
            plan.lines()
        assert done is not None
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert len(bench.txns("SalesReceipt")) == 1, "the sale's summary stays"
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_a_refund_refused_by_quickbooks_is_one_entry_and_ignoring_it_drops_its_pay_out(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        until_posted(bench)
        bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        bench.company.fail_next("CreditMemoAddRq", 3140, 'There is an invalid reference to '
                                'QuickBooks Item "Shipping" in the CreditMemo line.  QuickBooks '
                                "error message: Invalid argument.  The specified record does "
                                "not exist in the list.")
        for _ in range(3):  # runs go by: the pay-out waits for its refund, saying nothing
            bench.sync()
            bench.session()
        [entry] = bench.open_errors()
        assert entry.record_kind == "refund" and "Shipping" in entry.message
        assert [p.doc_kind for p in bench.open_postings()] == ["refund_payout"]
        bench.service.ignore(entry.id, "refunded by hand in QuickBooks")
        bench.sync()
        bench.session()
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert bench.txns("ARRefundCreditCard") == []


def test_a_refund_of_an_order_before_the_start_posted_alone_is_paid_back_too(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        old = bench.store.add_order(order(created_at="2025-12-20 10:00:00"))
        bench.store.refund_order(old, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        for _ in range(2):
            bench.sync()
            bench.session()
        [entry] = bench.open_errors()  # one entry: the pay-out waits with its refund
        assert entry.code == "order_not_posted"
        bench.service.fix(entry.id, "post_refund_alone")
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert bench.txns("SalesReceipt") == []
        [credit] = bench.txns("CreditMemo")
        [paid] = bench.txns("ARRefundCreditCard")
        assert paid.data["RefundAppliedToTxnRet"][0]["TxnID"] == credit.id
        customer = str(credit.data["CustomerRef"]["FullName"])
        assert bench.company.reports.customer_balance(customer) == 0


def test_a_pay_out_taken_back_leaves_its_refund_counted_in_the_chart_and_reconciliation(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        until_posted(bench)
        bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        until_posted(bench)
        [credit] = bench.txns("CreditMemo")
        day = date.fromisoformat(str(credit.data["TxnDate"])[:10])
        state = State(bench.db_path)
        try:
            chart = sales_per_day(state, day, 1, bench.pair_id)
        finally:
            state.close()
        with bench.service.context(bench.pair_id) as ctx:
            [refund] = [r for r in ctx.state.journal.all(bench.pair_id)
                        if r.doc_kind == "refund_receipt"]
            with ctx.state.tx():  # as before a change of the refund: its pay-out taken back
                assert void_payouts(ctx, refund.posting_key, None, "test") is not None
        until_posted(bench)
        assert bench.txns("ARRefundCreditCard") == [] and bench.open_postings() == []
        state = State(bench.db_path)
        try:
            assert sales_per_day(state, day, 1, bench.pair_id) == chart
        finally:
            state.close()
        with bench.service.context(bench.pair_id) as ctx:
            result = reconcile(ctx, days=30, end=day)
        assert result.reconciled, [(line.key, line.findings) for line in result.lines]
