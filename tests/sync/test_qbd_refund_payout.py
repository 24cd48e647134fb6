"""A store refund in QuickBooks Desktop leaves the books, not just a credit: the credit memo is
paid back (``ARRefundCreditCardAdd``) out of the account the sale's money went to, so A/R and the
customer's balance come back to zero while tax liability and income are reversed by the credit
memo. Exactly once across a session killed between the two; undone pay-out first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ecom_ledger_desktop.cli.preview_commands import preview_lines
from ecom_ledger_desktop.sandbox.qbwc import KillAt
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.sync.qbd_bench import open_bench, order
from tests.sync.qbd_refunds import D, assert_paid_back, money, refund_two_orders, until_posted


def test_refunds_are_paid_back_so_receivables_and_the_customer_end_at_zero(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, memos = refund_two_orders(bench)
        until_posted(bench)
        assert [(e.code, e.message) for e in bench.open_errors()] == []
        assert bench.open_postings() == []
        assert_paid_back(bench, orders, memos)
        until_posted(bench)  # nothing twice
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
        orders, memos = refund_two_orders(bench)
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
        until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert any("ARRefundCreditCardQueryRq" in xml for xml in received[before:])
        paid = bench.company.company.records["ARRefundCreditCard"]
        assert len(paid) == 2 and applied.id in paid, "found again, never added twice"
        assert_paid_back(bench, orders, memos)


def test_undo_takes_the_pay_out_back_before_its_credit_memo_and_post_again_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        orders, _memos = refund_two_orders(bench)
        until_posted(bench)
        number = bench.store.order_json(orders[0])["increment_id"]
        plan, done = undo(bench.service, bench.pair_id, orders=[number])
        kinds = [step.doc_kind for step in plan.steps]
        assert kinds == ["refund_payout", "refund_receipt", "sales_receipt"], plan.lines()
        assert done is not None
        until_posted(bench)
        reports = bench.company.reports
        live = [r for r in bench.company.company.all("ARRefundCreditCard")
                if not r.data.get("_voided")]
        assert len(live) == 1 and reports.account_balance("Accounts Receivable") == 0
        [outcome] = post_again(bench.service, bench.pair_id, [number]).values()
        assert outcome, outcome
        for _ in range(3):
            until_posted(bench)
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert len(bench.txns("ARRefundCreditCard")) == 2
        assert len(bench.txns("CreditMemo")) == 2
        assert len(bench.txns("SalesReceipt")) == 2  # the order posted again once
        assert reports.account_balance("Accounts Receivable") == 0


def test_a_refunded_day_still_reconciles_the_pay_out_is_no_unexplained_document(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        refund_two_orders(bench)
        until_posted(bench)
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
        assert refunds == sum((money(c.data["TotalAmount"]) for c in bench.txns("CreditMemo")),
                              D(0))


def test_the_preview_shows_the_pay_out_after_its_credit_memo_and_counts_the_refund_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        placed = bench.store.add_order(order())
        until_posted(bench)
        memo = bench.store.refund_order(placed, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        with bench.service.context(bench.pair_id) as ctx:
            seen = run_preview(ctx)  # between updates: nothing is sent
        assert [(d.op, d.doc_kind) for d in seen.documents] == [
            ("create", "refund_receipt"), ("payment", "refund_payout")]
        given = money(bench.store.state.creditmemos[memo]["grand_total"])
        [day] = seen.totals()
        assert (day.refunds, day.payments, day.documents) == (given, D(0), 1)
        assert bench.txns("CreditMemo") == [] and bench.txns("ARRefundCreditCard") == []
        assert "  paid back by: Visa out of Undeposited Funds" in preview_lines(seen)


def test_only_a_ledger_whose_refund_leaves_a_credit_declares_pay_outs() -> None:
    from ecom_ledger_desktop.connectors.registry import KINDS

    assert {name for name, kind in KINDS.items() if kind.refunds_paid_out} == {"qbd"}
