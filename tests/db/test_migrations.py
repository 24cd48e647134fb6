"""Schema migrations: numbered, one transaction each, a backup before upgrading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ecom_ledger_desktop.db.connection import connect
from ecom_ledger_desktop.db.migrations import MIGRATIONS, current_version, migrate

EXPECTED_TABLES = {"connections", "pairs", "cursors", "sku_mappings", "customer_mappings",
                   "store_records", "postings", "error_queue", "runs", "audit_log", "pair_locks"}


def test_new_database_gets_every_table_and_wal(tmp_path: Path) -> None:
    conn = connect(tmp_path / "state.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= EXPECTED_TABLES
    assert current_version(conn) == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_1_creates_unique_posting_keys(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m1.sqlite3", isolation_level=None)
    migrate(conn, tmp_path / "m1.sqlite3", MIGRATIONS[:1])
    columns = {r[1] for r in conn.execute("PRAGMA table_info(postings)")}
    assert {"posting_key", "state", "request_id", "ledger_id", "payload"} <= columns
    indexes = [r for r in conn.execute("PRAGMA index_list(postings)") if r[2] == 1]
    assert indexes, "posting_key must be unique so a posting can be journaled only once"


def test_upgrade_copies_the_file_first_and_failed_step_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:1])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('shop', 'magento2', 'x')")

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(conn, path, [*MIGRATIONS[:1], broken])
    assert current_version(conn) == 1
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchone()
    backup = tmp_path / "state.sqlite3.v1.bak"
    assert backup.exists()
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT name FROM connections").fetchone()[0] == "shop"


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(RuntimeError, match="newer version"):
        connect(path)


def test_migration_2_adds_remembered_ledger_ids_and_keeps_existing_data(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:1])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('books', 'qbo', 'x')")
    migrate(conn, path, MIGRATIONS[:2])
    assert current_version(conn) == 2
    conn.execute("INSERT INTO ledger_refs (ledger_connection_id, kind, key, ledger_id, updated_at) "
                 "VALUES (1, 'customer', 'email:a@b.c', '58', 'x')")
    assert conn.execute("SELECT name FROM connections").fetchone()[0] == "books"
    assert (tmp_path / "state.sqlite3.v1.bak").exists()


def test_migrations_3_and_4_add_run_columns_and_keep_the_history(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn, path, MIGRATIONS[:2])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('shop', 'magento2', 'x')")
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('books', 'qbo', 'x')")
    conn.execute("INSERT INTO pairs (name, store_id, ledger_id, rules, created_at) "
                 "VALUES ('p', 1, 2, '{}', 'x')")
    conn.execute("INSERT INTO runs (pair_id, trigger, status, started_at, skipped) "
                 "VALUES (1, 'manual', 'ok', 'x', 7)")
    migrate(conn, path, MIGRATIONS[:4])
    assert current_version(conn) == 4
    run = conn.execute("SELECT * FROM runs").fetchone()
    assert (run["skipped"], run["awaiting_payment"], run["pid_started"]) == (7, 0, None)
    assert "pid_started" in {r["name"] for r in conn.execute("PRAGMA table_info(pair_locks)")}
    assert (tmp_path / "state.sqlite3.v2.bak").exists()


def test_migration_5_keeps_chosen_ledger_names_and_presence_per_connection(tmp_path: Path) -> None:
    from ecom_ledger_desktop.core.clock import ManualClock
    from ecom_ledger_desktop.db.ledger_names_repo import ChosenName, LedgerNamesRepo

    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn, path, MIGRATIONS[:4])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('books', 'qbd', 'x')")
    migrate(conn, path, MIGRATIONS[:5])
    assert current_version(conn) == 5
    names = LedgerNamesRepo(conn, ManualClock())
    names.choose(1, "customer", "email:j@x.com", "Jordan Rivera ~K3F2")
    names.choose(1, "customer", "email:j@x.com", "Jordan Rivera ~K3F2", "80000001-1")
    names.choose(1, "customer", "email:j@x.com", "Jordan Rivera ~K3F2")  # the id is kept
    assert names.get(1, "customer", "email:j@x.com") == ChosenName("Jordan Rivera ~K3F2",
                                                                     "80000001-1")
    names.keep_presence(1, {"last_contact": "2026-12-07T01:00:00+00:00"})
    assert names.presence(1)["last_contact"].startswith("2026-12-07")
    conn.execute("PRAGMA foreign_keys = ON")  # as db.connection opens every connection
    conn.execute("DELETE FROM connections")  # removing the connection removes what it kept
    assert names.get(1, "customer", "email:j@x.com") is None and names.presence(1) == {}
    assert (tmp_path / "state.sqlite3.v4.bak").exists()


def test_migration_6_adds_approvals_removed_with_their_pair(tmp_path: Path) -> None:
    from ecom_ledger_desktop.core.clock import ManualClock
    from ecom_ledger_desktop.db.approvals_repo import ApprovalsRepo

    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn, path, MIGRATIONS[:5])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('shop', 'm', 'x')")
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('books', 'q', 'x')")
    conn.execute("INSERT INTO pairs (name, store_id, ledger_id, rules, created_at) "
                 "VALUES ('p', 1, 2, '{}', 'x')")
    migrate(conn, path, MIGRATIONS[:6])
    assert current_version(conn) == 6
    approvals = ApprovalsRepo(conn, ManualClock())
    assert approvals.approve(1, ["1:order:7:sale", "1:order:8:sale"]) == 2
    assert approvals.approve(1, ["1:order:7:sale"]) == 0  # again is harmless
    assert approvals.approved(1) == {"1:order:7:sale", "1:order:8:sale"}
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM pairs")
    assert approvals.approved(1) == set()


def test_migration_7_keeps_a_ledger_copy_removed_with_its_connection(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from ecom_ledger_desktop.core.clock import ManualClock
    from ecom_ledger_desktop.db.ledger_copy_repo import (
        CopiedDocument,
        CopiedListEntry,
        CopyChanges,
        LedgerCopyRepo,
    )

    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn, path, MIGRATIONS[:6])
    conn.execute("INSERT INTO connections (name, kind, created_at) VALUES ('books', 'qbd', 'x')")
    migrate(conn, path, MIGRATIONS[:7])
    assert current_version(conn) == 7
    clock = ManualClock(datetime(2026, 12, 7, 14, 2, tzinfo=UTC))
    copy = LedgerCopyRepo(conn, clock)
    copy.want(1, date(2026, 9, 1))
    copy.want(1, date(2026, 10, 1))  # the earliest day asked is kept
    assert copy.status(1).wanted_from == date(2026, 9, 1)
    day = date(2026, 12, 7)
    copy.apply(1, CopyChanges(
        [CopiedDocument("T1", "sales_receipt", day, "1001", "Jane", Decimal("10.05"),
                        Decimal("0.75"), "USD")], [],
        [CopiedListEntry("L1", "customer", "Customer", "Zoë", "Zoë", email="z@x.com")], [],
        "2026-12-07T06:02:00-08:00", date(2026, 9, 8)), clock.now() - timedelta(seconds=1))
    status = copy.status(1)
    assert status.read_at == clock.now() and status.high_water == "2026-12-07T06:02:00-08:00"
    assert status.wanted_at is not None, "asked after the read began: still wanted"
    assert copy.documents_between(1, day, day)[0].total == Decimal("10.05")
    assert copy.named(1, "customer", ["ZOË"])[0].email == "z@x.com"
    copy.apply(1, CopyChanges([], ["T1"], [], ["L1"], None, None), clock.now())
    assert copy.status(1).wanted_at is None and copy.status(1).covered_from == date(2026, 9, 8)
    assert copy.documents_between(1, day, day) == [] and copy.named(1, "customer", ["zoë"]) == []
    copy.apply(1, CopyChanges([CopiedDocument("T2", "invoice", day, total=Decimal("1"))], [], [],
                              [], None, None), clock.now())
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM connections")
    assert copy.status(1).read_at is None and copy.documents_between(1, day, day) == []


def test_migration_8_has_the_ledger_copy_read_afresh_with_its_pay_outs(tmp_path: Path) -> None:
    path = tmp_path / "m7.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:7])
    conn.execute("INSERT INTO connections (id, name, kind, created_at) "
                 "VALUES (1, 'books', 'qbd', 'x')")
    conn.execute("INSERT INTO ledger_copy_documents (ledger_connection_id, ledger_id, kind, "
                 "txn_date, total, tax) VALUES (1, 'T-1', 'refund', '2026-12-01', '5', '0')")
    conn.execute("INSERT INTO ledger_copy_lists (ledger_connection_id, list_id, list, kind, "
                 "name, full_name, folded) VALUES (1, 'L-1', 'customer', 'Customer', 'Jo', "
                 "'Jo', 'jo')")
    conn.execute("INSERT INTO ledger_copy_state (ledger_connection_id, read_at, high_water, "
                 "covered_from) VALUES (1, '2026-12-01T10:00:00+00:00', '2026-12-01T05:00:00', "
                 "'2026-09-01')")
    migrate(conn, path, MIGRATIONS[:8])
    assert conn.execute("SELECT COUNT(*) FROM ledger_copy_documents").fetchone()[0] == 0
    assert conn.execute("SELECT read_at, high_water, covered_from FROM ledger_copy_state"
                        ).fetchone() == (None, None, None), "the next visit reads it all afresh"
    assert conn.execute("SELECT COUNT(*) FROM ledger_copy_lists").fetchone()[0] == 1
