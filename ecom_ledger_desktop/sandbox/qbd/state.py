"""The company file: list elements and transactions, with QuickBooks' identifiers.

``ListID``/``TxnID`` look like ``8000001B-1405768916`` (a hex counter and the creation time in
epoch seconds); ``EditSequence`` is the epoch second of the last change, strictly increasing per
record. Records are ordered field dictionaries: a value is text, a ``Decimal``, a nested dict (an
address or a ``…Ref`` with ``ListID``/``FullName``) or a list of line dicts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

NAME_LISTS = ("Customer", "Vendor", "Employee", "OtherName")  # one namespace
ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory",
              "ItemInventoryAssembly", "ItemFixedAsset", "ItemSubtotal", "ItemDiscount",
              "ItemPayment", "ItemSalesTax", "ItemSalesTaxGroup", "ItemGroup")
TXN_KINDS = ("SalesReceipt", "Invoice", "CreditMemo", "ReceivePayment", "ARRefundCreditCard")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Half-up to cents, as QuickBooks rounds amounts."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Record:
    """One list element or transaction."""

    kind: str
    id: str  # ListID or TxnID
    data: dict[str, Any]
    created: datetime
    modified: datetime

    @property
    def name(self) -> str:
        """The list element's full name ("" for a transaction)."""
        return str(self.data.get("FullName") or self.data.get("Name") or "")


@dataclass(frozen=True)
class Deleted:
    """A record deleted in QuickBooks (by hand): what ``TxnDeletedQuery``/``ListDeletedQuery``
    return about it."""

    kind: str
    id: str
    created: datetime
    deleted: datetime
    ref_number: str = ""  # transactions
    full_name: str = ""  # list elements


@dataclass
class Company:
    """A QuickBooks Desktop company: lists, transactions, preferences (thread-safe via ``lock``).

    Times are returned in the company computer's local time (``zone``) to the second, as
    QuickBooks does (with its daylight-saving offset bug, see ``local``); a date-time in a request
    without an offset is read in that zone, one with an offset as that instant.
    """

    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    zone: str = "America/Los_Angeles"
    home_currency: str = "US Dollar"  # QuickBooks' name for the home currency
    multicurrency: bool = False
    default_tax_item: str = ""  # the form's sales tax item when a request names none
    closing_date: date | None = None  # Accounting preferences: the books are closed up to it
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    deleted: list[Deleted] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: int = 0x80000000
    _last_stamp: int = 0
    txn_number: int = 0

    def stamp(self) -> int:
        """Epoch seconds of now, strictly increasing (an EditSequence)."""
        value = max(int(self.now().timestamp()), self._last_stamp + 1)
        self._last_stamp = value
        return value

    def new_id(self) -> str:
        """A fresh ListID / TxnID."""
        self._counter += 1
        return f"{self._counter:X}-{int(self.now().timestamp())}"

    def add(self, kind: str, data: dict[str, Any]) -> Record:
        """Store a new record with its id, times and EditSequence."""
        ident = self.new_id()
        now = self.now()
        key = "TxnID" if kind in TXN_KINDS else "ListID"
        record = Record(kind, ident, {key: ident, "EditSequence": str(self.stamp()), **data},
                        now, now)
        self.records.setdefault(kind, {})[ident] = record
        return record

    def touch(self, record: Record) -> None:
        """Mark a record changed: new EditSequence and TimeModified."""
        record.modified = self.now()
        record.data["EditSequence"] = str(self.stamp())

    def delete(self, kind: str, ident: str) -> Record | None:
        """Delete a record as a person does in QuickBooks (no trace but the deleted log)."""
        with self.lock:
            record = self.records.get(kind, {}).pop(ident, None)
            if record is not None:
                self.deleted.append(Deleted(kind, ident, record.created, self.now(),
                                            str(record.data.get("RefNumber") or ""),
                                            record.name if kind not in TXN_KINDS else ""))
            return record

    def local(self, moment: datetime) -> str:
        """A time as QuickBooks writes it: the company's local wall-clock time to the second,
        followed by the zone's *standard* offset even in summer time (QuickBooks' offsets do not
        follow daylight saving; the wall-clock part does)."""
        local = moment.astimezone(ZoneInfo(self.zone)).replace(microsecond=0)
        standard = (local.utcoffset() or timedelta(0)) - (local.dst() or timedelta(0))
        return local.replace(tzinfo=timezone(standard)).isoformat()

    def read_time(self, text: str) -> datetime:
        """A ``DATETIMETYPE`` (or a date) from a request: without an offset, local time."""
        value = datetime.fromisoformat(str(text).strip())
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(self.zone))

    def all(self, *kinds: str) -> Iterator[Record]:
        """Every record of the given kinds, oldest first."""
        for kind in kinds:
            yield from self.records.get(kind, {}).values()

    def get(self, kinds: tuple[str, ...] | str, ident: str) -> Record | None:
        """A record by ListID/TxnID among ``kinds``."""
        for kind in (kinds,) if isinstance(kinds, str) else kinds:
            found = self.records.get(kind, {}).get(ident)
            if found is not None:
                return found
        return None

    def named(self, kinds: tuple[str, ...] | str, name: str) -> Record | None:
        """A list element by full name (QuickBooks compares names without case)."""
        folded = name.casefold()
        for record in self.all(*((kinds,) if isinstance(kinds, str) else kinds)):
            if record.name.casefold() == folded:
                return record
        return None

    def resolve(self, kinds: tuple[str, ...] | str, ref: dict[str, Any] | None) -> Record | None:
        """The element a ``…Ref`` points at (``ListID`` first, then ``FullName``)."""
        if not ref:
            return None
        if ref.get("ListID"):
            return self.get(kinds, str(ref["ListID"]))
        if ref.get("FullName"):
            return self.named(kinds, str(ref["FullName"]))
        return None

    def name_in_use(self, name: str, kinds: tuple[str, ...], other_than: str = "") -> bool:
        """Whether ``name`` is taken in the shared list of ``kinds`` (by another record)."""
        found = self.named(kinds, name)
        return found is not None and found.id != other_than


def ref(record: Record) -> dict[str, Any]:
    """A ``…Ref`` to ``record`` as QuickBooks returns it."""
    return {"ListID": record.id, "FullName": record.name}


def day(value: Any) -> date:
    """A ``TxnDate`` value as a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
