"""The dashboard's read-only queries, against a real database (no Qt)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import RecordProblem
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync import dashboard_queries as q

T0 = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path):
    clock = ManualClock(T0)
    state = State(tmp_path / "db.sqlite3", clock)
    with state.tx():
        store = state.connections.add_connection(ConnectionConfig(name="shop", kind="magento2"))
        ledger = state.connections.add_connection(ConnectionConfig(name="books", kind="qbo"))
        first = state.connections.add_pair("a", store, ledger, PostingRules(start_date=date(2026, 1, 1)))
        second = state.connections.add_pair("b", store, ledger, PostingRules(start_date=date(2026, 1, 1)))
    yield state, clock, first, second
    state.close()


def _post(state: State, pair_id: int, key: str, amount: str, *, op: str = "create",
          record_kind: str = "order", source_id: str | None = None, post: bool = True) -> None:
    with state.tx():
        state.journal.enqueue(pair_id=pair_id, posting_key=key, op=op, doc_kind="sales_receipt",
                              record_kind=record_kind, source_id=source_id or key,
                              record_number=key, revision="1", payload="{}",
                              amount=Decimal(amount))
        if post:
            state.journal.mark_posted(key, "L" + key, None, None, Decimal(amount))


def test_posted_per_day_sums_decimals_and_fills_empty_days(db) -> None:
    state, clock, pair, _ = db
    _post(state, pair, "o1", "0.10")
    _post(state, pair, "o2", "0.20")
    _post(state, pair, "o2-update", "0.20", op="update", source_id="o2")  # not a second sale
    _post(state, pair, "r1", "5.00", record_kind="refund")  # refunds are not sales
    _post(state, pair, "o3", "9.99", post=False)  # queued, not posted
    clock.advance(86400)
    _post(state, pair, "o4", "12.34")

    days = q.posted_per_day(state, date(2026, 11, 9), 3, timedelta(0))

    assert [d.day for d in days] == [date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11)]
    assert [d.orders for d in days] == [0, 2, 1]
    assert days[1].amount == Decimal("0.30")  # a float sum would give 0.30000000000000004
    assert days[2].amount == Decimal("12.34")


def test_posted_per_day_uses_local_days(db) -> None:
    state, clock, pair, _ = db
    clock.set(datetime(2026, 11, 10, 23, 30, tzinfo=UTC))
    _post(state, pair, "late", "1.00")
    # 23:30 UTC is already the 11th two hours east of UTC
    east = q.posted_per_day(state, date(2026, 11, 10), 2, timedelta(hours=2))
    assert [d.orders for d in east] == [0, 1]
    west = q.posted_per_day(state, date(2026, 11, 10), 2, timedelta(hours=-5))
    assert [d.orders for d in west] == [1, 0]


def test_activity_since_counts_records_not_postings(db) -> None:
    state, clock, first, second = db
    _post(state, first, "old", "1.00")
    clock.advance(3600)
    since = clock.now()
    _post(state, first, "o1", "1.00")
    _post(state, first, "o1-upd", "1.00", op="update", source_id="o1")
    _post(state, second, "o2", "1.00")
    with state.tx():
        state.errors.flag(pair_id=second, record_kind="order", source_id="9", record_ref="#9",
                          problem=RecordProblem("unmapped_sku", "SKU X is not in QuickBooks"))

    assert q.activity_since(state, since) == q.Activity(posted=2, flagged=1)
    assert q.activity_since(state, since, first) == q.Activity(posted=1, flagged=0)
    assert q.open_error_count(state) == 1
    assert q.open_error_count(state, first) == 0


def test_last_runs_and_last_finished(db) -> None:
    state, clock, first, second = db
    assert q.last_runs(state) == {}
    assert q.last_finished_at(state) is None
    with state.tx():
        old = state.runs.start(first, "schedule")
        state.runs.finish(old, "ok", fetched=1, posted=1, flagged=0, skipped=0)
    clock.advance(60)
    with state.tx():
        state.runs.start(first, "schedule", status="skipped", message="skipped: asleep")
    runs = q.last_runs(state)
    assert set(runs) == {first}
    assert runs[first].status == "skipped"  # the latest row, whatever it says
    assert q.last_finished_at(state, first) == T0  # skips do not count as a sync
    assert q.last_finished_at(state, second) is None


def test_waiting_and_connections_needing_attention(db) -> None:
    state, _, pair, _ = db
    _post(state, pair, "q1", "1.00", post=False)
    _post(state, pair, "p1", "1.00")
    assert q.waiting_count(state) == 1
    assert q.connections_needing_attention(state) == []
    with state.tx():
        state.connections.set_connection_status(2, "needs_reauthorisation", "token revoked")
    assert q.connections_needing_attention(state) == [("books", "needs_reauthorisation",
                                                        "token revoked")]


def test_runs_after_sees_every_run_in_order(db) -> None:
    state, _, first, second = db
    assert q.latest_run_id(state) == 0
    with state.tx():
        a = state.runs.start(first, "schedule")
        b = state.runs.start(second, "manual", status="failed", message="no token")
    assert [r.id for r in q.runs_after(state, 0)] == [a, b]
    assert [r.status for r in q.runs_after(state, a)] == ["failed"]
    assert q.latest_run_id(state) == b
    assert q.latest_run_id(state, started_before=T0) == 0
    assert q.latest_run_id(state, started_before=T0 + timedelta(seconds=1)) == b
