"""The simulated store's data: catalogue, stock, customers, orders, invoices, credit memos.

All access goes through one lock. Order documents are copy-on-write: a mutation deep-copies
the stored document, changes the copy and swaps it in, so readers can serialise a document
they fetched without holding the lock.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .catalog_state import DEFAULT_SOURCE, CatalogState, NotFoundError
from .lifecycle import (
    LifecycleError,
    add_history,
    apply_cancel,
    apply_invoice,
    apply_refund,
    mark_shipped,
    refund_comment,
)
from .money import dec, fmt_time, num
from .order_parts import refresh_derived
from .orders import Ids, build_order


@dataclass
class OrderRecord:
    """One order: the spec it was built from, its document and what happened to it."""

    spec: dict[str, Any]
    data: dict[str, Any]
    ids: Ids
    rows: int
    raw: bool = False
    invoice_ids: list[int] = field(default_factory=list)
    memo_specs: list[dict[str, Any]] = field(default_factory=list)
    memo_ids: list[int] = field(default_factory=list)
    # memo id -> order item ids put back in stock: Magento acts on return_to_stock_items and
    # keeps no trace of it on the credit memo, so only the stock (and this test view) shows it
    returned: dict[int, list[int]] = field(default_factory=dict)
    canceled: bool = False
    shipped: bool = False


class StoreState(CatalogState):
    """Thread-safe in-memory store."""

    def __init__(self, now: Callable[[], datetime], timezone: str = "America/New_York") -> None:
        self.lock = threading.RLock()
        self._now = now
        self.store_configs = [_store_config(timezone)]
        self.products: dict[str, dict[str, Any]] = {}
        self.source_items: dict[tuple[str, str], dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, OrderRecord] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.creditmemos: dict[int, dict[str, Any]] = {}
        self._seq: dict[str, int] = {}

    def now(self) -> str:
        """The simulated current time in Magento's format."""
        return fmt_time(self._now())

    def next_id(self, kind: str, count: int = 1) -> int:
        """Allocate ``count`` consecutive ids of a kind; returns the first."""
        with self.lock:
            first = self._seq.get(kind, 0) + 1
            self._seq[kind] = first + count - 1
            return first

    # --- customers ---------------------------------------------------------------------------

    def customer_for(self, person: dict[str, Any], address: dict[str, Any] | None) -> int:
        """The id of the registered customer with this email (exact match), created if new."""
        with self.lock:
            email = str(person.get("email") or "")
            for cid, customer in self.customers.items():
                if customer["email"] == email:
                    return cid
            cid = self.next_id("customer")
            now = self.now()
            created = str(person.get("created_at") or now)
            addr = {
                "id": cid,
                "customer_id": cid,
                "region": {
                    "region_code": (address or {}).get("region_code", "NY"),
                    "region": (address or {}).get("region", "New York"),
                    "region_id": (address or {}).get("region_id", 43),
                },
                "region_id": (address or {}).get("region_id", 43),
                "country_id": (address or {}).get("country_id", "US"),
                "street": list((address or {}).get("street", ["123 Oak Ave"])),
                "telephone": (address or {}).get("telephone", "512-555-1111"),
                "postcode": (address or {}).get("postcode", "10577"),
                "city": (address or {}).get("city", "Purchase"),
                "firstname": person.get("firstname", ""),
                "lastname": person.get("lastname", ""),
                "default_shipping": True,
                "default_billing": True,
            }
            self.customers[cid] = {
                "id": cid,
                "group_id": 1,
                "default_billing": str(cid),
                "default_shipping": str(cid),
                "created_at": created,
                "updated_at": created,
                "created_in": "Default Store View",
                "email": email,
                "firstname": person.get("firstname", ""),
                "lastname": person.get("lastname", ""),
                "store_id": 1,
                "website_id": 1,
                "addresses": [addr],
                "disable_auto_group_change": 0,
            }
            return cid

    # --- orders ------------------------------------------------------------------------------

    def add_order(self, spec: dict[str, Any]) -> int:
        """Build and store an order from a compact spec; returns its entity_id."""
        with self.lock:
            spec = copy.deepcopy(spec)
            entity_id = self.next_id("order")
            increment = str(spec.get("increment_id") or f"{entity_id:09d}")
            customer = spec.get("customer")
            customer_id = None
            if customer and not customer.get("guest"):
                customer_id = self.customer_for(customer, spec.get("billing_address"))
            rows = _row_count(spec)
            ids = Ids(
                entity_id,
                increment,
                self.next_id("item", rows),
                self.next_id("address", 2),
                customer_id,
                self.next_id("quote"),
            )
            created = str(spec.get("created_at") or self.now())
            data = build_order(spec, ids, created, self.lookup)
            record = OrderRecord(spec, data, ids, rows)
            self.orders[entity_id] = record
            if spec.get("paid"):  # captured at checkout, or (offline) when ``paid_at`` says
                self._invoice(record, str(spec.get("paid_at") or created))
            if spec.get("shipped"):
                mark_shipped(record.data, created)
                record.shipped = True
            if spec.get("updated_at"):
                record.data["updated_at"] = str(spec["updated_at"])
            return entity_id

    def record(self, entity_id: int) -> OrderRecord:
        """The record of an order or ``NotFoundError``."""
        record = self.orders.get(entity_id)
        if record is None:
            raise NotFoundError(entity_id)
        return record

    def _mutable(self, entity_id: int) -> OrderRecord:
        record = self.record(entity_id)
        if record.raw:
            raise LifecycleError("order was replaced by put_raw_order; helpers cannot change it")
        record.data = copy.deepcopy(record.data)
        return record

    def _invoice(self, record: OrderRecord, now: str) -> int:
        invoice_id = self.next_id("invoice")
        rows = len(record.data["items"])
        invoice = apply_invoice(
            record.data, now, invoice_id, f"{invoice_id:09d}", self.next_id("invoice_item", rows)
        )
        self.invoices[invoice_id] = invoice
        record.invoice_ids.append(invoice_id)
        return invoice_id

    def invoice_order(self, entity_id: int, now: str | None = None) -> int:
        """Invoice (pay) an order, now or at ``now``; returns the invoice id."""
        with self.lock:
            return self._invoice(self._mutable(entity_id), now or self.now())

    def ship_order(self, entity_id: int) -> None:
        """Ship an order (paid orders become ``complete``)."""
        with self.lock:
            record = self._mutable(entity_id)
            mark_shipped(record.data, self.now())
            record.shipped = True

    def cancel_order(self, entity_id: int, now: str | None = None) -> None:
        """Cancel an unpaid order."""
        with self.lock:
            record = self._mutable(entity_id)
            apply_cancel(record.data, now or self.now())
            record.canceled = True

    def refund_order(self, entity_id: int, spec: dict[str, Any], now: str | None = None) -> int:
        """Create an offline credit memo; returns its id."""
        with self.lock:
            record = self._mutable(entity_id)
            memo_id = self.next_id("creditmemo")
            when = now or self.now()
            memo = apply_refund(
                record.data,
                spec,
                when,
                memo_id=memo_id,
                increment_id=f"{memo_id:09d}",
                item_id_start=self.next_id("creditmemo_item", len(record.data["items"])),
            )
            add_history(record.data, refund_comment(record.data, memo), when, self.next_id("history"))
            self.creditmemos[memo_id] = memo
            record.returned[memo_id] = self._return_to_stock(record.data, memo, spec)
            record.memo_ids.append(memo_id)
            record.memo_specs.append(copy.deepcopy(spec))
            return memo_id

    def _return_to_stock(self, order: dict[str, Any], memo: dict[str, Any],
                         spec: dict[str, Any]) -> list[int]:
        """Put the memo's ``return_to_stock_items`` rows back in stock (the default source)."""
        rows = {r["item_id"]: r for r in order.get("items") or []}
        wanted = {int(i) for i in spec.get("return_to_stock_items") or []}
        for line in spec.get("lines") or []:
            if line.get("back_to_stock"):
                wanted |= {i for i, r in rows.items()
                           if r.get("sku") == line["sku"] and not r.get("parent_item_id")}
        returned = []
        for item in memo["items"]:
            row = rows.get(item["order_item_id"], {})
            if item["order_item_id"] not in wanted or row.get("is_virtual"):
                continue
            source = self.source_items.get((str(item["sku"]), DEFAULT_SOURCE))
            if source is not None:
                source["quantity"] = num(dec(source["quantity"]) + dec(item["qty"]))
                source["status"] = 1
            returned.append(int(item["order_item_id"]))
        return returned

    def add_comment(self, entity_id: int, history: dict[str, Any]) -> None:
        """Append a status-history comment (``POST /V1/orders/{id}/comments``)."""
        with self.lock:
            record = self.record(entity_id)
            record.data = copy.deepcopy(record.data)
            add_history(record.data, history, self.now(), self.next_id("history"))

    def change_order(self, entity_id: int, change: Callable[[dict[str, Any], str], None]) -> None:
        """Apply ``change(document, now)`` to a copy of an order's document and swap it in."""
        with self.lock:
            record = self.record(entity_id)
            data = copy.deepcopy(record.data)
            change(data, self.now())
            record.data = data

    def edit_order(self, entity_id: int, changes: dict[str, Any]) -> None:
        """Merge ``changes`` into the spec and rebuild, keeping ids, history and payments."""
        with self.lock:
            record = self._mutable(entity_id)
            old = record.data
            spec = {**record.spec, **copy.deepcopy(changes)}
            rows = _row_count(spec)
            ids = record.ids
            if rows > record.rows:
                ids.item_id_start, record.rows = self.next_id("item", rows), rows
            now = self.now()
            data = build_order(
                {**spec, "status": None, "state": None}, ids, str(old["created_at"]), self.lookup
            )
            record.spec, record.data = spec, data
            if record.canceled:
                apply_cancel(data, now)
            if record.invoice_ids:
                apply_invoice(data, now, record.invoice_ids[0], "", 0)
            if record.shipped:
                mark_shipped(data, now)
            for memo_spec in record.memo_specs:
                apply_refund(data, memo_spec, now, memo_id=0, increment_id="", item_id_start=0)
            data["status_histories"] = old.get("status_histories", [])
            data["status"] = str(changes.get("status") or old.get("status"))
            data["state"] = str(changes.get("state") or old.get("state"))
            data["updated_at"] = now
            refresh_derived(data)

    def put_raw(self, entity_id: int, raw: dict[str, Any]) -> None:
        """Replace an order's document verbatim (creates the record if needed)."""
        with self.lock:
            record = self.orders.get(entity_id)
            if record is None:
                ids = Ids(entity_id, str(entity_id), 0, 0, None, 0)
                record = OrderRecord({}, {}, ids, 0)
                self.orders[entity_id] = record
                self._seq["order"] = max(self._seq.get("order", 0), entity_id)
            record.data, record.raw = copy.deepcopy(raw), True

    def order_rows(self) -> list[dict[str, Any]]:
        """Every order document (shared, do not mutate)."""
        with self.lock:
            return [r.data for _, r in sorted(self.orders.items())]

    def comments(self, entity_id: int) -> list[str]:
        """Comment texts of an order, oldest first."""
        with self.lock:
            histories = self.record(entity_id).data.get("status_histories") or []
            return [str(h.get("comment")) for h in reversed(histories) if isinstance(h, dict)]


def _store_config(timezone: str) -> dict[str, Any]:
    """The default store view's ``GET /V1/store/storeConfigs`` entry."""
    url = "http://magento.test/"
    config: dict[str, Any] = {
        "id": 1, "code": "default", "website_id": 1, "locale": "en_US",
        "base_currency_code": "USD", "default_display_currency_code": "USD",
        "timezone": timezone, "weight_unit": "lbs",
    }
    for prefix in ("", "secure_"):
        config[f"{prefix}base_url"] = url
        config[f"{prefix}base_link_url"] = url
        config[f"{prefix}base_static_url"] = url + "static/"
        config[f"{prefix}base_media_url"] = url + "media/"
    return config


def _row_count(spec: dict[str, Any]) -> int:
    count = 0
    for line in spec.get("lines") or []:
        count += 1 + (1 if line.get("configurable_parent_sku") else 0)
        count += len(line.get("children") or [])
    return max(count, 1)
