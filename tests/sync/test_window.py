"""The changed-since window on a real SQLite file: look-back before the cursor until it settles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ecom_ledger_desktop.db.cursors_repo import Cursor
from ecom_ledger_desktop.sync import window
from tests.db.test_journal import make_state

LOOK_BACK = timedelta(minutes=5)
STAMP = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)  # the shop's updated_at clock
START = date(2026, 1, 1)


def test_the_window_settles_on_the_cursor_only_after_a_read_a_look_back_later(
        tmp_path: Path) -> None:
    state, pair = make_state(tmp_path / "db.sqlite3")
    cursors = state.cursors
    # the start day begins at its midnight in the easternmost zone (UTC+14): the store's day,
    # wherever the store is, not UTC's
    assert window.window_start(cursors, pair, "orders", START, LOOK_BACK) == datetime(
        2025, 12, 31, 10, tzinfo=UTC)
    # this computer's clock is an hour off the shop's: only its own differences count
    ours = STAMP + timedelta(hours=1)
    with state.tx():
        cursors.set(pair, "orders", Cursor(STAMP, ["7"]))
        window.read_in_full(cursors, pair, "orders", ours, ours + timedelta(seconds=2), LOOK_BACK)
    assert window.window_start(cursors, pair, "orders", START, LOOK_BACK) == STAMP - LOOK_BACK
    with state.tx():  # a read that began too soon settles nothing
        window.read_in_full(cursors, pair, "orders", ours + timedelta(minutes=4),
                            ours + timedelta(minutes=4, seconds=1), LOOK_BACK)
    assert window.window_start(cursors, pair, "orders", START, LOOK_BACK) == STAMP - LOOK_BACK
    with state.tx():
        window.read_in_full(cursors, pair, "orders", ours + timedelta(minutes=6),
                            ours + timedelta(minutes=6, seconds=1), LOOK_BACK)
    assert window.window_start(cursors, pair, "orders", START, LOOK_BACK) == (
        STAMP + timedelta(seconds=1)), "settled: the read starts after the cursor's second"
    with state.tx():  # a newer row: look back from it again
        cursors.set(pair, "orders", Cursor(STAMP + timedelta(seconds=1), ["8"]))
    assert window.window_start(cursors, pair, "orders", START, LOOK_BACK) == (
        STAMP + timedelta(seconds=1) - LOOK_BACK)
    state.close()


def test_the_cursor_never_passes_the_later_now() -> None:
    ours = STAMP
    assert window.cursor_cap(ours, None) == ours
    assert window.cursor_cap(ours, ours + timedelta(minutes=10)) == ours + timedelta(minutes=10)
    assert window.cursor_cap(ours, ours - timedelta(minutes=10)) == ours
