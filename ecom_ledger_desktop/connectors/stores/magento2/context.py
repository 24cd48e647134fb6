"""What parsing an order needs beyond its own JSON: the store's time zone and its invoices.

**Time zone.** Magento sends UTC; the books are dated in the store's zone, which is a store
setting: ``GET /V1/store/storeConfigs`` lists ``timezone`` per store view, and each order names
its ``store_id``. The list is read when an order is first parsed and kept ``ZONE_TTL`` in the
connection's ``StoreCache`` (which outlives a run), so an idle poll still costs one request.
A connection setting (``timezone``) overrides it and saves the request.

**Invoices.** A payment is dated by its invoice (``payments.py``). For each page of orders one
keyset search ``GET /V1/invoices`` (``order_id in (...)``, ``entity_id > last``) reads the
invoices of the page's paid orders. They are cached by ``(entity_id, updated_at)``: creating an
invoice updates its order, so an order re-read unchanged (the overlap of the next poll) needs
no new search, and an empty or already-known page costs nothing.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_ledger_desktop.connectors.stores.magento2.errors import AuthRefusedError
from ecom_ledger_desktop.connectors.stores.magento2.search import (
    Page,
    PageSize,
    fetch_sized,
    read_page,
)
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.core.money import to_decimal

Call = Callable[..., Any]
ZONE_TTL = 6 * 3600.0  # seconds a store's time zone is trusted before it is read again
INVOICE_CACHE = 20_000  # orders whose invoices are remembered


@dataclass
class StoreCache:
    """What one connection remembers across runs: time zones and invoices per order version."""

    zones: tuple[float, dict[str, str], str] | None = None  # (read at, id -> zone, default)
    invoices: OrderedDict[tuple[str, str], list[Mapping[str, Any]]] = field(
        default_factory=OrderedDict)

    def remember(self, key: tuple[str, str], invoices: list[Mapping[str, Any]]) -> None:
        """Keep one order's invoices, forgetting the oldest beyond ``INVOICE_CACHE``."""
        self.invoices[key] = invoices
        self.invoices.move_to_end(key)
        while len(self.invoices) > INVOICE_CACHE:
            self.invoices.popitem(last=False)
ZONE_HINT = ("set the store's time zone on the connection (setting 'timezone', an IANA name "
             "such as America/New_York)")


def checked_zone(value: str, where: str) -> str:
    """``value`` when it is an IANA time zone name, else a ``FatalError`` saying what to fix."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise FatalError(f"{where} names the time zone {value!r}, which is not an IANA time "
                         f"zone; {ZONE_HINT}") from None
    return value


class StoreContext:
    """Time zones (cached) and the invoices of the orders read so far, for one connector."""

    def __init__(self, call: Call, page_size: PageSize, *, store_code: str,
                 timezone: str | None = None, cache: StoreCache | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._call = call
        self._page_size = page_size
        self._store_code = store_code
        self._override = checked_zone(timezone, "The connection") if timezone else None
        self._cache = cache or StoreCache()
        self._clock = clock

    # -- time zone ----------------------------------------------------------------------------

    @property
    def override(self) -> str | None:
        """The connection's time zone setting, if any."""
        return self._override

    def timezone_for(self, row: Any) -> str:
        """The IANA zone of the order's store view."""
        if self._override:
            return self._override
        zones = self._cache.zones
        if zones is None or self._clock() - zones[0] > ZONE_TTL:
            zones = self._cache.zones = (self._clock(), *self._load_zones())
        store = row.get("store_id") if isinstance(row, Mapping) else None
        return zones[1].get(str(store), zones[2])

    def _load_zones(self) -> tuple[dict[str, str], str]:
        try:
            configs = self._call("GET", "/store/storeConfigs")
        except AuthRefusedError as refused:
            raise FatalError(f"Magento did not give the store's time zone ({refused}); allow "
                             "the integration 'Stores > Settings' in System > Integrations, or "
                             f"{ZONE_HINT}.") from None
        zones: dict[str, str] = {}
        default: str | None = None
        for config in configs if isinstance(configs, list) else []:
            if not isinstance(config, Mapping) or not isinstance(config.get("timezone"), str):
                continue
            zone = checked_zone(config["timezone"], f"Magento's store {config.get('code')!r}")
            zones[str(config.get("id"))] = zone
            if config.get("code") == self._store_code or default is None:
                default = zone
        if default is None:
            raise FatalError(f"Magento's store configuration has no time zone; {ZONE_HINT}.")
        return zones, default

    # -- invoices -----------------------------------------------------------------------------

    def wrap_orders(self, fetch: Callable[[list[tuple[str, str]]], Page],
                    ) -> Callable[[list[tuple[str, str]]], Page]:
        """``fetch`` for order pages that also reads the invoices of each page's paid orders."""
        def fetch_with_invoices(params: list[tuple[str, str]]) -> Page:
            page = fetch(params)
            self.load_invoices(page.items)
            return page
        return fetch_with_invoices

    def load_invoices(self, rows: list[Any]) -> None:
        """Read the invoices of the paid orders among ``rows`` not known yet (one keyset walk)."""
        versions = {_version(r) for r in rows if _paid(r)} - set(self._cache.invoices)
        if not versions:
            return
        found: dict[str, list[Mapping[str, Any]]] = {key[0]: [] for key in versions}
        wanted = sorted(found, key=lambda k: (len(k), k))
        last = 0
        while True:
            groups = [[("order_id", ",".join(wanted), "in")], [("entity_id", str(last), "gt")]]
            page = fetch_sized(lambda p: read_page(self._call("GET", "/invoices", params=p)),
                               groups, [("entity_id", "ASC")], self._page_size)
            for invoice in page.items:
                if isinstance(invoice, Mapping) and str(invoice.get("order_id")) in found:
                    found[str(invoice["order_id"])].append(invoice)
                    last = max(last, _int(invoice.get("entity_id")))
            if page.total_count <= len(page.items) or not page.items:
                break
        for key in versions:
            self._cache.remember(key, found[key[0]])

    def invoices_for(self, row: Any) -> list[Mapping[str, Any]] | None:
        """The order's invoices, or None when they were not read (the parser falls back)."""
        if not isinstance(row, Mapping):
            return None
        return self._cache.invoices.get(_version(row))


def _version(row: Mapping[str, Any]) -> tuple[str, str]:
    """An order as of one change: its id and ``updated_at``."""
    return str(row.get("entity_id")), str(row.get("updated_at"))


def _paid(row: Any) -> bool:
    if not isinstance(row, Mapping) or row.get("entity_id") is None:
        return False
    payment = row.get("payment")
    paid = payment.get("amount_paid") if isinstance(payment, Mapping) else None
    for value in (row.get("total_invoiced"), row.get("total_paid"), paid):
        try:
            if value is not None and to_decimal(value) > 0:
                return True
        except (ValueError, ArithmeticError):
            continue
    return False


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
