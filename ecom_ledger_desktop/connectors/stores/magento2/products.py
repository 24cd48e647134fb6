"""The shop's catalogue as ``Product``s (for the ``catalog_sync`` rule): ``GET /V1/products``
page by page. Only what a ledger holds as an item: simple, virtual and downloadable products
(a configurable or bundle parent is sold as its children); ``status`` 2 (disabled) is a product
the shop no longer sells."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.magento2.search import Fetch, PageSize, criteria
from ecom_ledger_desktop.core.errors import RetriableError
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.commerce import Product

ITEM_TYPES = ("simple", "virtual", "downloadable")
ENABLED = 1


def iter_products(fetch: Fetch, page_size: PageSize) -> Iterator[Product]:
    """Every item-like product of the shop, once."""
    page_no, seen = 1, 0
    while True:
        page = fetch(criteria([], page_size=page_size.size, current_page=page_no))
        for row in page.items:
            product = _product(row)
            if product is not None:
                yield product
        seen += len(page.items)
        if not page.items or seen >= page.total_count:
            return
        if page_no * page_size.size > page.total_count + page_size.size:
            raise RetriableError("Magento's product listing did not end; will retry")
        page_no += 1


def _product(row: Any) -> Product | None:
    if not isinstance(row, Mapping) or row.get("type_id") not in ITEM_TYPES:
        return None
    sku = str(row.get("sku") or "").strip()
    if not sku:
        return None
    price = to_decimal(row.get("price") if row.get("price") is not None else "0")
    return Product(source_id=str(row.get("id") or sku), sku=sku,
                   name=str(row.get("name") or sku), price=Decimal(price),
                   type=str(row["type_id"]), active=int(row.get("status") or ENABLED) == ENABLED)
