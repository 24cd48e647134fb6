"""Incremental cursors, staged store records, and the merchant's mappings."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso, parse_iso


@dataclass
class Cursor:
    """The last (updated_at, ids at that instant) a stream has fully journaled."""

    value: datetime
    ids_at_value: list[str] = field(default_factory=list)


class CursorsRepo:
    """Cursors per (pair, stream); saved in the same transaction as the records they cover."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, pair_id: int, stream: str) -> Cursor | None:
        """The stream's cursor, or None before the first run."""
        row = self._conn.execute("SELECT value, ids_at_value FROM cursors WHERE pair_id = ? AND "
                                 "stream = ?", (pair_id, stream)).fetchone()
        if row is None:
            return None
        return Cursor(parse_iso(row["value"]), json.loads(row["ids_at_value"]))

    def set(self, pair_id: int, stream: str, cursor: Cursor) -> None:
        """Save the stream's cursor."""
        self._conn.execute(
            "INSERT OR REPLACE INTO cursors (pair_id, stream, value, ids_at_value, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (pair_id, stream, iso(cursor.value), json.dumps(sorted(cursor.ids_at_value)),
             iso(self._clock.now())))

    def stage(self, pair_id: int, record_kind: str, source_id: str, number: str,
              updated_at: datetime | None, revision: str, raw: str) -> bool:
        """Keep the latest raw copy of a store record (nothing fetched is ever lost).

        Returns True when the record is new or its raw copy changed.
        """
        now = iso(self._clock.now())
        before = self.staged(pair_id, record_kind, source_id)
        self._conn.execute(
            "INSERT INTO store_records (pair_id, record_kind, source_id, number, updated_at, "
            "revision, raw, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (pair_id, record_kind, source_id) DO UPDATE SET number = excluded.number,"
            " updated_at = excluded.updated_at, revision = excluded.revision, raw = excluded.raw,"
            " last_seen_at = excluded.last_seen_at",
            (pair_id, record_kind, source_id, number,
             iso(updated_at) if updated_at else None, revision, raw, now, now))
        return before != raw

    def staged(self, pair_id: int, record_kind: str, source_id: str) -> str | None:
        """The raw copy of a staged record."""
        row = self._conn.execute(
            "SELECT raw FROM store_records WHERE pair_id = ? AND record_kind = ? AND source_id = ?",
            (pair_id, record_kind, source_id)).fetchone()
        return str(row["raw"]) if row else None

    def raise_flag(self, pair_id: int, name: str) -> None:
        """Set a durable per-pair flag (e.g. "refunds are due"), in the caller's transaction."""
        self.set(pair_id, f"flag:{name}", Cursor(self._clock.now(), []))

    def flag_raised(self, pair_id: int, name: str) -> bool:
        """Whether the flag is set."""
        return self.get(pair_id, f"flag:{name}") is not None

    def lower_flag(self, pair_id: int, name: str) -> None:
        """Clear the flag."""
        self._conn.execute("DELETE FROM cursors WHERE pair_id = ? AND stream = ?",
                           (pair_id, f"flag:{name}"))

    def staged_raw(self, pair_id: int, record_kind: str) -> list[str]:
        """The raw copies of every staged record of a kind, oldest first."""
        rows = self._conn.execute(
            "SELECT raw FROM store_records WHERE pair_id = ? AND record_kind = ? ORDER BY rowid",
            (pair_id, record_kind)).fetchall()
        return [str(row["raw"]) for row in rows]

    def find_record(self, pair_id: int, record_kind: str, ref: str) -> str | None:
        """A staged record's source id by its id or its number (what the merchant sees)."""
        row = self._conn.execute(
            "SELECT source_id FROM store_records WHERE pair_id = ? AND record_kind = ? AND "
            "(source_id = ? OR number = ?)", (pair_id, record_kind, ref, ref)).fetchone()
        return str(row["source_id"]) if row else None


class MappingsRepo:
    """SKU → ledger item, and store customer → ledger customer, chosen by the merchant."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def set_sku(self, pair_id: int, sku: str, ledger_item: str, source: str = "user") -> None:
        """Map a store SKU to a ledger item (by name)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO sku_mappings (pair_id, sku, ledger_item, source, updated_at) "
            "VALUES (?, ?, ?, ?, ?)", (pair_id, sku, ledger_item, source, iso(self._clock.now())))

    def remove_sku(self, pair_id: int, sku: str) -> None:
        """Forget a SKU mapping."""
        self._conn.execute("DELETE FROM sku_mappings WHERE pair_id = ? AND sku = ?", (pair_id, sku))

    def skus(self, pair_id: int) -> dict[str, str]:
        """Every SKU mapping of a pair."""
        rows = self._conn.execute("SELECT sku, ledger_item FROM sku_mappings WHERE pair_id = ? "
                                  "ORDER BY sku", (pair_id,))
        return {r["sku"]: r["ledger_item"] for r in rows.fetchall()}

    def set_customer(self, pair_id: int, customer_key: str, ledger_customer_id: str) -> None:
        """Route a store customer to a chosen ledger customer (duplicate resolution)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO customer_mappings (pair_id, customer_key, ledger_customer_id, "
            "updated_at) VALUES (?, ?, ?, ?)",
            (pair_id, customer_key, ledger_customer_id, iso(self._clock.now())))

    def customers(self, pair_id: int) -> dict[str, str]:
        """Every customer mapping of a pair."""
        rows = self._conn.execute("SELECT customer_key, ledger_customer_id FROM customer_mappings "
                                  "WHERE pair_id = ?", (pair_id,))
        return {r["customer_key"]: r["ledger_customer_id"] for r in rows.fetchall()}


class LedgerRefsRepo:
    """Ledger ids of customers and items already found or created, per ledger connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, ledger_connection_id: int, kind: str, key: str) -> str | None:
        """The remembered ledger id, or None."""
        row = self._conn.execute(
            "SELECT ledger_id FROM ledger_refs WHERE ledger_connection_id = ? AND kind = ? AND "
            "key = ?", (ledger_connection_id, kind, key)).fetchone()
        return str(row["ledger_id"]) if row else None

    def remember(self, ledger_connection_id: int, kind: str, key: str, ledger_id: str) -> None:
        """Store (replace) a ledger id."""
        self._conn.execute(
            "INSERT OR REPLACE INTO ledger_refs (ledger_connection_id, kind, key, ledger_id, "
            "updated_at) VALUES (?, ?, ?, ?, ?)",
            (ledger_connection_id, kind, key, ledger_id, iso(self._clock.now())))

    def forget(self, ledger_connection_id: int, kind: str, key: str) -> None:
        """Drop a remembered id (e.g. the ledger says it no longer exists)."""
        self._conn.execute(
            "DELETE FROM ledger_refs WHERE ledger_connection_id = ? AND kind = ? AND key = ?",
            (ledger_connection_id, kind, key))
