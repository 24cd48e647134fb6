"""The dashboard chart's figures: sales by the order's (store-local) date, net of refunds, in the
store's base currency per day; never by the day a sync happened to post them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from json import dumps
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.sales_by_day import sales_per_day

T0 = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path):
    clock = ManualClock(T0)
    state = State(tmp_path / "db.sqlite3", clock)
    with state.tx():
        store = state.connections.add_connection(ConnectionConfig(name="shop", kind="magento2"))
        ledger = state.connections.add_connection(ConnectionConfig(name="books", kind="qbo"))
        pair = state.connections.add_pair("a", store, ledger,
                                          PostingRules(start_date=date(2026, 1, 1)))
    yield state, pair
    state.close()


def _doc(kind: str, day: date, total: str, currency: str = "USD",
         base_total: str | None = None) -> str:
    document = {"kind": kind, "doc_number": "1", "txn_date": day.isoformat(),
                "customer_key": "c", "currency": currency, "lines": [], "total": total,
                "base_currency": "USD", "base_total": base_total}
    return dumps({"document": document, "customer": {}, "items": []})


def _posted(state: State, pair: int, key: str, kind: str, day: date, total: str, *,
            record_kind: str = "order", source_id: str = "", op: str = "create",
            depends_on: str | None = None, target: str | None = None, **extra: str) -> None:
    with state.tx():
        state.journal.enqueue(pair_id=pair, posting_key=key, op=op, doc_kind=kind,
                              record_kind=record_kind, source_id=source_id or key,
                              record_number=key, revision="1",
                              payload=_doc(kind, day, total, **extra), amount=Decimal(total),
                              depends_on=depends_on, target_key=target)
        state.journal.mark_posted(key, "L" + key, None, None, Decimal(total))


def test_sales_count_on_the_orders_date_net_of_refunds_not_the_posting_day(db) -> None:
    state, pair = db
    # all posted "today" (T0, the 12th) by a catch-up sync; the orders are older
    _posted(state, pair, "o1", "sales_receipt", date(2026, 11, 10), "100.00")
    _posted(state, pair, "o2", "sales_receipt", date(2026, 11, 11), "50.00")
    _posted(state, pair, "o2u", "sales_receipt", date(2026, 11, 11), "60.00", op="update",
            source_id="o2", target="o2")  # edited: counts once, at its latest figure
    _posted(state, pair, "r1", "refund_receipt", date(2026, 11, 12), "30.00",
            record_kind="refund", depends_on="o1")  # refunded later: nets off the order's day
    _posted(state, pair, "o3", "sales_receipt", date(2026, 11, 11), "10.00", currency="EUR",
            base_total="11.00")  # counted in the store's currency at the posted rate

    days = sales_per_day(state, date(2026, 11, 10), 3)

    assert [(d.day, d.orders, d.amount, d.currency) for d in days] == [
        (date(2026, 11, 10), 1, Decimal("70.00"), "USD"),
        (date(2026, 11, 11), 2, Decimal("71.00"), "USD"),
        (date(2026, 11, 12), 0, Decimal("0"), ""),
    ]
