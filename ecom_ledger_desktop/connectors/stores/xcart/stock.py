"""Stock write-back: products (``amount``; the 5.2-era ``inventory.amount`` too) and variants
(``xc-productvariants-productvariant``), found by SKU. X-Cart keeps whole quantities."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.errors import NotFoundError, XCartRequestError
from ecom_ledger_desktop.connectors.stores.xcart.transport import Transport
from ecom_ledger_desktop.core.errors import RecordProblem

PAGE = 250


def _unknown(sku: str) -> RecordProblem:
    return RecordProblem(code="unknown_sku", message=(
        f"SKU {sku!r} is not a product or variant in X-Cart, so its stock was not set. Create it "
        "in X-Cart or correct the SKU mapping, then retry."), detail=f"sku {sku}")


def _skus_54(api: Transport) -> dict[str, tuple[str, str]]:
    """SKU -> ("product" | "variant", id), read once per write-back."""
    found: dict[str, tuple[str, str]] = {}
    offset = 0
    while True:
        page = api.rest_get("product", [("_cnd[limit][0]", str(offset)),
                                        ("_cnd[limit][1]", str(PAGE))])
        rows = page if isinstance(page, list) else []
        for row in rows:
            if isinstance(row, Mapping) and isinstance(row.get("sku"), str):
                found.setdefault(row["sku"], ("product", str(row.get("product_id"))))
        if len(rows) < PAGE:
            break
        offset += PAGE
    try:
        variants = api.rest_get("xc-productvariants-productvariant")
    except XCartRequestError:  # the Product Variants add-on is not installed
        variants = []
    for row in variants if isinstance(variants, list) else []:
        if isinstance(row, Mapping) and isinstance(row.get("sku"), str):
            found[row["sku"]] = ("variant", str(row.get("id")))
    return found


def set_stock(api: Transport, levels: list[Any]) -> list[RecordProblem]:
    problems: list[RecordProblem] = []
    skus = _skus_54(api) if levels and api.resolve() != "5.5" else {}
    for level in levels:
        qty: Decimal = level.qty
        if qty != qty.to_integral_value():
            problems.append(RecordProblem(code="stock_rejected", message=(
                f"X-Cart keeps whole quantities; {qty} for SKU {level.sku!r} was not set. Use "
                "whole units for this item in the books."), detail=f"sku {level.sku}"))
            continue
        amount = int(qty)
        try:
            if api.version == "5.5":
                problem = _set_55(api, level.sku, amount)
            else:
                problem = _set_54(api, skus, level.sku, amount)
        except (NotFoundError, XCartRequestError) as refused:
            problem = RecordProblem(code="stock_rejected", message=(
                f"X-Cart refused the quantity {amount} for SKU {level.sku!r}: {refused}"),
                detail=f"sku {level.sku}")
        if problem is not None:
            problems.append(problem)
    return problems


def _set_54(api: Transport, skus: dict[str, tuple[str, str]], sku: str, amount: int
            ) -> RecordProblem | None:
    target = skus.get(sku)
    if target is None:
        return _unknown(sku)
    kind, ident = target
    if kind == "variant":
        api.rest_put("xc-productvariants-productvariant",
                     [("model[0][id]", ident), ("model[0][amount]", str(amount))])
    else:
        api.rest_put(f"product/{ident}", [("model[amount]", str(amount)),
                                          ("model[inventory][amount]", str(amount))])
    return None


def _set_55(api: Transport, sku: str, amount: int) -> RecordProblem | None:
    rows = api.api_get("/api/products", [("sku", sku)])
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        if row.get("sku") == sku:
            api.api_put(f"/api/products/{row.get('id')}", {"amount": amount})
            return None
        for variant in row.get("variants") or []:
            if isinstance(variant, Mapping) and variant.get("sku") == sku:
                api.api_put(f"/api/products/{row.get('id')}/variants/{variant.get('id')}",
                            {"amount": amount})
                return None
    return _unknown(sku)
