"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

Each migration runs in one transaction; before migrating an existing database the file is copied
to ``<name>.v<old>.bak`` so an upgrade can always be undone by hand.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ecom_ledger_desktop.core.paths import private_file
from ecom_ledger_desktop.db.busy import begin_immediate

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(conn: sqlite3.Connection) -> None:

    for statement in _V1_SQL:
        conn.execute(statement)


_V1_SQL = [
    """CREATE TABLE connections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'ok',
        status_message TEXT NOT NULL DEFAULT '',
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        store_id INTEGER NOT NULL REFERENCES connections(id),
        ledger_id INTEGER NOT NULL REFERENCES connections(id),
        rules TEXT NOT NULL,
        schedule_minutes INTEGER NOT NULL DEFAULT 15,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE cursors (
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        stream TEXT NOT NULL,
        value TEXT NOT NULL,
        ids_at_value TEXT NOT NULL DEFAULT '[]',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, stream))""",
    """CREATE TABLE sku_mappings (
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        sku TEXT NOT NULL,
        ledger_item TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'user',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, sku))""",
    """CREATE TABLE customer_mappings (
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        customer_key TEXT NOT NULL,
        ledger_customer_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, customer_key))""",
    """CREATE TABLE store_records (
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        record_kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        updated_at TEXT,
        revision TEXT NOT NULL DEFAULT '',
        raw TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, record_kind, source_id))""",
    """CREATE TABLE postings (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        posting_key TEXT NOT NULL UNIQUE,
        op TEXT NOT NULL,
        doc_kind TEXT NOT NULL,
        record_kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        record_number TEXT NOT NULL DEFAULT '',
        revision TEXT NOT NULL DEFAULT '',
        payload TEXT NOT NULL,
        target_key TEXT,
        depends_on TEXT,
        state TEXT NOT NULL,
        request_id TEXT NOT NULL,
        amount TEXT,
        ledger_id TEXT,
        ledger_doc_number TEXT,
        ledger_sync_token TEXT,
        ledger_total TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        writeback_done INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        posted_at TEXT)""",
    "CREATE INDEX postings_by_state ON postings (pair_id, state, id)",
    "CREATE INDEX postings_by_record ON postings (pair_id, record_kind, source_id, id)",
    """CREATE TABLE error_queue (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        record_kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        record_ref TEXT NOT NULL DEFAULT '',
        posting_key TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        fixes TEXT NOT NULL DEFAULT '[]',
        raw TEXT,
        status TEXT NOT NULL DEFAULT 'open',
        resolution TEXT NOT NULL DEFAULT '',
        occurrences INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX error_queue_open ON error_queue (pair_id, status, record_kind, source_id)",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        fetched INTEGER NOT NULL DEFAULT 0,
        posted INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        pid INTEGER)""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        pair_id INTEGER,
        run_id INTEGER,
        record_kind TEXT,
        source_id TEXT,
        posting_key TEXT,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX audit_by_record ON audit_log (pair_id, record_kind, source_id, id)",
    """CREATE TABLE pair_locks (
        pair_id INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        acquired_at TEXT NOT NULL)""",
]

def _v2_ledger_refs(conn: sqlite3.Connection) -> None:
    """Remember the ledger ids of customers and items across runs (fewer lookups, same answers)."""
    conn.execute(
        """CREATE TABLE ledger_refs (
            ledger_connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            ledger_id TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (ledger_connection_id, kind, key))""")


def _v3_lock_holder_start(conn: sqlite3.Connection) -> None:
    """Name a lock's (and a run's) process by id *and* start time: ids are reused."""
    conn.execute("ALTER TABLE pair_locks ADD COLUMN pid_started TEXT")
    conn.execute("ALTER TABLE runs ADD COLUMN pid_started TEXT")


def _v4_runs_awaiting_payment(conn: sqlite3.Connection) -> None:
    """Count the unpaid orders a run left waiting for their money apart from those it skipped."""
    conn.execute("ALTER TABLE runs ADD COLUMN awaiting_payment INTEGER NOT NULL DEFAULT 0")


def _v5_ledger_names_and_presence(conn: sqlite3.Connection) -> None:
    """A pull ledger's own memory (QuickBooks Desktop): the list name chosen for each store
    customer and item (a shortened or de-duplicated name must stay the same forever) with its
    ListID, and what was last heard from the program that calls in (the Web Connector)."""
    conn.execute(
        """CREATE TABLE ledger_names (
            ledger_connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            list_id TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (ledger_connection_id, kind, key))""")
    conn.execute(
        """CREATE TABLE ledger_presence (
            ledger_connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
            facts TEXT NOT NULL,
            updated_at TEXT NOT NULL)""")


def _v6_approvals(conn: sqlite3.Connection) -> None:
    """Postings the merchant approved, for a pair whose runs hold for approval (the exact
    preview): an approved posting is sent by the next run; the others wait, held."""
    conn.execute(
        """CREATE TABLE approvals (
            posting_key TEXT PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            approved_at TEXT NOT NULL)""")
    conn.execute("CREATE INDEX approvals_pair ON approvals (pair_id)")


def _v7_ledger_copy(conn: sqlite3.Connection) -> None:
    """A copy of a ledger that is read only while it calls in (QuickBooks Desktop through the Web
    Connector), kept up to date at each of its visits so the reconciliation and the preview can
    answer between them: its sales documents, its customers and items, and the copy's state
    (when it was read, the ledger's own change cursor, the oldest day it covers, and whether a
    fresh read was asked for by any process)."""
    conn.execute(
        """CREATE TABLE ledger_copy_documents (
            ledger_connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            ledger_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            txn_date TEXT NOT NULL,
            number TEXT NOT NULL DEFAULT '',
            customer TEXT NOT NULL DEFAULT '',
            total TEXT NOT NULL,
            tax TEXT NOT NULL,
            currency TEXT NOT NULL DEFAULT '',
            memo TEXT NOT NULL DEFAULT '',
            voided INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (ledger_connection_id, ledger_id))""")
    conn.execute("CREATE INDEX ledger_copy_documents_day ON ledger_copy_documents "
                 "(ledger_connection_id, txn_date)")
    conn.execute(
        """CREATE TABLE ledger_copy_lists (
            ledger_connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            list_id TEXT NOT NULL,
            list TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            full_name TEXT NOT NULL,
            folded TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            email TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            part_number TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (ledger_connection_id, list_id))""")
    conn.execute("CREATE INDEX ledger_copy_lists_name ON ledger_copy_lists "
                 "(ledger_connection_id, list, folded)")
    conn.execute(
        """CREATE TABLE ledger_copy_state (
            ledger_connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
            read_at TEXT,
            high_water TEXT,
            covered_from TEXT,
            wanted_at TEXT,
            wanted_from TEXT)""")


def _v8_copy_reads_payouts(conn: sqlite3.Connection) -> None:
    """The ledger's copy now holds refunds' pay-outs too (QuickBooks Desktop's
    ``ARRefundCreditCard``), which the reconciliation checks are there: a copy read before holds
    none, so its documents go and the next visit reads the company afresh (its lists stay)."""
    conn.execute("DELETE FROM ledger_copy_documents")
    conn.execute("UPDATE ledger_copy_state SET read_at = NULL, high_water = NULL, "
                 "covered_from = NULL")


MIGRATIONS: list[Migration] = [_v1_initial, _v2_ledger_refs, _v3_lock_holder_start,
                               _v4_runs_awaiting_payment, _v5_ledger_names_and_presence,
                               _v6_approvals, _v7_ledger_copy, _v8_copy_reads_payouts]


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: Path | None = None,
            migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date; returns the new version.

    Refuses a database newer than this program (a downgrade would lose data).
    """
    steps = MIGRATIONS if migrations is None else migrations
    version = current_version(conn)
    target = len(steps)
    if version > target:
        raise RuntimeError(
            f"this database was written by a newer version (schema {version}, we know {target}); "
            "install the newer ecom-ledger-desktop again"
        )
    if version == target:
        return version
    if version > 0 and path is not None and path.exists():
        backup = path.with_name(f"{path.name}.v{version}.bak")
        log.info("backing up %s to %s before migrating", path, backup)
        target_conn = sqlite3.connect(str(private_file(backup)))
        try:
            conn.backup(target_conn)
        finally:
            target_conn.close()
    for number in range(version, target):
        begin_immediate(conn)
        try:
            if current_version(conn) > number:  # another connection migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            steps[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        log.info("database migrated to schema %d", number + 1)
    return target
