"""A month of summary posting into FreshBooks (Magento → FreshBooks simulators): orders with
tax, coupons, shipping and two payment methods, refunds on their own day and later, posted as
daily summaries (and per day and payment method); the month-end audit read from FreshBooks' own
reports (invoice totals, tax collected, revenue, payments by method) equals the shop's to the
cent, the reconciliation agrees, and undoing one order of a day or a whole day's summary (then
posting it again) keeps the books equal to what is in them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.undo_run import post_again, undo
from tests.connectors.freshbooks.bench import ZONE, FreshBench, open_bench, order, rules, utc

D = Decimal
NOV = (date(2026, 11, 1), date(2026, 11, 30))
METHODS = {"braintree": "VISA", "checkmo": "Check"}
#: (store-local placed at, payment method, changes): a month of a small shop
ORDERS: list[tuple[str, str, dict[str, Any]]] = [
    ("2026-11-02 09:00", "braintree", {}),
    ("2026-11-02 17:30", "checkmo", {"discount": "5.00", "coupon_code": "FIVE"}),
    ("2026-11-05 11:00", "braintree", {"shipping": "0.00"}),
    ("2026-11-05 23:40", "braintree", {}),  # late in the store's day (already the 6th in UTC)
    ("2026-11-09 10:15", "checkmo", {}),
    ("2026-11-12 14:00", "braintree", {"discount": "10.00", "coupon_code": "SAVE10"}),
    ("2026-11-12 15:00", "checkmo", {}),
    ("2026-11-20 08:00", "braintree", {}),
    ("2026-11-27 19:00", "braintree", {"shipping": "12.50"}),
    ("2026-11-30 12:00", "checkmo", {}),
]
#: (order index, store-local refunded at, the credit memo)
REFUNDS = [(0, "2026-11-02 20:00", {"lines": [{"sku": "WB-BOTTLE", "qty": 1,
                                               "back_to_stock": True}], "shipping": 0}),
           (5, "2026-11-16 10:00", {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1,
                                               "back_to_stock": True}], "shipping": 0})]


def _local_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC).astimezone(ZoneInfo(ZONE)).date()


def _place(bench: FreshBench) -> tuple[list[str], list[str]]:
    store = bench.store
    ids = [store.add_order(order(created_at=utc(when), payment_method=method, **changes))
           for when, method, changes in ORDERS]
    memos = [store.state.refund_order(ids[n], spec, now=utc(when)) for n, when, spec in REFUNDS]
    return ids, memos


def _shop(bench: FreshBench, ids: list[str], memos: list[str]) -> dict[str, Any]:
    """The month as the shop has it: totals, tax, revenue, money in per method, per day."""
    store, out = bench.store, {"total": D(0), "tax": D(0), "refunds": D(0), "refund_tax": D(0),
                               "methods": defaultdict(D), "days": defaultdict(D)}
    for oid in ids:
        placed = store.order_json(oid)
        total, tax = D(str(placed["grand_total"])), D(str(placed["tax_amount"]))
        out["total"] += total
        out["tax"] += tax
        out["methods"][METHODS[placed["payment"]["method"]]] += total
        out["days"][_local_day(placed["created_at"])] += total
    for memo_id in memos:
        memo = store.state.creditmemos[memo_id]
        out["refunds"] += D(str(memo["grand_total"]))
        out["refund_tax"] += D(str(memo["tax_amount"]))
    return out


def _books(bench: FreshBench) -> dict[str, Any]:
    reports = bench.ledger.reports
    invoices = [i for i in bench.live("invoices")
                if NOV[0] <= date.fromisoformat(i["create_date"]) <= NOV[1]]
    return {"total": sum((D(i["amount"]["amount"]) for i in invoices), D(0)),
            "refunds": sum((D(c["amount"]["amount"]) for c in bench.live("credit_notes")), D(0)),
            "tax": sum(reports.tax_collected(*NOV, "USD").values(), D(0)),
            "revenue": reports.revenue(*NOV, "USD"),
            "methods": reports.payments_by_method(*NOV, "USD"),
            "owed": reports.open_receivables(as_of=NOV[1]),
            "invoices": invoices}


def _audit(bench: FreshBench, shop: dict[str, Any], by_method: bool) -> None:
    books = _books(bench)
    assert books["total"] == shop["total"]
    assert books["refunds"] == shop["refunds"]
    assert books["tax"] == shop["tax"] - shop["refund_tax"]
    assert books["revenue"] == (shop["total"] - shop["tax"]) - (shop["refunds"]
                                                                 - shop["refund_tax"])
    assert books["owed"] == [], "every summary is paid"
    assert sum(books["methods"].values(), D(0)) == shop["total"]
    if by_method:  # each day's deposits per method are what the provider pays out
        assert books["methods"] == {k: v for k, v in shop["methods"].items() if v}
    per_day: dict[date, Decimal] = defaultdict(D)
    for invoice in books["invoices"]:
        assert invoice["invoice_number"].startswith("S26")
        per_day[date.fromisoformat(invoice["create_date"])] += D(invoice["amount"]["amount"])
    assert per_day == {day: total for day, total in shop["days"].items() if total}


def _reconciled(bench: FreshBench) -> None:
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30, end=NOV[1])
    assert result.reconciled, [(line.key, [(f.reason, f.record) for f in line.findings])
                               for line in result.differing()]


@pytest.mark.parametrize(("mode", "lines"), [("daily_summary", "item"),
                                             ("daily_summary_by_method", "item"),
                                             ("daily_summary", "income")])
def test_a_month_of_daily_summaries_audits_and_reconciles_to_the_cent(
        tmp_path: Path, mode: str, lines: str) -> None:
    summary_rules = rules().switch_mode(mode, None).model_copy(  # type: ignore[arg-type]
        update={"summary_lines": lines})
    with open_bench(tmp_path, pair_rules=summary_rules) as bench:
        ids, memos = _place(bench)
        bench.service.clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
        result = bench.sync()
        assert result.status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        shop = _shop(bench, ids, memos)
        _audit(bench, shop, mode == "daily_summary_by_method")
        if lines == "income":  # FreshBooks items have no income account: a line per tax treatment
            for invoice in bench.live("invoices"):
                sales = [line for line in invoice["lines"]
                         if line["name"] == summary_rules.standard_item]
                assert 1 <= len(sales) <= 2 and len({str(line.get("taxName1") or "")
                                                      for line in sales}) == len(sales), sales
        _reconciled(bench)
        assert bench.sync().posted == 0

        # undo one order of a day: the day's summary is updated to the others
        late = bench.store.order_json(ids[3])["increment_id"]  # 5 Nov, with ids[2]
        plan, done = undo(bench.service, bench.pair_id, orders=[late])
        assert done is not None and not done.refused and not done.waiting, done.lines()
        assert plan.summaries and "taken out" in plan.summaries[0].label
        _audit(bench, _shop(bench, [i for i in ids if i != ids[3]], memos),
               mode == "daily_summary_by_method")
        assert post_again(bench.service, bench.pair_id, [late]) == {late: "posted"}
        _audit(bench, shop, mode == "daily_summary_by_method")
        _reconciled(bench)
        assert bench.sync().posted == 0


def test_undoing_a_days_summary_takes_the_day_out_and_posting_it_again_puts_it_back(
        tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules().switch_mode("daily_summary", None)) as bench:
        ids, memos = _place(bench)
        # 21:00 on 30 Nov in the store: every day but the last is closed
        bench.service.clock = ManualClock(datetime(2026, 12, 1, 2, tzinfo=UTC))
        assert bench.sync().status == "ok"
        bench.service.clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
        last = bench.sync()
        assert last.status == "ok" and last.posted == 1, "the last day's summary alone"
        shop = _shop(bench, ids, memos)
        _audit(bench, shop, False)
        [summary] = [i for i in bench.live("invoices") if i["create_date"] == "2026-11-30"]

        plan, done = undo(bench.service, bench.pair_id, run_id=last.run_id)
        assert done is not None and done.undone and not done.refused, done.lines()
        assert [step.doc_number for step in plan.steps] == [summary["invoice_number"]]
        assert not any(i["create_date"] == "2026-11-30" for i in bench.live("invoices"))
        _audit(bench, _shop(bench, ids[:-1], memos), False)
        assert bench.sync().posted == 0, "an undone day is not posted again by itself"

        outcome = post_again(bench.service, bench.pair_id, [summary["invoice_number"]])
        assert outcome == {summary["invoice_number"]: "posted"}, outcome
        _audit(bench, shop, False)
        _reconciled(bench)
        assert bench.sync().posted == 0


def test_a_switch_from_per_order_to_summaries_counts_every_order_once(tmp_path: Path) -> None:
    cut_over = date(2026, 11, 12)
    with open_bench(tmp_path) as bench:
        store = bench.store
        early = [store.add_order(order(created_at=utc(when), payment_method=method, **changes))
                 for when, method, changes in ORDERS if date.fromisoformat(when[:10]) < cut_over]
        bench.service.clock = ManualClock(datetime(2026, 11, 11, 12, tzinfo=UTC))
        assert bench.sync().status == "ok"
        state_rules = rules().switch_mode("daily_summary", cut_over)
        from ecom_ledger_desktop.db.state import State

        state = State(bench.db_path)
        try:
            with state.tx():
                state.connections.save_rules(bench.pair_id, state_rules)
        finally:
            state.close()
        later = [store.add_order(order(created_at=utc(when), payment_method=method, **changes))
                 for when, method, changes in ORDERS if date.fromisoformat(when[:10]) >= cut_over]
        straggler = store.add_order(order(created_at=utc("2026-11-10 16:00")))  # arrives late
        ids = [*early, *later, straggler]
        memos = [store.state.refund_order(ids[n], spec, now=utc(when))
                 for n, when, spec in REFUNDS]
        bench.service.clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
        assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        assert bench.open_errors() == []

        shop, books = _shop(bench, ids, memos), _books(bench)
        numbers = {store.order_json(i)["increment_id"]: i for i in ids}
        invoices = {i["invoice_number"]: i for i in books["invoices"]}
        for number, oid in numbers.items():
            day = _local_day(store.order_json(oid)["created_at"])
            assert (number in invoices) == (day < cut_over), (number, day)
        summaries = sorted(i["create_date"] for n, i in invoices.items() if n.startswith("S26"))
        assert summaries == ["2026-11-12", "2026-11-20", "2026-11-27", "2026-11-30"]
        assert books["total"] == shop["total"] and books["refunds"] == shop["refunds"]
        assert books["tax"] == shop["tax"] - shop["refund_tax"]
        assert sum(books["methods"].values(), D(0)) == shop["total"]
        _reconciled(bench)
        assert bench.sync().posted == 0


def test_undoing_a_summarised_order_takes_its_refund_out_of_its_days_credit_too(
        tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules().switch_mode("daily_summary", None)) as bench:
        ids, memos = _place(bench)
        bench.service.clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
        assert bench.sync().status == "ok"
        shop = _shop(bench, ids, memos)
        refunded = bench.store.order_json(ids[5])["increment_id"]  # 12 Nov, refunded 16 Nov
        plan, done = undo(bench.service, bench.pair_id, orders=[refunded])
        assert done is not None and not done.refused and not done.waiting, done.lines()
        assert len(plan.summaries) == 2, plan.lines()  # its day's sale and its refund's credit
        assert [c["create_date"] for c in bench.live("credit_notes")] == ["2026-11-02"]
        _audit(bench, _shop(bench, [i for i in ids if i != ids[5]], memos[:1]), False)

        assert post_again(bench.service, bench.pair_id, [refunded]) == {refunded: "posted"}
        assert bench.sync().status == "ok"  # its refund is read again and goes into its day
        assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
        _audit(bench, shop, False)
        _reconciled(bench)
        assert bench.sync().posted == 0
