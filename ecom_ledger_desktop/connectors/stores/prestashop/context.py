"""What parsing needs beyond one order: the shop's facts, read once and kept.

``PS_TIMEZONE`` and ``PS_CURRENCY_DEFAULT`` (``configurations``), the currencies (ISO codes and
rates), the order states (names and flags), the taxes (rates and names), the customer groups
(``price_display_method`` 0: prices shown with tax), countries and states (ISO codes). They are
read on first use and kept ``FACTS_TTL`` in the connection's ``ShopCache`` (which outlives a run),
so an idle poll costs one request. An id not among them (a state or currency added since) makes
them be read again once before the order is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_ledger_desktop.core.errors import FatalError

Get = Callable[[str, dict[str, str]], Any]
FACTS_TTL = 6 * 3600.0
ZONE_HINT = ("set the shop's time zone on the connection (setting 'timezone', an IANA name such "
             "as America/New_York), or correct it in PrestaShop (International › Localization)")
#: resource -> the fields read (``display``)
TABLES = {"currencies": "[id,iso_code,conversion_rate]",
          "order_states": "[id,name,template,paid,shipped,delivery,logable]",
          "taxes": "[id,rate,name]", "groups": "[id,price_display_method]",
          "countries": "[id,iso_code]", "states": "[id,iso_code]"}


def checked_zone(value: str, where: str) -> ZoneInfo:
    """``value`` as a ZoneInfo, else a ``FatalError`` saying what to fix."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise FatalError(f"{where} names the time zone {value!r}, which is not an IANA time "
                         f"zone; {ZONE_HINT}.") from None


def rows(body: Any, resource: str) -> list[Mapping[str, Any]]:
    """The records of a JSON listing (``[]`` is PrestaShop's empty list)."""
    if body == [] or body is None:
        return []
    listed = body.get(resource) if isinstance(body, Mapping) else None
    if not isinstance(listed, list):
        from ecom_ledger_desktop.core.errors import RetriableError
        raise RetriableError(f"PrestaShop's {resource} listing is not a list; reading it again")
    return [r for r in listed if isinstance(r, Mapping)]


def first_language(value: Any) -> Any:
    """A multi-language field (``[{"id": "1", "value": ".."}, ...]`` when the shop has several
    languages) as its first language's text; anything else as it is."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return value[0].get("value", "")
    return value


@dataclass
class ShopCache:
    """What one connection remembers across runs."""

    read_at: float | None = None
    zone: str = ""
    default_currency: str = ""
    tables: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)


class ShopFacts:
    """The shop's facts for one connector (``get``: a JSON GET of a resource)."""

    def __init__(self, get: Get, *, timezone: str | None = None, cache: ShopCache | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._get = get
        self.override = timezone or None
        self._override_zone = checked_zone(timezone, "The connection") if timezone else None
        self._cache = cache or ShopCache()
        self._clock = clock
        self._reread: set[str] = set()

    def _fresh(self) -> ShopCache:
        cache = self._cache
        if cache.read_at is None or self._clock() - cache.read_at > FACTS_TTL:
            self._load(cache)
        return cache

    def _config(self) -> dict[str, str]:
        body = self._get("configurations", {
            "display": "[name,value]", "filter[name]": "[PS_TIMEZONE|PS_CURRENCY_DEFAULT]"})
        return {str(r.get("name")): str(r.get("value") or "") for r in rows(body, "configurations")}

    def _load(self, cache: ShopCache) -> None:
        config = self._config()
        zone = self.override or config.get("PS_TIMEZONE", "")
        if not zone:
            raise FatalError(f"PrestaShop did not say its time zone (PS_TIMEZONE); {ZONE_HINT}.")
        checked_zone(zone, "PrestaShop's configuration (PS_TIMEZONE)")
        tables = {name: self._table(name) for name in TABLES}
        default = tables["currencies"].get(config.get("PS_CURRENCY_DEFAULT", ""))
        if default is None:
            raise FatalError("PrestaShop's default currency (PS_CURRENCY_DEFAULT) is not among its "
                             "currencies; check International › Localization › Currencies.")
        cache.zone, cache.tables = zone, tables
        cache.default_currency = str(default.get("iso_code") or "").upper()
        cache.read_at = self._clock()

    def _table(self, name: str) -> dict[str, Mapping[str, Any]]:
        body = self._get(name, {"display": TABLES[name]})
        return {str(r.get("id")): {k: first_language(v) for k, v in r.items()}
                for r in rows(body, name)}

    @property
    def zone(self) -> ZoneInfo:
        """The shop's time zone."""
        return self._override_zone or ZoneInfo(self._fresh().zone)

    @property
    def zone_name(self) -> str:
        """Its IANA name."""
        return self.override or self._fresh().zone

    @property
    def default_currency(self) -> str:
        """The shop's default (accounting) currency's ISO code."""
        return self._fresh().default_currency

    def lookup(self, table: str, rid: str) -> Mapping[str, Any] | None:
        """A row of ``table`` by id; read again once when the id is new."""
        found = self._fresh().tables.get(table, {}).get(rid)
        if found is None and table not in self._reread:
            self._reread.add(table)
            self._cache.tables[table] = self._table(table)
            found = self._cache.tables[table].get(rid)
        return found
