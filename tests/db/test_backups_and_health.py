"""Daily copies of the database, restoring one, and telling damage apart from other errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecom_ledger_desktop.db.backups import (
    KEEP_DAILY,
    RestoreError,
    check_file,
    list_backups,
    make_daily_backup,
    restore,
)
from ecom_ledger_desktop.db.connection import connect
from ecom_ledger_desktop.db.health import is_damaged, is_unwritable, storage_problem

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _db(tmp_path: Path) -> tuple[sqlite3.Connection, Path]:
    path = tmp_path / "ledger-sync.sqlite3"
    conn = connect(path)
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('shop', 'magento2', 'x')")
    return conn, path


def test_one_copy_a_day_the_newest_three_kept(tmp_path: Path) -> None:
    conn, path = _db(tmp_path)
    assert make_daily_backup(conn, path, T0) is not None
    assert make_daily_backup(conn, path, T0 + timedelta(hours=23)) is None, "not a day yet"
    for day in range(1, 5):
        assert make_daily_backup(conn, path, T0 + timedelta(days=day)) is not None
    daily = [b for b in list_backups(path) if b.kind == "daily"]
    assert len(daily) == KEEP_DAILY
    assert daily[0].made_at == T0 + timedelta(days=4)
    assert all(check_file(b.path) == "ok" for b in daily)


def test_a_damaged_database_never_replaces_a_good_copy(tmp_path: Path) -> None:
    conn, path = _db(tmp_path)
    assert make_daily_backup(conn, path, T0) is not None
    conn.close()
    _damage(path, "connections")
    damaged = sqlite3.connect(path)
    assert make_daily_backup(damaged, path, T0 + timedelta(days=2)) is None
    assert len(list_backups(path)) == 1


def test_restore_puts_the_copy_back_and_keeps_the_damaged_files(tmp_path: Path) -> None:
    conn, path = _db(tmp_path)
    copy = make_daily_backup(conn, path, T0)
    assert copy is not None
    conn.close()
    path.write_bytes(b"garbage" * 1000)
    Path(f"{path}-wal").write_bytes(b"stale wal of the damaged file")
    aside = restore(path, copy, T0 + timedelta(days=1))
    assert not Path(f"{path}-wal").exists(), "a stale WAL would be replayed into the copy"
    assert (aside / f"{path.name}-wal").read_bytes() == b"stale wal of the damaged file"
    assert (aside / path.name).read_bytes() == b"garbage" * 1000
    assert check_file(path) == "ok"
    reopened = connect(path)
    assert reopened.execute("SELECT name FROM connections").fetchone()[0] == "shop"


def test_a_damaged_copy_is_not_restored(tmp_path: Path) -> None:
    conn, path = _db(tmp_path)
    copy = make_daily_backup(conn, path, T0)
    assert copy is not None
    copy.write_bytes(b"not a database" * 100)
    with pytest.raises(RestoreError, match="damaged too"):
        restore(path, copy, T0)
    assert check_file(path) == "ok", "the database was left alone"


def _damage(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as raw:
        raw.seek((root - 1) * page_size)
        raw.write(bytes([0x0D, 0xFF, 0xFF, 0xFF]) + bytes(range(256)) * (page_size // 256 - 1))


def _error(action) -> sqlite3.DatabaseError:  # type: ignore[no-untyped-def]
    with pytest.raises(sqlite3.DatabaseError) as caught:
        action()
    return caught.value


def test_real_sqlite_errors_are_told_apart(tmp_path: Path) -> None:
    conn, path = _db(tmp_path)
    conn.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"x" * 4096)
    not_a_db = _error(lambda: sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master"))
    read_only = _error(lambda: sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True).execute(
        "DELETE FROM connections"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    locked = _error(lambda: sqlite3.connect(path, timeout=0).execute("BEGIN IMMEDIATE"))
    holder.execute("ROLLBACK")
    holder.close()
    _damage(path, "connections")
    malformed = _error(lambda: sqlite3.connect(path).execute("SELECT * FROM connections"
                                                             ).fetchall())

    assert is_damaged(not_a_db) and is_damaged(malformed)
    assert is_unwritable(read_only) and not is_damaged(read_only)
    assert not is_damaged(locked) and not is_unwritable(locked), \
        "a busy database is waited for, not called damaged"
    assert storage_problem(locked, path) is None
    message = storage_problem(malformed, path)
    assert message is not None and "damaged" in message and "Nothing was lost" not in message
