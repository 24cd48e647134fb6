"""Which Magento item rows become ledger lines (configurable and bundle products).

Magento writes one row per product *and* one per child of a composite product, so posting every
row double counts. The rule, applied to order items and (through ``order_item_id``) to credit
memo items:

- **Configurable** product: the parent row (``product_type: configurable``) carries the child's
  SKU, the quantity and all the money; the child row (``parent_item_id`` set) has price 0.
  Post the parent, skip the child.
- **Dynamic-price bundle** (its children carry their own prices): post the children, skip the
  parent. Posting both would count the bundle twice. A bundle is dynamic when its
  ``product_options.product_calculations`` is ``0`` (Magento's ``CALCULATE_CHILD``) or, when
  Magento did not send that option, when any child row has a non-zero price.
- **Fixed-price bundle** (children at price 0, or ``product_calculations`` ``1``): post the
  parent, skip the children.
- Any other row with ``parent_item_id`` set is skipped: its parent carries the money.

A child whose parent is neither in the order nor embedded as ``parent_item`` is invalid data:
without its parent the money cannot be attributed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ecom_ledger_desktop.connectors.stores.magento2.fields import FieldReader
from ecom_ledger_desktop.core.money import to_decimal

CALCULATE_CHILD = 0  # Magento\Catalog\Model\Product\Type\AbstractType::CALCULATE_CHILD


def item_key(item: Mapping[str, Any], index: int) -> str:
    """The row's ``item_id`` as text, or a positional stand-in when Magento sent none."""
    return _id_text(item.get("item_id")) or f"row-{index}"


def _id_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value.strip()))
    return None


def _nonzero_price(item: Mapping[str, Any]) -> bool:
    value = item.get("price")
    if value is None:
        return False
    try:
        return (Decimal(repr(value)) if isinstance(value, float) else to_decimal(value)) != 0
    except (ValueError, InvalidOperation):
        return True  # unreadable: treat as priced so the line is posted and the error surfaces


def _calculation(item: Mapping[str, Any] | None) -> int | None:
    if item is None:
        return None
    options = item.get("product_options")
    if not isinstance(options, Mapping):
        return None
    value = options.get("product_calculations")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def postable_items(items: Sequence[Mapping[str, Any]],
                   reader: FieldReader) -> list[tuple[int, Mapping[str, Any]]]:
    """The rows to post, as ``(1-based position, row)``, following the module rule."""
    by_id: dict[str, Mapping[str, Any]] = {}
    for index, item in enumerate(items, start=1):
        by_id.setdefault(item_key(item, index), item)
    parents: dict[str, Mapping[str, Any]] = {}
    children: dict[str, list[Mapping[str, Any]]] = {}
    for index, item in enumerate(items, start=1):
        parent_key = _id_text(item.get("parent_item_id"))
        if item.get("parent_item_id") is not None and parent_key is None:
            reader.at(f"line {index}").fail(
                f"has parent item {item.get('parent_item_id')!r} (parent_item_id), which is not "
                "an id", "parent_item_id")
        if parent_key is None:
            continue
        embedded = item.get("parent_item")
        parent = by_id.get(parent_key) or (embedded if isinstance(embedded, Mapping) else None)
        if parent is None:
            sku = item.get("sku")
            where = f"line {index} (SKU {sku!r})" if isinstance(sku, str) else f"line {index}"
            reader.at(where).fail(
                f"belongs to item {parent_key} (parent_item_id), which is not in the order",
                "parent_item_id")
        parents[parent_key] = parent
        children.setdefault(parent_key, []).append(item)

    dynamic: set[str] = set()
    for parent_key, kids in children.items():
        parent = parents[parent_key]
        if parent.get("product_type") != "bundle":
            continue
        calculation = _calculation(parent)
        if calculation is None:
            if any(_nonzero_price(kid) for kid in kids):
                dynamic.add(parent_key)
        elif calculation == CALCULATE_CHILD:
            dynamic.add(parent_key)

    chosen: list[tuple[int, Mapping[str, Any]]] = []
    for index, item in enumerate(items, start=1):
        parent_key = _id_text(item.get("parent_item_id"))
        if parent_key is None:
            if item_key(item, index) not in dynamic:
                chosen.append((index, item))
        elif parent_key in dynamic:
            chosen.append((index, item))
    return chosen
