"""A copy of a ledger that is read only while it calls in (QuickBooks Desktop), for answering
between its visits: ``ledger_copy_documents``, ``ledger_copy_lists``, ``ledger_copy_state``
(migration 7). Amounts are kept as decimal text; names are matched case-insensitively
(``casefold``), as the ledger compares them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso, parse_iso


@dataclass(frozen=True)
class CopiedDocument:
    """A sales document as the ledger held it when last read."""

    ledger_id: str
    kind: str
    txn_date: date
    number: str = ""
    customer: str = ""
    total: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    currency: str = ""
    memo: str = ""
    voided: bool = False


@dataclass(frozen=True)
class CopiedListEntry:
    """A customer or item as the ledger held it when last read."""

    list_id: str
    list: str  # customer | item
    kind: str  # the ledger's own type (Customer, ItemInventory, ...)
    name: str
    full_name: str
    active: bool = True
    email: str = ""
    notes: str = ""
    part_number: str = ""


@dataclass(frozen=True)
class CopyStatus:
    """When the copy was read, the ledger's change cursor, the oldest day it covers, and a fresh
    read asked for (when, and back to which day)."""

    read_at: datetime | None = None
    high_water: str | None = None
    covered_from: date | None = None
    wanted_at: datetime | None = None
    wanted_from: date | None = None


@dataclass(frozen=True)
class CopyChanges:
    """What one read of the ledger brings: records to keep, ids deleted in the ledger, and the
    copy's new cursor and coverage."""

    documents: list[CopiedDocument]
    deleted_documents: list[str]
    entries: list[CopiedListEntry]
    deleted_entries: list[str]
    high_water: str | None
    covered_from: date | None


class LedgerCopyRepo:
    """The copy's tables for one database connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def status(self, connection_id: int) -> CopyStatus:
        """The copy's state (all None before its first read)."""
        row = self._conn.execute("SELECT * FROM ledger_copy_state WHERE ledger_connection_id = ?",
                                 (connection_id,)).fetchone()
        if row is None:
            return CopyStatus()
        return CopyStatus(
            parse_iso(row["read_at"]) if row["read_at"] else None, row["high_water"],
            date.fromisoformat(row["covered_from"]) if row["covered_from"] else None,
            parse_iso(row["wanted_at"]) if row["wanted_at"] else None,
            date.fromisoformat(row["wanted_from"]) if row["wanted_from"] else None)

    def want(self, connection_id: int, back_to: date | None = None) -> None:
        """Ask for a fresh read at the ledger's next visit (back to ``back_to`` when the copy
        does not reach that far); the earliest day asked is kept."""
        self._conn.execute(
            "INSERT INTO ledger_copy_state (ledger_connection_id, wanted_at, wanted_from) "
            "VALUES (?, ?, ?) ON CONFLICT (ledger_connection_id) DO UPDATE SET "
            "wanted_at = COALESCE(wanted_at, excluded.wanted_at), wanted_from = CASE "
            "WHEN excluded.wanted_from IS NULL THEN wanted_from WHEN wanted_from IS NULL "
            "OR excluded.wanted_from < wanted_from THEN excluded.wanted_from ELSE wanted_from END",
            (connection_id, iso(self._clock.now()),
             back_to.isoformat() if back_to else None))

    def apply(self, connection_id: int, changes: CopyChanges, started_at: datetime) -> None:
        """Keep one read's changes; a fresh read asked for before ``started_at`` is answered."""
        conn, cid = self._conn, connection_id
        conn.executemany(
            "INSERT OR REPLACE INTO ledger_copy_documents (ledger_connection_id, ledger_id, kind,"
            " txn_date, number, customer, total, tax, currency, memo, voided) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cid, d.ledger_id, d.kind, d.txn_date.isoformat(), d.number, d.customer,
              str(d.total), str(d.tax), d.currency, d.memo, int(d.voided))
             for d in changes.documents])
        conn.executemany("DELETE FROM ledger_copy_documents WHERE ledger_connection_id = ? AND "
                         "ledger_id = ?", [(cid, ident) for ident in changes.deleted_documents])
        conn.executemany(
            "INSERT OR REPLACE INTO ledger_copy_lists (ledger_connection_id, list_id, list, kind,"
            " name, full_name, folded, active, email, notes, part_number) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cid, e.list_id, e.list, e.kind, e.name, e.full_name, e.full_name.casefold(),
              int(e.active), e.email, e.notes, e.part_number) for e in changes.entries])
        conn.executemany("DELETE FROM ledger_copy_lists WHERE ledger_connection_id = ? AND "
                         "list_id = ?", [(cid, ident) for ident in changes.deleted_entries])
        before = self.status(cid)
        answered = before.wanted_at is not None and before.wanted_at <= started_at
        covered = [d for d in (before.covered_from, changes.covered_from) if d is not None]
        conn.execute(
            "INSERT INTO ledger_copy_state (ledger_connection_id, read_at, high_water, "
            "covered_from, wanted_at, wanted_from) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(ledger_connection_id) DO UPDATE SET read_at = excluded.read_at, high_water = "
            "excluded.high_water, covered_from = excluded.covered_from, wanted_at = "
            "excluded.wanted_at, wanted_from = excluded.wanted_from",
            (cid, iso(self._clock.now()), changes.high_water or before.high_water,
             min(covered).isoformat() if covered else None,
             None if answered else iso(before.wanted_at) if before.wanted_at else None,
             None if answered else before.wanted_from.isoformat() if before.wanted_from
             else None))

    def documents_between(self, connection_id: int, start: date, end: date
                          ) -> list[CopiedDocument]:
        """The copied documents dated ``start``..``end``."""
        rows = self._conn.execute(
            "SELECT * FROM ledger_copy_documents WHERE ledger_connection_id = ? AND txn_date "
            "BETWEEN ? AND ? ORDER BY txn_date, ledger_id",
            (connection_id, start.isoformat(), end.isoformat())).fetchall()
        return [CopiedDocument(str(r["ledger_id"]), str(r["kind"]),
                               date.fromisoformat(r["txn_date"]), str(r["number"]),
                               str(r["customer"]), Decimal(r["total"]), Decimal(r["tax"]),
                               str(r["currency"]), str(r["memo"]), bool(r["voided"]))
                for r in rows]

    def named(self, connection_id: int, list_name: str, names: list[str]
              ) -> list[CopiedListEntry]:
        """The copied customers or items (``list_name``) with any of ``names`` (any case)."""
        folded = sorted({name.casefold() for name in names})
        if not folded:
            return []
        marks = ", ".join("?" for _ in folded)
        rows = self._conn.execute(
            f"SELECT * FROM ledger_copy_lists WHERE ledger_connection_id = ? AND list = ? AND "
            f"folded IN ({marks}) ORDER BY list_id", (connection_id, list_name, *folded)
        ).fetchall()
        return [CopiedListEntry(str(r["list_id"]), str(r["list"]), str(r["kind"]),
                                str(r["name"]), str(r["full_name"]), bool(r["active"]),
                                str(r["email"]), str(r["notes"]), str(r["part_number"]))
                for r in rows]
