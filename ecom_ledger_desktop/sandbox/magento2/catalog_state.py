"""The simulated store's catalogue and stock: products and their (multi-source) stock items."""

from __future__ import annotations

import copy
import threading
from decimal import Decimal
from typing import Any

from .money import dec, num

DEFAULT_SOURCE = "default"


class NotFoundError(LookupError):
    """No entity with that id / SKU."""


class CatalogState:
    """Products and source items; ``StoreState`` sets the attributes and the lock."""

    lock: threading.RLock
    products: dict[str, dict[str, Any]]
    source_items: dict[tuple[str, str], dict[str, Any]]

    def now(self) -> str:  # pragma: no cover - StoreState's clock
        raise NotImplementedError

    def add_product(self, product: dict[str, Any], qty: Decimal | int = 0) -> None:
        """Register a product (its ``extension_attributes.stock_item`` is generated on read)."""
        with self.lock:
            self.products[product["sku"]] = product
            self.source_items[(product["sku"], DEFAULT_SOURCE)] = {
                "sku": product["sku"],
                "source_code": DEFAULT_SOURCE,
                "quantity": num(dec(qty)),
                "status": 1 if qty else 0,
            }

    def lookup(self, sku: str) -> dict[str, Any] | None:
        """Catalogue data for the order builder."""
        product = self.products.get(sku)
        if product is None:
            return None
        return {
            "id": product["id"],
            "name": product["name"],
            "price": product["price"],
            "type": product["type_id"],
            "weight": product.get("weight", 1),
        }

    def stock_item(self, sku: str) -> dict[str, Any]:
        """The legacy (single-source) stock item of a product."""
        with self.lock:
            product = self.products.get(sku)
            if product is None:
                raise NotFoundError(sku)
            source = self.source_items.get((sku, DEFAULT_SOURCE), {})
            return _stock_item(product["id"], source.get("quantity", 0), bool(source.get("status", 0)))

    def set_stock(
        self,
        sku: str,
        qty: Any,
        in_stock: bool | None,
        source: str = DEFAULT_SOURCE,
        *,
        strict: bool = True,
    ) -> None:
        """Write a source item (the legacy stock item is the ``default`` source)."""
        with self.lock:
            if strict and sku not in self.products:
                raise NotFoundError(sku)
            item = self.source_items.setdefault(
                (sku, source), {"sku": sku, "source_code": source, "quantity": 0, "status": 0}
            )
            if qty is not None:
                item["quantity"] = num(dec(qty))
            if in_stock is not None:
                item["status"] = 1 if in_stock else 0
            product = self.products.get(sku)
            if product is not None:
                product["updated_at"] = self.now()

    def product_json(self, sku: str) -> dict[str, Any]:
        """``GET /V1/products/{sku}`` body."""
        with self.lock:
            product = self.products.get(sku)
            if product is None:
                raise NotFoundError(sku)
            out = copy.deepcopy(product)
            out["extension_attributes"]["stock_item"] = self.stock_item(sku)
            return out

    def stock(self) -> dict[str, int | float]:
        """SKU -> quantity of the default source."""
        with self.lock:
            return {
                sku: item["quantity"]
                for (sku, src), item in self.source_items.items()
                if src == DEFAULT_SOURCE
            }


def _stock_item(product_id: int, qty: Any, in_stock: bool) -> dict[str, Any]:
    return {
        "item_id": product_id,
        "product_id": product_id,
        "stock_id": 1,
        "qty": qty,
        "is_in_stock": in_stock,
        "is_qty_decimal": False,
        "show_default_notification_message": False,
        "use_config_min_qty": True,
        "min_qty": 0,
        "use_config_min_sale_qty": 1,
        "min_sale_qty": 1,
        "use_config_max_sale_qty": True,
        "max_sale_qty": 10000,
        "use_config_backorders": True,
        "backorders": 0,
        "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1,
        "use_config_qty_increments": True,
        "qty_increments": 0,
        "use_config_enable_qty_inc": True,
        "enable_qty_increments": False,
        "use_config_manage_stock": True,
        "manage_stock": True,
        "low_stock_date": None,
        "is_decimal_divided": False,
        "stock_status_changed_auto": 0,
    }
