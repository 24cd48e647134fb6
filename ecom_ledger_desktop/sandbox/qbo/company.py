"""One QuickBooks company (realm): the entity store, ids, SyncTokens, times and preferences.

Every stored object is a :class:`Record` holding the JSON entity exactly as the API returns it,
the writable input it was last built from (so sparse and full updates can be re-validated),
precise change times (for CDC) and its side effects on other objects (inventory, invoice
balances) so that an update, void or delete can undo them.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.sandbox.server import SimClock

from .profiles import DEFAULT_PROFILE, CompanyProfile, profile

#: Company local time: US Pacific daylight time, like the captured sandbox responses.
COMPANY_TZ = timezone(timedelta(hours=-7))

#: Entity names as the API spells them, keyed by the lower-case URL segment.
ENTITIES: dict[str, str] = {name.lower(): name for name in (
    "Customer", "Item", "SalesReceipt", "Invoice", "Payment", "RefundReceipt", "CreditMemo",
    "Account", "PaymentMethod", "TaxCode", "TaxRate", "TaxAgency", "Term", "CompanyInfo",
    "Preferences",
)}
TRANSACTIONS = ("SalesReceipt", "Invoice", "Payment", "RefundReceipt", "CreditMemo")
SALES_FORMS = ("SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo")
#: TxnType text used in 6140 Details.
TXN_TYPE_TEXT = {"SalesReceipt": "Sales Receipt", "Invoice": "Invoice",
                 "RefundReceipt": "Refund Receipt", "CreditMemo": "Credit Memo",
                 "Payment": "Payment"}
CURRENCY_NAMES = {"USD": "United States Dollar", "EUR": "Euro", "GBP": "British Pound Sterling",
                  "CAD": "Canadian Dollar", "JPY": "Japanese Yen", "AUD": "Australian Dollar"}
#: US dollars per unit of each currency; the default rate between two currencies is the ratio.
EXCHANGE_RATES = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27"),
                  "CAD": Decimal("0.73"), "AUD": Decimal("0.66"), "JPY": Decimal("0.0067")}
CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """A JSON number (or numeric string) as a Decimal, exactly as written."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def num(value: Decimal) -> float | int:
    """A Decimal as a JSON number (integral values as ints, like the captures' ``0``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def meta_time(instant: datetime) -> str:
    """MetaData timestamp: seconds precision, company offset (``2020-09-29T05:58:16-07:00``)."""
    return instant.astimezone(COMPANY_TZ).replace(microsecond=0).isoformat()


def response_time(instant: datetime) -> str:
    """Envelope ``time``: milliseconds and company offset (``2020-09-29T05:58:16.187-07:00``)."""
    return instant.astimezone(COMPANY_TZ).isoformat(timespec="milliseconds")


@dataclass
class Record:
    """One stored entity and the bookkeeping the simulator needs around it."""

    entity: str
    id: str
    data: dict[str, Any]
    input: dict[str, Any]
    created: datetime
    updated: datetime
    deleted: bool = False
    name_key: str | None = None
    effects: dict[str, dict[str, str]] = field(default_factory=dict)
    next_line_id: int = 1

    @property
    def sync(self) -> int:
        """The current SyncToken as an int."""
        return int(self.data.get("SyncToken", "0"))

    @property
    def active(self) -> bool:
        """False for inactive list objects and deleted records."""
        return not self.deleted and self.data.get("Active", True) is not False


@dataclass
class StoredResponse:
    """An answer kept under its ``requestid`` for byte-for-byte replay."""

    status: int
    body: bytes
    headers: dict[str, str]
    stored_at: float


class Company:
    """The per-realm store. All access goes through ``lock`` (one writer at a time)."""

    def __init__(self, realm_id: str, clock: SimClock,
                 enabled_currencies: tuple[str, ...] = ("USD", "EUR", "GBP", "CAD"),
                 company_profile: CompanyProfile | None = None,
                 home_currency: str | None = None) -> None:
        self.realm_id = realm_id
        self.clock = clock
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, Record]] = {name: {} for name in ENTITIES.values()}
        self._counters: dict[str, int] = {}
        self.profile = company_profile or profile(DEFAULT_PROFILE)
        self.home_currency = home_currency or self.profile.home_currency
        self.enabled_currencies = set(enabled_currencies) | {self.home_currency}
        #: US non-AST: an explicit TxnTaxDetail.TotalTax is kept (reference [?], a switch)
        self.honour_explicit_tax = True
        #: rates set by tests: currency -> [(effective date, home units per unit)]
        self.rate_overrides: dict[str, list[tuple[date, Decimal]]] = {}
        self.requestids: dict[str, StoredResponse] = {}
        self.address_counter = 100

    # ----------------------------------------------------------------- time
    def now(self) -> datetime:
        """Simulated now (aware)."""
        return self.clock.now()

    def today(self) -> date:
        """The company's local date."""
        return self.now().astimezone(COMPANY_TZ).date()

    # ------------------------------------------------------------------ ids
    def next_id(self, entity: str) -> str:
        """Next Id: names share a sequence, transactions share another, lists have their own."""
        series = "Txn" if entity in TRANSACTIONS else entity
        value = self._counters.get(series, 0) + 1
        self._counters[series] = value
        return str(value)

    def bump_counter(self, entity: str, floor: int) -> None:
        """Make sure later ids of ``entity``'s series are above ``floor``."""
        series = "Txn" if entity in TRANSACTIONS else entity
        self._counters[series] = max(self._counters.get(series, 0), floor)

    def next_address_id(self) -> str:
        """Ids given to BillAddr/ShipAddr objects."""
        self.address_counter += 1
        return str(self.address_counter)

    # --------------------------------------------------------------- access
    def get(self, entity: str, entity_id: str) -> Record | None:
        """A record (deleted ones included) or None."""
        return self.records[entity].get(str(entity_id))

    def live(self, entity: str) -> list[Record]:
        """Records not deleted, in Id order."""
        return [r for r in self._ordered(entity) if not r.deleted]

    def all(self, entity: str) -> list[Record]:
        """Every record of an entity, deleted ones included."""
        return self._ordered(entity)

    def _ordered(self, entity: str) -> list[Record]:
        def key(rec: Record) -> tuple[int, str]:
            return (int(rec.id), "") if rec.id.isdigit() else (1 << 60, rec.id)
        return sorted(self.records[entity].values(), key=key)

    def preferences(self) -> dict[str, Any]:
        """The Preferences entity data."""
        return self.records["Preferences"]["1"].data

    def pref(self, group: str, name: str, default: Any = None) -> Any:
        """One preference value."""
        return self.preferences().get(group, {}).get(name, default)

    def exchange_rate(self, currency: str, on: date) -> Decimal:
        """Home units per unit of ``currency`` on ``on``: the latest rate set on or before that
        date, else the fixed table's cross rate (6 decimal places)."""
        if currency == self.home_currency:
            return Decimal(1)
        chosen = None
        for when, rate in sorted(self.rate_overrides.get(currency, [])):
            if when <= on:
                chosen = rate
        if chosen is not None:
            return chosen
        usd = EXCHANGE_RATES.get(currency)
        home = EXCHANGE_RATES.get(self.home_currency)
        if usd is None or not home:
            return Decimal(1)
        return (usd / home).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

    @property
    def is_us(self) -> bool:
        """A US company (TAX/NON line codes, ApplyTaxAfterDiscount, AST)."""
        return self.profile.is_us

    def book_close_date(self) -> str | None:
        """``AccountingInfoPrefs.BookCloseDate`` or None."""
        value = self.pref("AccountingInfoPrefs", "BookCloseDate")
        return str(value) if value else None

    # --------------------------------------------------------------- writes
    def insert(self, entity: str, data: dict[str, Any], input_data: dict[str, Any], *,
               entity_id: str | None = None, when: datetime | None = None,
               name_key: str | None = None) -> Record:
        """Store a new entity, stamping Id, SyncToken 0, MetaData, domain and sparse."""
        instant = when or self.now()
        new_id = entity_id or self.next_id(entity)
        stamped: dict[str, Any] = {"domain": "QBO", "sparse": False, "Id": new_id,
                                   "SyncToken": "0",
                                   "MetaData": {"CreateTime": meta_time(instant),
                                                "LastUpdatedTime": meta_time(instant)}}
        stamped.update({k: v for k, v in data.items() if k not in stamped})
        record = Record(entity=entity, id=new_id, data=stamped, input=copy.deepcopy(input_data),
                        created=instant, updated=instant, name_key=name_key)
        self.records[entity][new_id] = record
        return record

    def replace(self, record: Record, data: dict[str, Any], input_data: dict[str, Any],
                *, name_key: str | None = None) -> None:
        """A successful update: new content, SyncToken + 1, LastUpdatedTime now."""
        instant = self.now()
        stamped: dict[str, Any] = {
            "domain": "QBO", "sparse": False, "Id": record.id,
            "SyncToken": str(record.sync + 1),
            "MetaData": {"CreateTime": record.data["MetaData"]["CreateTime"],
                         "LastUpdatedTime": meta_time(instant)},
        }
        stamped.update({k: v for k, v in data.items() if k not in stamped})
        record.data = stamped
        record.input = copy.deepcopy(input_data)
        record.updated = instant
        if name_key is not None:
            record.name_key = name_key

    def touch(self, record: Record, *, bump_sync: bool) -> None:
        """A change caused by another object (balance, quantity): LastUpdatedTime moves."""
        instant = self.now()
        record.updated = instant
        record.data["MetaData"]["LastUpdatedTime"] = meta_time(instant)
        if bump_sync:
            record.data["SyncToken"] = str(record.sync + 1)

    def mark_deleted(self, record: Record) -> None:
        """Delete: the record stays for CDC stubs and test verification."""
        record.deleted = True
        record.updated = self.now()

    # -------------------------------------------------------------- helpers
    def ref(self, entity: str, entity_id: str) -> dict[str, Any]:
        """``{"value","name"}`` reference to a stored object."""
        rec = self.get(entity, entity_id)
        name = ""
        if rec is not None:
            name = str(rec.data.get("DisplayName") or rec.data.get("Name") or "")
        return {"value": str(entity_id), "name": name} if name else {"value": str(entity_id)}

    def currency_ref(self, code: str) -> dict[str, str]:
        """CurrencyRef with the currency's name."""
        return {"value": code, "name": CURRENCY_NAMES.get(code, code)}

    def find_by_name(self, entity: str, name: str) -> Record | None:
        """First record whose DisplayName/Name equals ``name`` (case-insensitive)."""
        wanted = name.strip().casefold()
        for rec in self.live(entity):
            if rec.name_key == wanted:
                return rec
        return None

    def snapshot(self, entity: str) -> list[dict[str, Any]]:
        """Deep copies of every stored object (deleted ones flagged ``status: Deleted``)."""
        out = []
        for rec in self.all(entity):
            data = copy.deepcopy(rec.data)
            if rec.deleted:
                data["status"] = "Deleted"
            out.append(data)
        return out
