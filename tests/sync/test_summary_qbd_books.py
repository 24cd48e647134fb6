"""Summary posting into QuickBooks Desktop, read as the accountant reads it: a day's summary
reconciles to the cent inside a Web Connector session; undoing the run that posted it voids it at
the next update and posting it again brings it back once (reconciling again); and a month-end
audit gives the same tax liability, income and receivables as posting per order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.reconcile import Reconciliation, reconcile
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules

DAY = date(2026, 11, 12)


def _after_each_run(bench: QbdBench, monkeypatch: pytest.MonkeyPatch,
                    work: Callable[[], Any]) -> list[Any]:
    """``work()`` after every run of the pair (a Web Connector update's run included)."""
    results: list[Any] = []
    real = bench.service.run_pair

    def run_then(pair_ref: Any, trigger: str = "manual") -> Any:
        summary = real(pair_ref, trigger)
        results.append(work())
        return summary

    monkeypatch.setattr(bench.service, "run_pair", run_then)
    return results


def _reconciled(bench: QbdBench) -> Callable[[], Reconciliation]:
    def check() -> Reconciliation:
        with bench.service.context(bench.pair_id) as ctx:
            return reconcile(ctx, days=3, end=DAY)
    return check


def _summary_run(bench: QbdBench) -> int:
    state = State(bench.db_path)
    try:
        [row] = [r for r in state.journal.all(bench.pair_id)
                 if r.record_kind == "summary" and r.op == "create" and r.state == "posted"]
    finally:
        state.close()
    assert row.run_id is not None
    return row.run_id


def test_a_desktop_summary_reconciles_in_a_session_and_is_undone_and_posted_again_once(
        tmp_path: Path, reference_if_present: Path | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with open_bench(tmp_path, reference_if_present,
                    pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 14, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        total = sum((Decimal(str(bench.store.order_json(i)["grand_total"])) for i in ids),
                    Decimal(0))
        assert bench.sync().status == "ok"  # journaled while the Web Connector is away
        checks = _after_each_run(bench, monkeypatch, _reconciled(bench))
        assert bench.session().outcome == "done"
        [summary] = bench.txns("SalesReceipt")
        assert Decimal(str(summary.data["TotalAmount"])) == total
        result = checks[-1]
        assert result.reconciled, [(line.key, line.findings) for line in result.lines]
        assert result.differences() == {"USD": Decimal("0.00")}
        [line] = result.lines
        assert line.store.records == 2 and line.ledger_documents == 1
        assert line.store.net == total

        monkeypatch.undo()
        plan, done = undo(bench.service, bench.pair_id, run_id=_summary_run(bench))
        assert done is not None and len(plan.steps) == 1 and not plan.blocked, plan.lines()
        assert not plan.retire, "the standard customer is never made inactive"
        assert done.waiting and not done.undone, done.lines()
        assert bench.session().outcome == "done"  # the next update voids it
        assert bench.txns("SalesReceipt") == []
        assert str(summary.data["Memo"]).startswith("VOID:")
        number = str(summary.data["RefNumber"])
        [outcome] = post_again(bench.service, bench.pair_id, [number]).values()
        assert outcome.startswith("waiting for QuickBooks Desktop"), outcome
        checks = _after_each_run(bench, monkeypatch, _reconciled(bench))
        assert bench.session().outcome == "done"
        [again] = bench.txns("SalesReceipt")
        assert again.id != summary.id and Decimal(str(again.data["TotalAmount"])) == total
        assert checks[-1].differences() == {"USD": Decimal("0.00")}, [
            (line.key, line.findings) for line in checks[-1].lines]
        monkeypatch.undo()
        assert bench.session().outcome in ("done", "no_work")
        assert len(bench.txns("SalesReceipt")) == 1, "posted again exactly once"
        assert bench.open_postings() == [] and bench.open_errors() == []


MONTHS = [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 11, 1), date(2026, 11, 30)),
          (date(2026, 12, 1), date(2026, 12, 31))]
ZONE = "America/New_York"
WEB_SALES = "Web Sales"


def _until_posted(bench: QbdBench) -> None:
    bench.sync()
    for _ in range(4):
        assert bench.session().outcome in ("done", "no_work")
        if not bench.open_postings():
            return


def _web_sales_item(bench: QbdBench) -> None:
    """The item income lines post to: QuickBooks Desktop has no "Sales" item of its own (the
    merchant creates one and names it as the pair's standard item)."""
    company = bench.company.company
    with company.lock:
        sales = company.named("Account", "Sales")
        assert sales is not None
        company.add("ItemNonInventory", {
            "Name": WEB_SALES, "FullName": WEB_SALES, "IsActive": "true", "Sublevel": "0",
            "SalesTaxCodeRef": {"FullName": "Tax"},
            "SalesOrPurchase": {"Desc": WEB_SALES, "AccountRef": {"ListID": sales.id,
                                                                  "FullName": "Sales"}}})


def _books(bench: QbdBench) -> list[dict[str, Any]]:
    """Per month, from the company's own reports: tax liability, income per account, A/R."""
    reports = bench.company.reports
    income = {r.name for r in bench.company.company.all("Account")
              if r.data.get("AccountType") in ("Income", "OtherIncome")}
    out = []
    for first, last in MONTHS:
        by_account: dict[str, Decimal] = {}
        with bench.company.company.lock:
            for when, account, amount in reports.postings():
                if first <= when <= last and account in income:
                    by_account[account] = by_account.get(account, Decimal(0)) - amount
        out.append({"tax": reports.tax_liability(first, last),
                    "income": {k: v for k, v in by_account.items() if v},
                    "receivable": reports.account_balance("Accounts Receivable", last),
                    "open": sum((o.balance for o in reports.open_receivables(last)),
                                Decimal(0))})
    return out


@pytest.mark.parametrize(("mode", "lines"), [("daily_summary", "item"),
                                             ("daily_summary_by_method", "income")])
def test_month_end_books_of_desktop_summaries_match_posting_per_order(
        tmp_path: Path, reference_if_present: Path | None, mode: str, lines: str) -> None:
    from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
    from tests.sync.audit_orders import CATALOG, INVOICED_AT_ORDER, pay_later, place_orders

    start = date(2026, 1, 1)
    base = PostingRules(
        start_date=start, fee_item="Restocking Fee", unpaid_alert_days=365,
        payment_posting={**PostingRules(start_date=start).payment_posting,
                         **dict.fromkeys(INVOICED_AT_ORDER, "post_at_order")},
        payment_routes={"checkmo": PaymentRoute(payment_method="Check"),
                        "braintree": PaymentRoute(payment_method="Visa")})
    figures = []
    for folder, pair_rules in (("per_order", base),
                               ("summary", base.switch_mode(mode, None).model_copy(  # type: ignore[arg-type]
                                   update={"summary_lines": lines,
                                           "standard_item": WEB_SALES}))):
        (tmp_path / folder).mkdir()
        with open_bench(tmp_path / folder, reference_if_present, pair_rules=pair_rules,
                        catalog=CATALOG, zone=ZONE,
                        clock=ManualClock(datetime(2027, 1, 3, tzinfo=UTC))) as bench:
            _web_sales_item(bench)
            ids = place_orders(bench.store, ZONE, "USD", ("8.25", "8.875", ""), foreign=None)
            _until_posted(bench)
            pay_later(bench.store, ZONE, ids["po_paid_later"])
            _until_posted(bench)
            assert [(e.code, e.message) for e in bench.open_errors()] == [], folder
            assert bench.open_postings() == [], folder
            if folder == "summary":
                numbers = [str(r.data["RefNumber"]) for r in bench.txns("SalesReceipt")]
                assert numbers and all(n.startswith("S26") for n in numbers), numbers
            figures.append(_books(bench))
    per_order, summary = figures
    assert all(month["tax"] and month["income"] for month in per_order), per_order
    assert per_order[1]["open"] > 0, "an invoice is still owed at the end of November"
    # refunds paid back out of their credit memos: receivables are the open invoices, no credit
    assert [m["receivable"] for m in per_order] == [m["open"] for m in per_order], per_order
    for month, (expected, found) in enumerate(zip(per_order, summary, strict=True)):
        assert found == expected, (MONTHS[month], found, expected)
