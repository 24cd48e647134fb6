"""Read-only questions the dashboard and the tray ask of the database.

Plain SQL over ``State``; nothing here writes. Money is summed as ``Decimal`` in Python (SQLite
would sum the text amounts as floats), so the dashboard's totals equal the journal to the cent.
Days are calendar days in the merchant's time zone, given as a fixed UTC offset for the period
asked about (good enough for a 14-day chart; a DST change moves at most an hour's postings).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from ecom_ledger_desktop.db._common import iso
from ecom_ledger_desktop.db.runs_repo import RunRow, run_row
from ecom_ledger_desktop.db.state import State

WAITING_STATES = ("queued", "sending")


@dataclass(frozen=True)
class Activity:
    """What happened since a moment: distinct records posted and records flagged."""

    posted: int
    flagged: int


@dataclass(frozen=True)
class DayTotal:
    """Orders posted on one local calendar day and their amount in the store's base currency
    (an order in another currency counts at the store's own rate)."""

    day: date
    orders: int
    amount: Decimal
    currency: str = ""  # the base currency of the day's orders; "" when none or several


def _where_pair(pair_id: int | None, column: str = "pair_id") -> tuple[str, tuple[int, ...]]:
    return (f" AND {column} = ?", (pair_id,)) if pair_id is not None else ("", ())


def last_runs(state: State) -> dict[int, RunRow]:
    """The latest run (of any status) of every pair that has run, by pair id."""
    rows = state.conn.execute(
        "SELECT r.* FROM runs r JOIN (SELECT pair_id, MAX(id) AS id FROM runs GROUP BY pair_id) "
        "latest ON latest.id = r.id").fetchall()
    return {row["pair_id"]: run_row(row) for row in rows}


def last_finished_at(state: State, pair_id: int | None = None) -> datetime | None:
    """When the latest completed run (ok, flagged or failed) ended."""
    clause, args = _where_pair(pair_id)
    row = state.conn.execute(
        "SELECT MAX(finished_at) FROM runs WHERE status IN ('ok', 'flagged', 'failed')"
        + clause, args).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def activity_since(state: State, since: datetime, pair_id: int | None = None) -> Activity:
    """Records posted (distinct store records with a posting confirmed) and flagged since ``since``."""
    clause, args = _where_pair(pair_id)
    posted = state.conn.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT pair_id, record_kind, source_id FROM postings "
        "WHERE state = 'posted' AND posted_at >= ?" + clause + ")", (iso(since), *args)
    ).fetchone()[0]
    flagged = state.conn.execute(
        "SELECT COUNT(*) FROM error_queue WHERE created_at >= ?" + clause, (iso(since), *args)
    ).fetchone()[0]
    return Activity(int(posted), int(flagged))


def posted_per_day(state: State, first_day: date, days: int, utc_offset: timedelta,
                   pair_id: int | None = None) -> list[DayTotal]:
    """Orders posted per local day for ``days`` days from ``first_day``; empty days are zeros.

    Counts new sales documents only (``op = 'create'`` of an order): updates, voids and later
    payments of the same order would otherwise count it twice.
    """
    start = datetime.combine(first_day, time(), tzinfo=UTC) - utc_offset
    modifier = f"{int(utc_offset.total_seconds()) // 60:+d} minutes"
    clause, args = _where_pair(pair_id)
    rows = state.conn.execute(
        "SELECT date(posted_at, ?) AS day, amount, "
        "json_extract(payload, '$.document.currency') AS currency, "
        "json_extract(payload, '$.document.base_currency') AS base_currency, "
        "json_extract(payload, '$.document.base_total') AS base_total "
        "FROM postings WHERE state = 'posted' "
        "AND op = 'create' AND record_kind = 'order' AND posted_at >= ?" + clause,
        (modifier, iso(start), *args)).fetchall()
    orders: dict[date, int] = defaultdict(int)
    amounts: dict[date, Decimal] = defaultdict(Decimal)
    currencies: dict[date, set[str]] = defaultdict(set)
    for row in rows:
        day = date.fromisoformat(row["day"])
        orders[day] += 1
        base = str(row["base_currency"] or row["currency"] or "")
        foreign = row["base_total"] is not None and base != (row["currency"] or base)
        amounts[day] += Decimal(str(row["base_total"] if foreign else row["amount"] or "0"))
        currencies[day].add(base.upper())
    span = [first_day + timedelta(days=n) for n in range(days)]
    return [DayTotal(day, orders[day], amounts[day],
                     next(iter(currencies[day])) if len(currencies[day]) == 1 else "")
            for day in span]


def open_error_count(state: State, pair_id: int | None = None) -> int:
    """Records waiting for a person in the error queue."""
    return state.errors.open_count(pair_id)


def waiting_count(state: State, pair_id: int | None = None) -> int:
    """Postings journaled but not yet confirmed by the ledger (they go out on the next run)."""
    clause, args = _where_pair(pair_id)
    placeholders = ", ".join("?" for _ in WAITING_STATES)
    row = state.conn.execute(
        f"SELECT COUNT(*) FROM postings WHERE state IN ({placeholders})" + clause,
        (*WAITING_STATES, *args)).fetchone()
    return int(row[0])


def connections_needing_attention(state: State) -> list[tuple[str, str, str]]:
    """(name, status, message) of every connection that is not ok (e.g. needs re-authorising)."""
    rows = state.conn.execute(
        "SELECT name, status, status_message FROM connections WHERE status != 'ok' ORDER BY name"
    ).fetchall()
    return [(row["name"], row["status"], row["status_message"]) for row in rows]


def runs_after(state: State, run_id: int, limit: int = 100) -> list[RunRow]:
    """Runs with an id above ``run_id``, oldest first (how the app learns of every finished run,
    including runs that failed before they could publish an event and runs of other processes)."""
    rows = state.conn.execute("SELECT * FROM runs WHERE id > ? ORDER BY id LIMIT ?",
                              (run_id, limit)).fetchall()
    return [run_row(row) for row in rows]


def latest_run_id(state: State, started_before: datetime | None = None) -> int:
    """The highest run id so far, or of runs started before a moment (0 when there is none)."""
    if started_before is None:
        return int(state.conn.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])
    return int(state.conn.execute("SELECT COALESCE(MAX(id), 0) FROM runs WHERE started_at < ?",
                                  (iso(started_before),)).fetchone()[0])


