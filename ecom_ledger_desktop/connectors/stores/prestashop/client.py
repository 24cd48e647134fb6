"""``PrestaShopStore``: the ``StoreConnector`` for the PrestaShop Webservice (1.7 / 8.x).

Every request goes through ``ApiClient`` (classification, retries, circuit breaker) to
``<shop>/api/<resource>`` with the key as HTTP Basic user and an empty password, asking for JSON
(``output_format=JSON``); writes send XML (``writes.py``). Orders are walked by ``date_upd``
(``listing.py``) and read with their order details, payments, customers, addresses and cart
rules: one request per resource per page, not per order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from ecom_ledger_desktop.connectors.base import CheckResult, Fetched
from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.stores.prestashop import checks, writes
from ecom_ledger_desktop.connectors.stores.prestashop.context import ShopCache, ShopFacts, rows
from ecom_ledger_desktop.connectors.stores.prestashop.errors import (
    KeyLacksError,
    NotFoundError,
    classify,
)
from ecom_ledger_desktop.connectors.stores.prestashop.fields import NULL_DATE, local_to_utc
from ecom_ledger_desktop.connectors.stores.prestashop.listing import walk_changed
from ecom_ledger_desktop.connectors.stores.prestashop.parse import (
    Options,
    OrderParts,
    order_subject,
    parse_order,
)
from ecom_ledger_desktop.connectors.stores.prestashop.slips import (
    parse_slip,
    slip_number,
    slip_subject,
)
from ecom_ledger_desktop.connectors.stores.prestashop.status import StatusRule
from ecom_ledger_desktop.core.errors import (
    Fix,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
)
from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.core.redaction import register_secret
from ecom_ledger_desktop.models.commerce import Order, Refund, StockLevel

_Parsed = TypeVar("_Parsed", Order, Refund)


#: order fields never stored in the raw copy (the order's guest-tracking secret)
PRIVATE_FIELDS = frozenset({"secure_key"})


def order_raw(row: Any, parts: OrderParts, shown: Mapping[str, str] | None = None) -> str:
    """The order as read: its JSON, plus (keys not PrestaShop's) ``_refunded``, what its order
    details say was refunded, so a refund that leaves the order row alone still changes it, and
    ``_shown``, the buyer, currency and state in words for the error queue (``summary.py``)."""
    refunded = [(str(d.get("id")), str(d.get("product_quantity_refunded") or "0"),
                 str(d.get("total_refunded_tax_incl") or "0"))
                for d in parts.details.values()
                if str(d.get("product_quantity_refunded") or "0") not in ("0", "")]
    if not isinstance(row, Mapping):
        return dumps(row)
    extra: dict[str, Any] = {"_shown": dict(shown)} if shown else {}
    if refunded:
        extra["_refunded"] = [list(r) for r in sorted(refunded)]
    return dumps({**row, **extra}) if extra else dumps(row)


def _shown(row: Mapping[str, Any], parts: OrderParts, facts: ShopFacts) -> dict[str, str]:
    """What the merchant recognises an order by that its row only names by id."""
    shown: dict[str, str] = {}
    customer = parts.customer or {}
    name = " ".join(str(customer.get(k) or "") for k in ("firstname", "lastname")).strip()
    address = parts.addresses.get(str(row.get("id_address_invoice") or "")) or {}
    found = {"buyer": name, "email": str(customer.get("email") or ""),
             "phone": str(address.get("phone") or address.get("phone_mobile") or ""),
             "postcode": str(address.get("postcode") or "")}
    currency_id, state_id = str(row.get("id_currency") or ""), str(row.get("current_state") or "")
    currency = facts.lookup("currencies", currency_id) if currency_id.isdigit() else None
    state = facts.lookup("order_states", state_id) if state_id.isdigit() else None
    found["currency"] = str(currency.get("iso_code") or "") if currency else ""
    found["state"] = str(state.get("name") or "") if state else ""
    shown.update({k: v for k, v in found.items() if v})
    return shown


class PrestaShopStore:
    """A PrestaShop shop reached with a Webservice key."""

    timestamp_resolution = timedelta(seconds=1)

    def __init__(self, base_url: str, ws_key: str, *, page_size: int = 100,
                 policy: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None,
                 name: str = "PrestaShop", timezone: str | None = None,
                 include_tax: bool | None = None, rule: StatusRule | None = None,
                 gift_card_prefix: str = "gift card", cache: ShopCache | None = None) -> None:
        register_secret(ws_key)
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        auth = httpx.BasicAuth(ws_key, "")
        self._api = ApiClient(self.base_url, classify=self._classify, name=name, auth=auth,
                              policy=self.policy, transport=transport)
        single = RetryPolicy(attempts=1, backoff_base=self.policy.backoff_base,
                             backoff_max=self.policy.backoff_max, timeout=self.policy.timeout,
                             breaker_fail_max=self.policy.breaker_fail_max,
                             breaker_reset=self.policy.breaker_reset)
        self._once = ApiClient(self.base_url, classify=self._classify, name=name, auth=auth,
                               policy=single, transport=transport)
        self._page_size = max(1, page_size)
        self.facts = ShopFacts(self.get, timezone=timezone, cache=cache)
        self.options = Options(rule=rule or StatusRule(), include_tax=include_tax,
                               gift_card_prefix=gift_card_prefix or "gift card")
        self._last_date: str | None = None
        self._parts: dict[str, OrderParts] = {}
        self._groups: dict[str, str] = {}  # customer id -> default group (refunds)

    # -- plumbing -----------------------------------------------------------------------------

    def _classify(self, response: httpx.Response) -> SyncError | None:
        date = response.headers.get("Date")
        access = response.headers.get("Access-Time", "")
        if date:
            self._last_date = date
        elif access.isdigit():  # the Webservice's own clock, unix seconds
            self._last_date = format_datetime(datetime.fromtimestamp(int(access), UTC),
                                              usegmt=True)
        return classify(response)

    def request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                body: bytes | None = None, once: bool = False) -> httpx.Response:
        """One call under ``/api`` (writes carry an XML body)."""
        headers = {"Content-Type": "text/xml; charset=utf-8"} if body is not None else None
        client = self._once if once else self._api
        return client.request(method, f"/api/{path}", params=params, content=body,
                              headers=headers, write=method not in ("GET", "HEAD"))

    def get(self, resource: str, params: dict[str, str], *, once: bool = False) -> Any:
        """A JSON GET (``[]`` for an empty list)."""
        response = self.request("GET", resource, params={**params, "output_format": "JSON"},
                                once=once)
        if not response.content.strip():
            return None
        try:
            return loads(response.content)
        except ValueError:  # readable, but XML or a web page: not what was asked for
            raise RetriableError(f"PrestaShop answered {resource} with something that is not "
                                 "JSON (a maintenance or security page?); will retry") from None

    def _all(self, resource: str, field: str, values: set[str]) -> list[Mapping[str, Any]]:
        """Every ``resource`` row whose ``field`` is one of ``values`` (chunks of 50)."""
        out: list[Mapping[str, Any]] = []
        ordered = sorted(v for v in values if v and "|" not in v and "]" not in v)
        for start in range(0, len(ordered), 50):
            chunk = ordered[start:start + 50]
            out += rows(self.get(resource, {"display": "full",
                                            f"filter[{field}]": f"[{'|'.join(chunk)}]"}), resource)
        return out

    # -- reading orders -----------------------------------------------------------------------

    def _enrich(self, page: list[Mapping[str, Any]]) -> None:
        """Read the related records of a page of orders (one request per resource)."""
        good = [r for r in page if isinstance(r, Mapping) and str(r.get("id", "")).isdigit()]
        ids = {str(r["id"]) for r in good}
        if not ids:
            return
        refs = {str(r.get("reference") or "") for r in good}
        customers = {str(r.get("id_customer") or "") for r in good}
        addresses = {str(r.get(k) or "") for r in good
                     for k in ("id_address_invoice", "id_address_delivery")}
        details = self._all("order_details", "id_order", ids)
        payments = self._all("order_payments", "order_reference", refs)
        rules = self._all("order_cart_rules", "id_order", ids)
        people = {str(c.get("id")): c for c in self._all("customers", "id", customers)}
        places = {str(a.get("id")): a for a in self._all("addresses", "id", addresses)}
        for order in good:
            oid = str(order["id"])
            self._parts[oid] = OrderParts(
                details={str(d.get("id")): d for d in details if str(d.get("id_order")) == oid},
                payments=[p for p in payments
                          if str(p.get("order_reference")) == str(order.get("reference"))],
                customer=people.get(str(order.get("id_customer"))),
                addresses={k: v for k, v in places.items()
                           if k in (str(order.get("id_address_invoice")),
                                    str(order.get("id_address_delivery")))},
                cart_rules=[c for c in rules if str(c.get("id_order")) == oid
                            and str(c.get("deleted", "0")) != "1"])

    def _order(self, row: Any) -> Fetched[Order]:
        """One order as fetched, with the related records its page brought."""
        parts = self._parts.pop(str(row.get("id")) if isinstance(row, Mapping) else "",
                                OrderParts())
        if isinstance(row, Mapping):  # the guest-tracking secret is not kept with the order
            row = {k: v for k, v in row.items() if k not in PRIVATE_FIELDS}
        shown = _shown(row, parts, self.facts) if isinstance(row, Mapping) else None
        return self._fetched(row, lambda r: parse_order(r, parts, self.facts, self.options),
                             order_subject(row), raw=order_raw(row, parts, shown))

    def iter_orders(self, since: datetime, until: datetime | None = None,
                    ) -> Iterator[Fetched[Order]]:
        """Orders with ``since <= date_upd <= until``, ascending ``(date_upd, id)``."""
        yielded: set[str] = set()
        for row in walk_changed(self._fetcher("orders"), "orders", since, until, self.facts.zone,
                                self._page_size, on_page=self._enrich):
            yielded.add(str(row.get("id")) if isinstance(row, Mapping) else "")
            yield self._order(row)
        yield from self._refunded_orders(since, until, yielded)

    def _refunded_orders(self, since: datetime, until: datetime | None, yielded: set[str],
                         ) -> Iterator[Fetched[Order]]:
        """Orders of credit slips made in the window that the walk did not return.

        A credit slip need not touch its order's row, and the engine reads refunds when an
        order it reads shows some: the orders of new slips are read again (their raw copy
        carries the refund, so they count as changed). One request when there are none. A key
        without GET on order_slip skips this: orders still sync, and reading the refunds an
        order shows stops with the permission to tick ("Test connection" names it too).
        """
        slips = walk_changed(self._fetcher("order_slip"), "order_slip", since, until,
                             self.facts.zone, self._page_size,
                             extra={"display": "[id,id_order,date_upd]"})
        try:
            wanted = {str(s.get("id_order")) for s in slips if isinstance(s, Mapping)} - yielded
        except KeyLacksError:
            return
        found = self._all("orders", "id", wanted)
        self._enrich(found)
        for row in sorted(found, key=lambda r: (str(r.get("date_upd")), int(str(r.get("id"))))):
            yield self._order(row)

    def _fetcher(self, resource: str) -> Callable[[dict[str, str]], Any]:
        return lambda params: self.get(resource, params)

    def orders_expected(self) -> int | None:
        """PrestaShop never says how many records a listing holds."""
        return None

    def reconcile_orders(self) -> Iterator[Fetched[Order]]:
        """Orders whose ``date_upd`` is PrestaShop's empty date (or empty), which no window
        selects."""
        found = rows(self.get("orders", {"display": "full", "date": "1",
                                         "filter[date_upd]": f"[{NULL_DATE}|]"}), "orders")
        self._enrich(list(found))
        for row in found:
            yield self._order(row)

    def get_order(self, source_id: str) -> Fetched[Order]:
        """One order by id; a problem (``not_found``) when the shop has none."""
        oid = str(source_id).strip()
        if not oid.isdigit():
            return Fetched(source_id=oid, updated_at=None, record=None, raw="",
                           problem=RecordProblem(
                               code="invalid_data",
                               message=f"Order {oid} has no usable id in PrestaShop, so it "
                                       "cannot be read on its own; correct it in PrestaShop and "
                                       "the next sync reads it again.",
                               fixes=[Fix("ignore", "Skip this record")]))
        try:
            body = self.get(f"orders/{oid}", {})
        except NotFoundError:
            body = None
        row = body.get("order") if isinstance(body, Mapping) else None
        if row is None:
            return Fetched(source_id=oid, updated_at=None, record=None, raw="",
                           problem=RecordProblem(
                               code="not_found",
                               message=f"Order {oid} no longer exists in PrestaShop.",
                               fixes=[Fix("ignore", "Skip this record")]))
        self._enrich([row])
        return self._order(row)

    # -- refunds ------------------------------------------------------------------------------

    def iter_refunds(self, since: datetime, until: datetime | None = None,
                     ) -> Iterator[Fetched[Refund]]:
        """Credit slips changed in the window, each read with its order and order details."""
        orders: dict[str, Mapping[str, Any]] = {}
        details: dict[str, dict[str, Mapping[str, Any]]] = {}

        def load(page: list[Mapping[str, Any]]) -> None:
            wanted = {str(s.get("id_order")) for s in page} - set(orders)
            if not wanted:
                return
            for order in self._all("orders", "id", wanted):
                orders[str(order.get("id"))] = order
            for detail in self._all("order_details", "id_order", wanted):
                details.setdefault(str(detail.get("id_order")), {})[str(detail.get("id"))] = detail

        for row in walk_changed(self._fetcher("order_slip"), "order_slip", since, until,
                                self.facts.zone, self._page_size, on_page=load):
            oid = str(row.get("id_order")) if isinstance(row, Mapping) else ""
            yield self._fetched(row, self._slip_parser(orders.get(oid), details.get(oid, {})),
                                slip_subject(row), numbered=slip_number)

    def _slip_parser(self, order: Mapping[str, Any] | None,
                     details: dict[str, Mapping[str, Any]]) -> Callable[[Any], Refund]:
        return lambda row: parse_slip(row, order, details, self.facts, self._include_tax(order))

    def _include_tax(self, order: Mapping[str, Any] | None) -> bool:
        if self.options.include_tax is not None:
            return self.options.include_tax
        if order is None:
            return False
        cid = str(order.get("id_customer"))
        if cid not in self._groups:
            customer = rows(self.get("customers", {"display": "[id,id_default_group]",
                                                   "filter[id]": f"[{cid}]"}), "customers")
            self._groups[cid] = str(customer[0].get("id_default_group")) if customer else ""
        group = self.facts.lookup("groups", self._groups[cid]) if self._groups[cid] else None
        return group is not None and str(group.get("price_display_method")) == "0"

    # -- writing ------------------------------------------------------------------------------

    def write_back(self, order_source_id: str, note: str) -> None:
        """A private customer-service message on the order carrying ``note``, once."""
        writes.add_note(self, str(order_source_id), note)

    def set_stock(self, levels: list[StockLevel]) -> list[RecordProblem]:
        """Each SKU's quantity through ``stock_availables`` (XML PUT of the whole row)."""
        return writes.set_stock(self, levels)

    # -- status -------------------------------------------------------------------------------

    def server_now(self) -> datetime | None:
        """The shop's clock, from the last response's ``Date`` header."""
        if not self._last_date:
            return None
        try:
            when = parsedate_to_datetime(self._last_date)
        except (TypeError, ValueError):
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    def check(self) -> list[CheckResult]:
        """"Test connection": the key, one line per resource permission, time zone, currency."""
        return checks.run(self)

    def close(self) -> None:
        """Release both connection pools."""
        self._api.close()
        self._once.close()

    # -- helpers ------------------------------------------------------------------------------

    def _fetched(self, row: Any, parse: Callable[[Any], _Parsed], subject: str,
                 raw: str | None = None, numbered: Callable[[str], str] = str,
                 ) -> Fetched[_Parsed]:
        raw = raw if raw is not None else dumps(row)
        rid = str(row.get("id")) if isinstance(row, Mapping) and row.get("id") is not None else ""
        updated = local_to_utc(row.get("date_upd"), self.facts.zone) if isinstance(
            row, Mapping) else None
        number = numbered(rid) if rid.strip() else ""  # the number the merchant knows
        try:
            record = parse(row)
        except RecordError as bad:
            return Fetched(source_id=rid, updated_at=updated, record=None, raw=raw,
                           problem=bad.problem, number=number)
        except (ValueError, TypeError, ArithmeticError, KeyError, AttributeError) as unexpected:
            return Fetched(source_id=rid, updated_at=updated, record=None, raw=raw, number=number,
                           problem=RecordProblem(
                               code="invalid_data",
                               message=f"{subject} could not be read ({type(unexpected).__name__}"
                                       "); check it in PrestaShop, then retry.",
                               fixes=[Fix("retry", "Retry"), Fix("ignore", "Skip this record")]))
        return Fetched(source_id=record.source_id, updated_at=record.updated_at, record=record,
                       raw=raw)
