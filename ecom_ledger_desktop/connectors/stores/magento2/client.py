"""``Magento2Store``: the ``StoreConnector`` for Magento 2 / Adobe Commerce REST.

Every request goes through ``ApiClient`` (classification, tenacity retries, circuit breaker)
to ``<base_url>/rest/<store_code>/V1/...`` with ``Authorization: Bearer <token>``. Listings
use the keyset walk of ``search.py``; parsing is ``parse.py``; errors are ``errors.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from ecom_ledger_desktop.connectors.base import CheckResult, Fetched
from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.stores.magento2 import checks, products
from ecom_ledger_desktop.connectors.stores.magento2.context import StoreCache, StoreContext
from ecom_ledger_desktop.connectors.stores.magento2.errors import (
    NotFoundError,
    classify,
)
from ecom_ledger_desktop.connectors.stores.magento2.fields import parse_timestamp
from ecom_ledger_desktop.connectors.stores.magento2.memos import (
    RESTOCK_CHOICES,
    Restock,
    memo_subject,
    parse_creditmemo,
)
from ecom_ledger_desktop.connectors.stores.magento2.parse import order_subject, parse_order
from ecom_ledger_desktop.connectors.stores.magento2.search import (
    Page,
    PageSize,
    criteria,
    read_page,
    walk_changed,
    walk_undated,
)
from ecom_ledger_desktop.connectors.stores.magento2.stock import set_stock
from ecom_ledger_desktop.core.errors import (
    FatalError,
    Fix,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
)
from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.core.redaction import register_secret
from ecom_ledger_desktop.models.commerce import Order, Product, Refund, StockLevel

_Parsed = TypeVar("_Parsed", Order, Refund)


class Magento2Store:
    """A Magento 2 shop reached with an integration access token used as a Bearer token."""

    timestamp_resolution = timedelta(seconds=1)  # "YYYY-MM-DD HH:MM:SS"

    def __init__(self, base_url: str, token: str, *, store_code: str = "default",
                 page_size: int = 100, policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None, name: str = "Magento",
                 timezone: str | None = None, prices_include_tax: bool | None = None,
                 restock: str = "auto", cache: StoreCache | None = None) -> None:
        """``timezone`` overrides the store's (``context.py``), ``prices_include_tax`` the
        tax-inclusive guess (``taxes.py``), ``restock`` the return-to-stock rule (``memos.py``);
        ``cache`` is what the connection remembers between runs (time zone, invoices).
        """
        register_secret(token)
        if restock not in RESTOCK_CHOICES:
            raise FatalError(f"{name}: the return-to-stock rule {restock!r} is not one of "
                             f"{', '.join(RESTOCK_CHOICES)}; correct the connection setting")
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._prefix = f"/rest/{quote(store_code, safe='')}/V1"
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._api = ApiClient(self.base_url, classify=self._classify, name=name,
                              policy=self.policy, transport=transport)
        # Non-idempotent writes (order comments) and "Test connection" get one attempt per
        # call; the caller decides whether and how to try again.
        single = RetryPolicy(attempts=1, backoff_base=self.policy.backoff_base,
                             backoff_max=self.policy.backoff_max, timeout=self.policy.timeout,
                             breaker_fail_max=self.policy.breaker_fail_max,
                             breaker_reset=self.policy.breaker_reset)
        self._once = ApiClient(self.base_url, classify=self._classify, name=name,
                               policy=single, transport=transport)
        self._page_size = PageSize(page_size)
        self._context = StoreContext(self._call, self._page_size, store_code=store_code,
                                     timezone=timezone, cache=cache)
        self._include_tax = prices_include_tax
        self._restock: Restock = restock  # narrowed by the check above
        self._last_date: str | None = None
        self._orders_expected: int | None = None

    # -- plumbing -----------------------------------------------------------------------------

    def _classify(self, response: httpx.Response) -> SyncError | None:
        """``errors.classify``, noting the shop's ``Date`` header of every answer on the way."""
        date = response.headers.get("Date")
        if date:
            self._last_date = date
        return classify(response)

    def _call(self, method: str, path: str, *, params: list[tuple[str, str]] | None = None,
              body: Any = None, write: bool = False, once: bool = False) -> Any:
        headers = dict(self._headers)
        content = None
        if body is not None:
            content = dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        client = self._once if once else self._api
        response = client.request(method, self._prefix + path, params=params, content=content,
                                  headers=headers, write=write)
        return loads(response.content)

    def _search(self, resource: str) -> Any:
        def fetch(params: list[tuple[str, str]]) -> Page:
            return read_page(self._call("GET", resource, params=params))
        return fetch

    # -- reading ------------------------------------------------------------------------------

    def iter_orders(self, since: datetime, until: datetime | None = None,
                    ) -> Iterator[Fetched[Order]]:
        """Orders with ``since <= updated_at <= until``, ascending ``(updated_at, entity_id)``.

        Each order once per call; a bad order comes back as a problem with its raw JSON and
        the walk goes on. Paging strategy and why nothing can be skipped: ``search.py``.
        """
        self._orders_expected = None
        fetch = self._context.wrap_orders(self._search("/orders"))
        for row in walk_changed(fetch, since, until, self._page_size, self._expect_orders):
            yield self._fetched_order(row)

    def iter_products(self) -> Iterator[Product]:
        """The shop's catalogue, item-like products only (``products.py``)."""
        return products.iter_products(self._search("/products"), self._page_size)

    def _expect_orders(self, total: int) -> None:
        self._orders_expected = total

    def orders_expected(self) -> int | None:
        """``total_count`` of the order listing's first page (the whole window)."""
        return self._orders_expected

    def get_order(self, source_id: str) -> Fetched[Order]:
        """One order by ``entity_id``; a problem (``not_found``) when Magento has none."""
        if not str(source_id).strip().isdigit():  # an unreadable order's stand-in key
            return Fetched(source_id=str(source_id), updated_at=None, record=None, raw="",
                           problem=RecordProblem(
                               code="invalid_data",
                               message=f"Order {str(source_id).removeprefix('no-id:')} has no "
                                       "usable id (entity_id) in Magento, so it cannot be read "
                                       "on its own; correct it in Magento and the next sync "
                                       "reads it again.",
                               fixes=[Fix("ignore", "Skip this record")]))
        try:
            row = self._call("GET", f"/orders/{quote(str(source_id), safe='')}")
        except NotFoundError as missing:
            return Fetched(source_id=str(source_id), updated_at=None, record=None, raw="",
                           problem=RecordProblem(
                               code="not_found",
                               message=f"Order with id {source_id} no longer exists in Magento "
                                       f"({missing.problem.message})."))
        self._context.load_invoices([row])
        return self._fetched_order(row)

    def iter_refunds(self, since: datetime, until: datetime | None = None,
                     ) -> Iterator[Fetched[Refund]]:
        """Credit memos changed in the window, walked like orders.

        Each memo is parsed with its order's JSON (fetched once per order per call) so the
        memo's rows follow the same configurable/bundle rule as the order's lines.
        """
        orders: dict[str, Mapping[str, Any] | None] = {}
        for row in self._changed("/creditmemos", since, until):
            order = None
            if isinstance(row, Mapping) and row.get("order_id") is not None:
                order_id = str(row.get("order_id"))
                if order_id not in orders:
                    orders[order_id] = self._order_json(order_id)
                order = orders[order_id]
            yield _fetched(row, partial(parse_creditmemo, order=order, restock=self._restock),
                           memo_subject(row))

    def _changed(self, resource: str, since: datetime, until: datetime | None,
                 on_total: Callable[[int], None] | None = None) -> Iterator[Any]:
        return walk_changed(self._search(resource), since, until, self._page_size, on_total)

    def reconcile_orders(self) -> Iterator[Fetched[Order]]:
        """The daily reconciliation pass: orders no ``updated_at`` window can select."""
        return self.iter_undated_orders()

    def iter_undated_orders(self) -> Iterator[Fetched[Order]]:
        """Orders without ``updated_at``, which no time window selects (a reconciliation pass).

        Magento always sets ``updated_at``, so this is not part of every poll: an idle poll costs
        one request.
        """
        fetch = self._context.wrap_orders(self._search("/orders"))
        for row in walk_undated(fetch, self._page_size):
            yield self._fetched_order(row)

    def _fetched_order(self, row: Any) -> Fetched[Order]:
        """One listed order parsed with the store's time zone and the order's invoices."""
        zone = self._context.timezone_for(row)
        invoices = self._context.invoices_for(row)
        return _fetched(row, lambda r: parse_order(r, timezone=zone, invoices=invoices,
                                                   include_tax=self._include_tax),
                        order_subject(row))

    def _order_json(self, order_id: str) -> Mapping[str, Any] | None:
        try:
            body = self._call("GET", f"/orders/{quote(order_id, safe='')}")
        except NotFoundError:
            return None
        return body if isinstance(body, Mapping) else None

    # -- writing ------------------------------------------------------------------------------

    def write_back(self, order_source_id: str, note: str) -> None:
        """Add ``note`` to the order's comment history once, however often this is called.

        Reads the order's ``status_histories`` first and skips when the exact comment is
        there. The POST itself is sent once per attempt (a comment is not idempotent): after a
        lost answer the history is read again before anything is re-sent.
        """
        order_id = str(order_source_id)
        path = f"/orders/{quote(order_id, safe='')}"
        last_error: RetriableError | None = None
        for attempt in range(max(1, self.policy.attempts)):
            try:
                order = self._call("GET", path)
            except NotFoundError:
                raise RecordError(RecordProblem(
                    code="not_found",
                    message=f"Order with id {order_id} no longer exists in Magento; the note "
                            f"{note!r} cannot be added.")) from None
            if _has_comment(order, note):
                return
            body = {"statusHistory": {"comment": note, "is_customer_notified": 0,
                                      "is_visible_on_front": 0, "parent_id": _int_id(order_id)}}
            try:
                self._call("POST", path + "/comments", body=body, write=True, once=True)
                return
            except RetriableError as error:  # includes UncertainOutcome: check, then resend
                last_error = error
                time.sleep(min(self.policy.backoff_base * 2 ** attempt, self.policy.backoff_max))
        raise last_error or RetriableError(f"{self.name}: could not add the note to order "
                                           f"{order_id}; will retry")

    def set_stock(self, levels: list[StockLevel]) -> list[RecordProblem]:
        """Set each SKU's quantity (``stock.py``); returns a problem per SKU not set."""
        return set_stock(self._call, levels)

    # -- status -------------------------------------------------------------------------------

    def server_now(self) -> datetime | None:
        """The shop's clock, from the ``Date`` header of the last response (None before any)."""
        if not self._last_date:
            return None
        try:
            when = parsedate_to_datetime(self._last_date)
        except (TypeError, ValueError):
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    def check(self) -> list[CheckResult]:
        """"Test connection": one-item orders and products searches and the store's time
        zone, in plain words."""
        probe = criteria([], page_size=1, current_page=1)
        orders = checks.attempt(lambda: self._call("GET", "/orders", params=probe, once=True))
        products = checks.attempt(lambda: self._call("GET", "/products", params=probe, once=True))
        lines = checks.report(self.base_url, orders, products)
        override = self._context.override
        reached = (orders.reached or products.reached) \
            and not (orders.refused_token and products.refused_token)
        configs = None if override or not reached else checks.attempt(
            lambda: self._call("GET", "/store/storeConfigs", once=True))
        return [*lines, checks.zone_line(override, configs, reached)]

    def close(self) -> None:
        """Release both connection pools."""
        self._api.close()
        self._once.close()


