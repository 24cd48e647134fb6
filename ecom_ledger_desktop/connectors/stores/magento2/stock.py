"""Stock write-back to Magento 2: a quantity per SKU, through the stock item or the source items."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ecom_ledger_desktop.connectors.stores.magento2.errors import MagentoRequestError, NotFoundError
from ecom_ledger_desktop.connectors.stores.magento2.search import criteria, read_page
from ecom_ledger_desktop.core.errors import RecordProblem
from ecom_ledger_desktop.models.commerce import StockLevel

#: the connector's ``_call(method, path, *, params=..., body=..., write=...)``
Call = Callable[..., Any]


def set_stock(call: Call, levels: list[StockLevel]) -> list[RecordProblem]:
    """Set each SKU's quantity on the default source; returns a problem per SKU not set.

    Normally ``GET /V1/stockItems/{sku}`` for the stock item id, then ``PUT
    /V1/products/{sku}/stockItems/{itemId}`` with ``qty`` and ``is_in_stock`` (qty > 0).
    A SKU containing ``/`` cannot be put in a Magento URL (routing breaks even when it is
    encoded), so for those the product is looked up with a search filter and the quantity
    written through ``POST /V1/inventory/source-items`` (source ``default``), where the SKU
    travels in the body. An unknown SKU or a refused value is reported and the others go
    on; credential and connection failures stop the run.
    """
    problems: list[RecordProblem] = []
    for level in levels:
        try:
            write = _set_stock_by_source if "/" in level.sku else _set_stock_item
            problem = write(call, level)
        except NotFoundError:
            problem = _unknown_sku(level.sku)
        except MagentoRequestError as refused:
            problem = RecordProblem(
                code="stock_rejected",
                message=f"Magento refused the quantity {_qty_text(level.qty)} for SKU "
                        f"{level.sku!r}: {refused}",
                detail=f"sku {level.sku}")
        if problem is not None:
            problems.append(problem)
    return problems


def _set_stock_item(call: Call, level: StockLevel) -> RecordProblem | None:
    sku_path = quote(level.sku, safe="")
    item = call("GET", f"/stockItems/{sku_path}")
    item_id = item.get("item_id") if isinstance(item, Mapping) else None
    if isinstance(item_id, bool) or not isinstance(item_id, int | str):
        return RecordProblem(
            code="invalid_data",
            message=f"Magento sent no stock item id for SKU {level.sku!r}; check the "
                    "product's stock settings in Magento.",
            detail=f"sku {level.sku}")
    body = {"stockItem": {"qty": level.qty, "is_in_stock": level.qty > 0}}
    call("PUT", f"/products/{sku_path}/stockItems/{quote(str(item_id), safe='')}",
               body=body, write=True)
    return None


def _set_stock_by_source(call: Call, level: StockLevel) -> RecordProblem | None:
    found = read_page(call("GET", "/products", params=criteria(
        [[("sku", level.sku, "eq")]], page_size=1, current_page=1)))
    if found.total_count == 0:
        return _unknown_sku(level.sku)
    item = {"sku": level.sku, "source_code": "default", "quantity": level.qty,
            "status": 1 if level.qty > 0 else 0}
    call("POST", "/inventory/source-items", body={"sourceItems": [item]}, write=True)
    return None


def _unknown_sku(sku: str) -> RecordProblem:
    return RecordProblem(
        code="unknown_sku",
        message=f"SKU {sku!r} is not a product in Magento, so its stock was not set. Create the "
                "product in Magento or correct the SKU mapping, then retry.",
        detail=f"sku {sku}")


def _qty_text(qty: Decimal) -> str:
    return format(qty.normalize(), "f") if qty == qty.to_integral_value() else format(qty, "f")
