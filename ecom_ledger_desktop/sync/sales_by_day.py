"""Sales per day for the dashboard chart: by the order's (store-local) date, net of refunds.

Each order counts once, at the latest revision the books hold (posted), on its document date
(the store-local day the order was placed); a cancelled (voided) order counts nothing. A refund
nets off its order's day (the day the sale it reduces was made), or its own day when the order
is not in the journal. Amounts are in the store's base currency: a foreign-currency document
counts at the rate it was posted with. Money is summed as ``Decimal`` in Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from json import loads

from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.dashboard_queries import DayTotal

IN_BOOKS = ("posted", "in_summary")


def _base_amount(document: dict[str, object]) -> tuple[Decimal, str]:
    currency = str(document.get("currency") or "").upper()
    base = str(document.get("base_currency") or currency).upper()
    base_total = document.get("base_total")
    if base != currency and base_total is not None:
        return Decimal(str(base_total)), base
    return Decimal(str(document.get("total") or "0")), base


def sales_per_day(state: State, first_day: date, days: int,
                  pair_id: int | None = None) -> list[DayTotal]:
    """Net sales per order date for ``days`` days from ``first_day``; empty days are zeros."""
    clause, args = ("AND pair_id = ? ", (pair_id,)) if pair_id is not None else ("", ())
    rows = state.conn.execute(
        "SELECT pair_id, record_kind, source_id, op, state, payload, depends_on FROM postings "
        "WHERE record_kind IN ('order', 'refund') AND state NOT IN ('superseded', 'ignored') "
        "AND doc_kind != 'refund_payout' "  # a refund's money paid back is not a sale
        + clause + "ORDER BY id", args).fetchall()
    latest: dict[tuple[int, str, str], tuple[dict[str, object], str | None] | None] = {}
    for row in rows:
        key = (row["pair_id"], row["record_kind"], row["source_id"])
        # "in_summary": in a daily summary journaled for the books (summary posting)
        if row["op"] == "void" and row["state"] in IN_BOOKS:
            latest[key] = None  # cancelled in the books
        elif row["op"] in ("create", "update") and row["state"] in IN_BOOKS:
            latest[key] = (loads(row["payload"])["document"], row["depends_on"])
    order_day = {(pair, source): date.fromisoformat(str(found[0]["txn_date"]))
                 for (pair, kind, source), found in latest.items()
                 if kind == "order" and found is not None}
    orders: dict[date, int] = defaultdict(int)
    amounts: dict[date, Decimal] = defaultdict(Decimal)
    currencies: dict[date, set[str]] = defaultdict(set)
    for (pair, kind, _source), found in latest.items():
        if found is None:
            continue
        document, depends_on = found
        amount, currency = _base_amount(document)
        own_day = date.fromisoformat(str(document["txn_date"]))
        if kind == "order":
            day = own_day
            orders[day] += 1
        else:
            day = order_day.get((pair, depends_on or ""), own_day)
            amount = -amount
        amounts[day] += amount
        currencies[day].add(currency)
    span = [first_day + timedelta(days=n) for n in range(days)]
    return [DayTotal(day, orders[day], amounts[day],
                     next(iter(currencies[day])) if len(currencies[day]) == 1 else "")
            for day in span]