def _int_id(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _has_comment(order: Any, note: str) -> bool:
    if not isinstance(order, Mapping):
        return False
    histories = order.get("status_histories")
    if not isinstance(histories, list):
        return False
    wanted = note.strip()
    return any(isinstance(h, Mapping) and isinstance(h.get("comment"), str)
               and h["comment"].strip() == wanted for h in histories)


def _source_id(row: Any) -> str:
    """``entity_id`` as text; without one, a stand-in from ``increment_id`` (``no-id:<number>``)
    so two unreadable id-less records stay two records in the error queue, not one."""
    if not isinstance(row, Mapping):
        return ""
    if row.get("entity_id") is not None:
        return str(row["entity_id"])
    number = row.get("increment_id")
    if isinstance(number, str | int) and not isinstance(number, bool) and str(number).strip():
        return f"no-id:{str(number).strip()}"
    return ""


def _updated(row: Any) -> datetime | None:
    if not isinstance(row, Mapping):
        return None
    return parse_timestamp(row.get("updated_at")) or parse_timestamp(row.get("created_at"))


def _fetched(row: Any, parse: Callable[[Any], _Parsed], subject: str) -> Fetched[_Parsed]:
    """Parse one listed record; a bad one comes back as a problem with its raw JSON kept."""
    raw = dumps(row)
    number = row.get("increment_id") if isinstance(row, Mapping) else None
    known = str(number) if number not in (None, "") else ""
    try:
        record = parse(row)
    except RecordError as bad:
        return Fetched(source_id=_source_id(row), updated_at=_updated(row), record=None, raw=raw,
                       problem=bad.problem, number=known)
    except Exception as unexpected:
        return Fetched(source_id=_source_id(row), updated_at=_updated(row), record=None, raw=raw,
                       number=known, problem=RecordProblem(
                           code="invalid_data",
                           message=f"{subject} could not be read ({type(unexpected).__name__}); "
                                   "check it in Magento, then retry."))
    return Fetched(source_id=record.source_id, updated_at=record.updated_at, record=record,
                   raw=raw)
