"""A store refund in QuickBooks Desktop leaves the books, not just a credit: the credit memo is
paid back (``ARRefundCreditCardAdd``) out of the account the sale's money went to, so A/R and the
customer's balance come back to zero while tax liability and income are reversed by the credit
memo. Exactly once across a session killed between the two; undone pay-out first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.cli.preview_commands import preview_lines
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sandbox.qbwc import KillAt
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.refund_payout import void_payouts
from ecom_ledger_desktop.sync.sales_by_day import sales_per_day
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules

D = Decimal
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _until_posted(bench: QbdBench) -> None:
    bench.sync()
    for _ in range(4):
        assert bench.session().outcome in ("done", "no_work")
        if not bench.open_postings():
            return


def _money(value: object) -> Decimal:
    return D(str(value))


def _refund_two_orders(bench: QbdBench) -> tuple[list[int], list[int]]:
    """Order 1 refunded whole (its shipping too), order 2 in part (one taxed tote)."""
    orders = [bench.store.add_order(order()),
              bench.store.add_order(order(customer={"email": "sam@example.com",
                                                    "firstname": "Sam", "lastname": "Lee"}))]
    _until_posted(bench)
    memos = [bench.store.refund_order(orders[0], {
                 "lines": [{"sku": "MB-TOTE-BLK", "qty": 2, "back_to_stock": True},
                           {"sku": "24-UG06", "qty": 1, "back_to_stock": True}],
                 "shipping": "5.00"}),
             bench.store.refund_order(orders[1], {
                 "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}],
                 "shipping": 0})]
    return orders, memos


def _assert_paid_back(bench: QbdBench, orders: list[int], memos: list[int]) -> None:
    reports = bench.company.reports
    credits = {str(c.data["RefNumber"]): c for c in bench.txns("CreditMemo")}
    refunds = bench.txns("ARRefundCreditCard")
    assert len(credits) == len(refunds) == len(memos), (credits, refunds)
    for refund in refunds:
        [applied] = refund.data["RefundAppliedToTxnRet"]
        credit = credits[str(refund.data["RefNumber"])]
        assert applied["TxnID"] == credit.id
        assert _money(refund.data["TotalAmount"]) == _money(credit.data["TotalAmount"])
        assert credit.data["CreditRemaining"] == 0
        assert refund.data["PaymentMethodRef"]["FullName"] == "Visa"
        assert refund.data["RefundFromAccountRef"]["FullName"] == "Undeposited Funds"
        assert refund.data["TxnDate"] == credit.data["TxnDate"]
        assert "ecom-ledger key:" in str(refund.data["Memo"])
    assert reports.account_balance("Accounts Receivable") == 0
    for customer in bench.company.company.all("Customer"):
        if customer.name in ("Jane Doe", "Sam Lee"):
            assert reports.customer_balance(customer.name) == 0, customer.name
    sold = sum((_money(bench.store.order_json(o)["grand_total"]) for o in orders), D(0))
    given = sum((_money(bench.store.state.creditmemos[m]["grand_total"]) for m in memos), D(0))
    assert reports.account_balance("Undeposited Funds") == sold - given
    tax = sum((_money(bench.store.order_json(o)["tax_amount"]) for o in orders), D(0)) - sum(
        (_money(bench.store.state.creditmemos[m]["tax_amount"]) for m in memos), D(0))
    assert sum(reports.tax_liability(*YEAR).values(), D(0)) == tax


def test_refunds_are_paid_back_so_receivables_and_the_customer_end_at_zero(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, memos = _refund_two_orders(bench)
        _until_posted(bench)
        assert [(e.code, e.message) for e in bench.open_errors()] == []
        assert bench.open_postings() == []
        _assert_paid_back(bench, orders, memos)
        _until_posted(bench)  # nothing twice
        assert len(bench.company.company.records.get("ARRefundCreditCard", {})) == 2


class _PayoutExchange(int):
    """A ``kill_on_exchange`` that matches the exchange whose request added a pay-out (the Web
    Connector simulator compares it with each exchange's number once QuickBooks has answered)."""

    def __new__(cls, received: list[str]) -> _PayoutExchange:
        made = super().__new__(cls, 0)
        made.received = received  # type: ignore[attr-defined]
        return made

    def __eq__(self, other: object) -> bool:
        received: list[str] = self.received  # type: ignore[attr-defined]
        return bool(received) and "ARRefundCreditCardAddRq" in received[-1]

    __hash__ = int.__hash__


def test_a_session_killed_after_the_pay_out_was_applied_settles_it_by_a_query(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, memos = _refund_two_orders(bench)
        bench.sync()
        received = bench.company.received
        for _ in range(4):
            report = bench.session(kill_at=KillAt.AFTER_APPLY,
                                   on_exchange=_PayoutExchange(received))
            if report.outcome == "killed":
                break
        assert report.outcome == "killed" and "ARRefundCreditCardAddRq" in received[-1]
        [applied] = bench.company.company.records["ARRefundCreditCard"].values()
        before = len(received)
        _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert any("ARRefundCreditCardQueryRq" in xml for xml in received[before:])
        paid = bench.company.company.records["ARRefundCreditCard"]
        assert len(paid) == 2 and applied.id in paid, "found again, never added twice"
        _assert_paid_back(bench, orders, memos)


def test_undo_takes_the_pay_out_back_before_its_credit_memo_and_post_again_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, _memos = _refund_two_orders(bench)
        _until_posted(bench)
        number = bench.store.order_json(orders[0])["increment_id"]
        plan, done = undo(bench.service, bench.pair_id, orders=[number])
        kinds = [step.doc_kind for step in plan.steps]
        assert kinds == ["refund_payout", "refund_receipt", "sales_receipt"], plan.lines()
        assert done is not None
        _until_posted(bench)
        reports = bench.company.reports
        live = [r for r in bench.company.company.all("ARRefundCreditCard")
                if not r.data.get("_voided")]
        assert len(live) == 1 and reports.account_balance("Accounts Receivable") == 0
        [outcome] = post_again(bench.service, bench.pair_id, [number]).values()
        assert outcome, outcome
        for _ in range(3):
            _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert len(bench.txns("ARRefundCreditCard")) == 2
        assert len(bench.txns("CreditMemo")) == 2
        assert len(bench.txns("SalesReceipt")) == 2  # the order posted again once
        assert reports.account_balance("Accounts Receivable") == 0


def test_a_late_refund_on_a_summarised_day_is_paid_back_again_in_full_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 15, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        one = {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0}
        bench.store.state.refund_order(ids[0], one, now="2026-11-13 15:00:00")
        _until_posted(bench)
        [credit] = bench.txns("CreditMemo")
        [paid] = bench.txns("ARRefundCreditCard")
        assert _money(paid.data["TotalAmount"]) == _money(credit.data["TotalAmount"])
        bench.store.state.refund_order(ids[1], one, now="2026-11-13 16:00:00")  # read late
        _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        [after] = bench.txns("CreditMemo")
        assert after.id == credit.id, "the day's credit memo is modified, not a second one"
        [again] = bench.txns("ARRefundCreditCard")
        assert again.id != paid.id and paid.data.get("_voided")
        total = sum((_money(m["grand_total"]) for m in bench.store.state.creditmemos.values()),
                    D(0))
        assert _money(again.data["TotalAmount"]) == _money(after.data["TotalAmount"]) == total
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_a_refunded_day_still_reconciles_the_pay_out_is_no_unexplained_document(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        _refund_two_orders(bench)
        _until_posted(bench)
        assert len(bench.txns("ARRefundCreditCard")) == 2
        days = {date.fromisoformat(str(r.data["TxnDate"])[:10])
                for r in [*bench.txns("SalesReceipt"), *bench.txns("CreditMemo")]}
        bench.store.add_order(order())  # an update with work: the books are read in it
        bench.sync()
        results = []
        real = bench.service.run_pair

        def run_then_reconcile(pair_ref, trigger="manual"):
            summary = real(pair_ref, trigger)
            with bench.service.context(pair_ref) as ctx:
                results.append(reconcile(ctx, days=30, end=max(days)))
            return summary

        bench.service.run_pair = run_then_reconcile  # type: ignore[method-assign]
        assert bench.session().outcome == "done"
        result = results[-1]
        assert result.reconciled, [(line.key, line.findings) for line in result.lines]
        assert set(result.differences().values()) == {D("0.00")}
        refunds = sum((line.store.refunds for line in result.lines), D(0))
        assert refunds == sum((_money(c.data["TotalAmount"]) for c in bench.txns("CreditMemo")),
                              D(0))


def test_the_preview_shows_the_pay_out_after_its_credit_memo_and_counts_the_refund_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        _until_posted(bench)
        memo = bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        with bench.service.context(bench.pair_id) as ctx:
            seen = run_preview(ctx)  # between updates: nothing is sent
        assert [(d.op, d.doc_kind) for d in seen.documents] == [
            ("create", "refund_receipt"), ("payment", "refund_payout")]
        given = _money(bench.store.state.creditmemos[memo]["grand_total"])
        [day] = seen.totals()
        assert (day.refunds, day.payments, day.documents) == (given, D(0), 1)
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert "  paid back by: Visa out of Undeposited Funds" in preview_lines(seen)


def test_void_and_repost_of_a_paid_back_credit_memo_takes_its_pay_out_back_first(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, memos = _refund_two_orders(bench)
        _until_posted(bench)
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
        _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert old_memo.data.get("_voided"), "the old credit memo is voided"
        assert len(bench.txns("CreditMemo")) == 2 and old_memo not in bench.txns("CreditMemo")
        assert len(bench.company.company.records["ARRefundCreditCard"]) == 3  # one voided
        _assert_paid_back(bench, orders, memos)


def test_undoing_a_summarised_order_voids_its_days_refund_pay_out_before_the_credit(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 15, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        one = {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0}
        bench.store.state.refund_order(ids[0], one, now="2026-11-13 15:00:00")
        _until_posted(bench)
        [credit] = bench.txns("CreditMemo")
        [paid] = bench.txns("ARRefundCreditCard")
        number = bench.store.order_json(ids[0])["increment_id"]
        plan, done = undo(bench.service, bench.pair_id, orders=[number])
        assert done is not None and not plan.blocked, plan.lines()
        _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert paid.data.get("_voided") and credit.data.get("_voided"), "the day has no refund"
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_approving_a_held_refund_document_releases_its_pay_out_with_it(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        _until_posted(bench)
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
        _until_posted(bench)
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
        _until_posted(bench)
        assert len(bench.txns("CreditMemo")) == len(bench.txns("ARRefundCreditCard")) == 1
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_undoing_the_run_of_a_days_refund_summary_voids_its_pay_out_first(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 15, tzinfo=UTC))) as bench:
        placed = bench.store.add_order(order(created_at="2026-11-12 10:00:00"))
        _until_posted(bench)
        one = {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0}
        bench.store.state.refund_order(placed, one, now="2026-11-13 15:00:00")
        _until_posted(bench)
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
        _until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert len(bench.txns("SalesReceipt")) == 1, "the sale's summary stays"
        assert bench.company.reports.account_balance("Accounts Receivable") == 0


def test_only_a_ledger_whose_refund_leaves_a_credit_declares_pay_outs() -> None:
    from ecom_ledger_desktop.connectors.registry import KINDS

    assert {name for name, kind in KINDS.items() if kind.refunds_paid_out} == {"qbd"}


def test_a_refund_refused_by_quickbooks_is_one_entry_and_ignoring_it_drops_its_pay_out(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        _until_posted(bench)
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
        _until_posted(bench)
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
        _until_posted(bench)
        bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        _until_posted(bench)
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
        _until_posted(bench)
        assert bench.txns("ARRefundCreditCard") == [] and bench.open_postings() == []
        state = State(bench.db_path)
        try:
            assert sales_per_day(state, day, 1, bench.pair_id) == chart
        finally:
            state.close()
        with bench.service.context(bench.pair_id) as ctx:
            result = reconcile(ctx, days=30, end=day)
        assert result.reconciled, [(line.key, line.findings) for line in result.lines]
