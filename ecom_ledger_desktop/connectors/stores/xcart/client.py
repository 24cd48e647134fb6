"""``XCartStore``: the ``StoreConnector`` for X-Cart 5 (REST API add-on) and 5.5+ (API Platform).

Listing: ``listing.py``; parsing: ``parse.py`` (5.5 documents through ``v55.normalise``),
``payments.py`` and ``refunds.py``; requests and errors: ``transport.py`` / ``errors.py``; stock
and the connection test: ``stock.py`` and ``checks.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import CheckResult, Fetched
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.xcart import checks, stock, v55
from ecom_ledger_desktop.connectors.stores.xcart.errors import NotFoundError, XCartRequestError
from ecom_ledger_desktop.connectors.stores.xcart.listing import (
    IN_MEMORY,
    Kept,
    row_id,
    row_stamp,
    walk_api55,
    walk_rest,
)
from ecom_ledger_desktop.connectors.stores.xcart.parse import (
    DEFAULT_READY,
    order_subject,
    parse_order,
)
from ecom_ledger_desktop.connectors.stores.xcart.refunds import parse_refunds
from ecom_ledger_desktop.connectors.stores.xcart.transport import Transport
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import dumps
from ecom_ledger_desktop.models.commerce import Order, Refund, StockLevel

NOTE_PREFIX = "Sent to Accounting"
RECONCILE_DAYS = 30


class XCartStore:
    """An X-Cart shop reached with its REST API key."""

    timestamp_resolution = timedelta(seconds=1)  # unix seconds (5.x) / ISO seconds (5.5)

    def __init__(self, base_url: str, api_key: str, *, version: str = "auto",
                 timezone: str | None = None, ready_statuses: tuple[str, ...] = DEFAULT_READY,
                 page_size: int = 100, policy: RetryPolicy | None = None,
                 gift_card_skus: frozenset[str] = frozenset(), restock: bool = False,
                 in_memory: int = IN_MEMORY,
                 transport: httpx.BaseTransport | None = None, name: str = "X-Cart") -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.api = Transport(base_url, api_key, version=version, name=name, policy=policy,
                             transport=transport)
        self._override = timezone
        self._zone: str | None = timezone
        self._ready = tuple(ready_statuses) or DEFAULT_READY
        self._gift_cards = gift_card_skus
        self._restock = restock  # a whole-order refund's goods are back in stock
        self._size = max(1, page_size)
        self._expected: int | None = None
        self._rates: dict[str, Decimal] | None = None
        self._by_change = True  # False once the add-on refuses to sort by lastRenewDate
        self._in_memory = in_memory  # rows of one walk kept whole (listing.Kept)

    # -- shop facts ----------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self.api.resolve()

    def timezone(self) -> str:
        """The override, else the shop's ``Units › time_zone`` (5.x), else UTC."""
        if self._zone is None:
            self._zone = checks.shop_config(self.api).get("time_zone") or "UTC"
            if not checks.valid_zone(self._zone):
                self._zone = "UTC"
        return self._zone

    def rates(self) -> dict[str, Decimal]:
        """Tax rates by surcharge code, read once (``checks.tax_rates``)."""
        if self._rates is None:
            self._rates = checks.tax_rates(self.api)
        return self._rates

    def _parse(self, row: Any, zone: str) -> Order:
        return parse_order(row, timezone=zone, ready=self._ready, rates=self.rates(),
                           gift_card_skus=self._gift_cards)

    # -- reading -------------------------------------------------------------------------------

    def _rows(self, since: datetime, until: datetime | None) -> Iterator[Any]:
        if self.version == "5.5":
            def get55(params: list[tuple[str, str]]) -> Any:
                return self.api.api_get("/api/orders", params)
            for row in walk_api55(get55, since, until, self._size, self._on_total):
                yield v55.normalise(row)
            return

        def get(params: list[tuple[str, str]]) -> Any:
            return self.api.rest_get("order", params)
        def one(ident: str) -> Any:
            return self.api.rest_get(f"order/{ident}")

        rows = walk_rest(get, since, until, self._size, by_change=self._by_change,
                         fetch_one=one, kept=Kept(self._in_memory))
        try:  # the walk reads every page before it yields its first row
            first = next(rows, None)
        except XCartRequestError as refused:
            if not self._by_change or "lastRenewDate" not in str(refused):
                raise
            self._by_change = False  # this add-on cannot sort by the change date
            rows = walk_rest(get, since, until, self._size, by_change=False, fetch_one=one,
                             kept=Kept(self._in_memory))
            first = next(rows, None)
        if first is not None:
            yield first
            yield from rows

    def _on_total(self, total: int) -> None:
        self._expected = total

    def iter_orders(self, since: datetime, until: datetime | None = None,
                    ) -> Iterator[Fetched[Order]]:
        """Orders with ``since <= lastRenewDate <= until``, ascending (``listing.py``)."""
        self._expected = None
        zone = self.timezone()
        for row in self._rows(since, until):
            yield self._fetched(row, zone)

    def orders_expected(self) -> int | None:
        """5.5 with Hydra says how many; the 5.x add-on never does."""
        return self._expected

    def reconcile_orders(self) -> Iterator[Fetched[Order]]:
        """Orders of the last 30 days (by creation) without a usable ``lastRenewDate``: no
        changed-since walk can place them, so they are read here, daily."""
        zone = self.timezone()
        now = self._shop_now()
        if self.version == "5.5":
            yield from self._reconcile_55(now - timedelta(days=RECONCILE_DAYS + 1), zone)
            return
        end = int(now.timestamp()) + 86400
        start = end - (RECONCILE_DAYS + 1) * 86400
        offset = 0
        while True:
            page = self.api.rest_get("order", [
                ("_cnd[dateRange][0]", str(start)), ("_cnd[dateRange][1]", str(end)),
                ("_cnd[orderBy][0]", "o.order_id"), ("_cnd[orderBy][1]", "asc"),
                ("_cnd[limit][0]", str(offset)), ("_cnd[limit][1]", str(self._size))])
            rows = page if isinstance(page, list) else []
            for row in rows:
                if isinstance(row, Mapping) and not isinstance(row.get("lastRenewDate"), int):
                    yield self._fetched(row, zone)
            if len(rows) < self._size:
                return
            offset += self._size

    def _shop_now(self) -> datetime:
        """The shop's clock (its Date header; one small request when none was seen yet)."""
        if self.server_now() is None:
            if self.version == "5.5":
                self.api.api_get("/api/orders", [("itemsPerPage", "1")])
            else:
                self.api.rest_get("order", [("_cnd[limit][0]", "0"), ("_cnd[limit][1]", "1")])
        return self.server_now() or datetime.now(UTC)

    def _reconcile_55(self, start: datetime, zone: str) -> Iterator[Fetched[Order]]:
        number = 1
        while True:
            body = self.api.api_get("/api/orders", [
                ("date[after]", start.isoformat()), ("order[date]", "asc"),
                ("itemsPerPage", str(self._size)), ("page", str(number))])
            rows = body.get("hydra:member", []) if isinstance(body, Mapping) else body
            rows = rows if isinstance(rows, list) else []
            for row in rows:
                if isinstance(row, Mapping) and row_stamp(row, "update_date", "") is None:
                    yield self._fetched(v55.normalise(row), zone)
            if len(rows) < self._size:
                return
            number += 1

    def get_order(self, source_id: str) -> Fetched[Order]:
        """One order by ``order_id``; a ``not_found`` problem when X-Cart has none."""
        ident = str(source_id)
        problem = RecordProblem(code="not_found", message=(
            f"Order with id {ident} no longer exists in X-Cart; if it was deleted there, ignore "
            "this entry."), fixes=[Fix("ignore", "Skip this record")])
        if not ident.isdigit():
            return Fetched(source_id=ident, updated_at=None, record=None, raw="", problem=problem)
        try:
            row = self._order_doc(ident)
        except NotFoundError:
            row = None
        if row is None:
            return Fetched(source_id=ident, updated_at=None, record=None, raw="", problem=problem)
        return self._fetched(row, self.timezone())

    def _order_doc(self, ident: str) -> Any:
        if self.version == "5.5":
            return v55.normalise(self.api.api_get(f"/api/orders/{ident}"))
        return self.api.rest_get(f"order/{ident}")

    def iter_refunds(self, since: datetime, until: datetime | None = None,
                     ) -> Iterator[Fetched[Refund]]:
        """Refunds (refund backend transactions) dated in the window, ascending: read from the
        orders changed since ``since`` (a refund saves its order)."""
        zone = self.timezone()
        found: list[tuple[datetime, str, Fetched[Refund]]] = []
        for row in self._rows(since, until):
            try:
                order = self._parse(row, self._zone_for(row, zone))
            except RecordError:
                continue  # the order itself is flagged by iter_orders
            raw = dumps(row)
            for refund in parse_refunds(row, order, restock=self._restock):
                if isinstance(refund, tuple):  # unreadable: kept with its order's document
                    ident, problem = refund
                    found.append((order.updated_at, ident, Fetched(
                        source_id=ident, updated_at=order.updated_at, record=None, raw=raw,
                        problem=problem)))
                elif refund.updated_at >= since and (until is None
                                                     or refund.updated_at <= until):
                    found.append((refund.updated_at, refund.source_id, Fetched(
                        source_id=refund.source_id, updated_at=refund.updated_at,
                        record=refund, raw=dumps({"order_id": order.source_id,
                                                  "refund": refund.source_id}))))
        for _, _, fetched in sorted(found, key=lambda f: (f[0], f[1])):
            yield fetched

    def _zone_for(self, row: Any, zone: str) -> str:
        """5.5 without a time zone setting: the zone of the order's own UTC offset."""
        if self._override is None and self.version == "5.5" and isinstance(row, Mapping):
            return str(row.get(v55.OFFSET_ZONE) or zone)
        return zone

    def _fetched(self, row: Any, zone: str) -> Fetched[Order]:
        zone = self._zone_for(row, zone)
        raw = dumps(row)
        number = _number(row)
        try:
            order = self._parse(row, zone)
        except RecordError as bad:
            return Fetched(source_id=row_id(row) or _stand_in(row), updated_at=row_stamp(row),
                           record=None, raw=raw, problem=bad.problem, number=number)
        except Exception as unexpected:  # a shape nothing foresaw: keep it, say so
            return Fetched(source_id=row_id(row) or _stand_in(row), updated_at=row_stamp(row),
                           record=None, raw=raw, number=number, problem=RecordProblem(
                               code="invalid_data",
                               message=f"{order_subject(row)} could not be read "
                                       f"({type(unexpected).__name__}); check it in X-Cart, "
                                       "then retry.",
                               fixes=[Fix("retry", "Retry"), Fix("ignore", "Skip this record")]))
        return Fetched(source_id=order.source_id, updated_at=order.updated_at, record=order,
                       raw=raw)

    # -- writing -------------------------------------------------------------------------------

    def write_back(self, order_source_id: str, note: str) -> None:
        """Add "Sent to Accounting: <note>" to the order's staff notes once.

        X-Cart keeps one staff-notes text (``adminNotes``) that a PUT replaces whole, so the
        notes are read first and the line appended only when missing; the PUT sends the whole
        new text, which makes a resend after a lost answer harmless.
        """
        ident = str(order_source_id)
        line = note if note.startswith(NOTE_PREFIX) else f"{NOTE_PREFIX}: {note}"
        try:
            doc = self._order_doc(ident)
        except NotFoundError:
            doc = None
        if not isinstance(doc, Mapping):
            raise RecordError(RecordProblem(
                code="not_found", message=f"Order with id {ident} no longer exists in X-Cart; the "
                f"note {line!r} cannot be added.", fixes=[Fix("ignore", "Skip this record")]))
        notes = str(doc["adminNotes"]) if isinstance(doc.get("adminNotes"), str) else ""
        if line in notes:
            return
        text = f"{notes}\n{line}" if notes.strip() else line
        if self.version == "5.5":
            self.api.api_put(f"/api/orders/{ident}", {"admin_notes": text})
        else:
            self.api.rest_put(f"order/{ident}", [("model[adminNotes]", text)])

    def set_stock(self, levels: list[StockLevel]) -> list[RecordProblem]:
        """Set product and variant quantities by SKU (``stock.py``)."""
        return stock.set_stock(self.api, levels)

    # -- status --------------------------------------------------------------------------------

    def server_now(self) -> datetime | None:
        when = self.api.server_date()
        if when is None:
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    def check(self) -> list[CheckResult]:
        return checks.run(self.api, self._override)

    def close(self) -> None:
        self.api.close()


def _stand_in(row: Any) -> str:
    number = row.get("orderNumber") if isinstance(row, Mapping) else None
    return f"no-id:{number}" if isinstance(number, str | int) and str(number).strip() else ""



def _number(row: Any) -> str:
    """The order number the merchant knows (``orderNumber``), "" when the row has none."""
    number = row.get("orderNumber") if isinstance(row, Mapping) else None
    return str(number).strip() if isinstance(number, str | int) and not isinstance(
        number, bool) else ""
