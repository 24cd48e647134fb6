"""Writes: the ledger note on an order, and stock levels. Bodies are XML built with lxml.

**Note.** A private customer-service message (``customer_threads`` + ``customer_messages``) on
the order: it does not change the order (no ``date_upd`` bump, so no re-read) and the merchant
sees it on the order page. Idempotent: the order's threads' messages are read first; after a lost
answer they are read again before anything is re-sent.

**Stock.** The SKU is a combination's reference (variants) or a product's; its
``stock_availables`` row is read whole and PUT back whole with the new quantity (PUT nulls every
field it does not carry). An unknown SKU or a refused value is reported; the others go on.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree

from ecom_ledger_desktop.connectors.stores.prestashop.context import rows
from ecom_ledger_desktop.connectors.stores.prestashop.errors import (
    NotFoundError,
    PrestaShopRequestError,
)
from ecom_ledger_desktop.core.errors import (
    RecordError,
    RecordProblem,
    RetriableError,
)
from ecom_ledger_desktop.models.commerce import StockLevel

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore

STOCK_FIELDS = ("id", "id_product", "id_product_attribute", "id_shop", "id_shop_group",
                "quantity", "depends_on_stock", "out_of_stock", "location")


def xml_body(singular: str, values: Mapping[str, Any]) -> bytes:
    """``<prestashop><singular><field>value</field>...`` (text escaped by lxml)."""
    root = etree.Element("prestashop")
    record = etree.SubElement(root, singular)
    for name, value in values.items():
        etree.SubElement(record, name).text = "" if value is None else str(value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# -- the note ----------------------------------------------------------------------------------

def _messages(store: PrestaShopStore, order_id: str) -> tuple[list[Mapping[str, Any]], list[str]]:
    threads = rows(store.get("customer_threads", {"display": "full",
                                                   "filter[id_order]": f"[{order_id}]"}),
                   "customer_threads")
    texts: list[str] = []
    for thread in threads:
        found = rows(store.get("customer_messages", {
            "display": "[id,message]", "filter[id_customer_thread]": f"[{thread.get('id')}]"}),
            "customer_messages")
        texts += [str(m.get("message") or "").strip() for m in found]
    return threads, texts


def add_note(store: PrestaShopStore, order_id: str, note: str) -> None:
    """Add ``note`` once to the order's private messages."""
    wanted = note.strip()
    last_error: RetriableError | None = None
    for attempt in range(max(1, store.policy.attempts)):
        try:
            body = store.get(f"orders/{order_id}", {})
        except NotFoundError:
            body = None
        order = body.get("order") if isinstance(body, Mapping) else None
        if order is None:
            raise RecordError(RecordProblem(
                code="not_found", message=f"Order {order_id} no longer exists in PrestaShop; the "
                                          f"note {note!r} cannot be added."))
        threads, texts = _messages(store, order_id)
        if wanted in texts:
            return
        try:
            thread_id = str(threads[0]["id"]) if threads else _new_thread(store, order)
            store.request("POST", "customer_messages", once=True, body=xml_body(
                "customer_message", {"id_employee": 0, "id_customer_thread": thread_id,
                                     "message": wanted, "private": 1, "read": 1}))
            return
        except RetriableError as error:  # UncertainOutcome too: look again, then resend
            last_error = error
            time.sleep(min(store.policy.backoff_base * 2 ** attempt, store.policy.backoff_max))
    raise last_error or RetriableError(f"{store.name}: could not add the note to order "
                                       f"{order_id}; will retry")


def _new_thread(store: PrestaShopStore, order: Mapping[str, Any]) -> str:
    customer = rows(store.get("customers", {"display": "[id,email]",
                                            "filter[id]": f"[{order.get('id_customer')}]"}),
                    "customers")
    email = str(customer[0].get("email") or "") if customer else ""
    response = store.request("POST", "customer_threads", once=True, body=xml_body(
        "customer_thread", {"id_lang": order.get("id_lang") or 1, "id_shop": order.get("id_shop")
                            or 1, "id_customer": order.get("id_customer"),
                            "id_order": order.get("id"), "id_product": 0, "id_contact": 0,
                            "email": email, "token": secrets.token_hex(6), "status": "closed"}))
    from defusedxml import ElementTree

    created = ElementTree.fromstring(response.content).find("customer_thread/id")
    if created is None or not (created.text or "").strip():
        raise RetriableError("PrestaShop did not say which message thread it created; will retry")
    return (created.text or "").strip()


# -- stock -------------------------------------------------------------------------------------

def _unknown(sku: str) -> RecordProblem:
    return RecordProblem(
        code="unknown_sku",
        message=f"SKU {sku!r} is not a product or combination reference in PrestaShop, so its "
                "stock was not set. Set the reference in Catalog › Products or correct the SKU "
                "mapping, then retry.", detail=f"sku {sku}")


def _qty(qty: Decimal) -> str:
    return str(int(qty)) if qty == qty.to_integral_value() else str(qty)


def set_stock(store: PrestaShopStore, levels: list[StockLevel]) -> list[RecordProblem]:
    """Set each SKU's quantity; a problem per SKU that could not be set."""
    if not levels:
        return []
    where: dict[str, tuple[str, str]] = {}
    for item in rows(store.get("products", {"display": "[id,reference]"}), "products"):
        if str(item.get("reference") or ""):
            where.setdefault(str(item["reference"]), (str(item.get("id")), "0"))
    for combo in rows(store.get("combinations", {"display": "[id,id_product,reference]"}),
                      "combinations"):
        if str(combo.get("reference") or ""):
            where[str(combo["reference"])] = (str(combo.get("id_product")), str(combo.get("id")))
    problems: list[RecordProblem] = []
    for level in levels:
        found = where.get(level.sku)
        if found is None:
            problems.append(_unknown(level.sku))
            continue
        if level.qty != level.qty.to_integral_value():
            problems.append(RecordProblem(
                code="stock_rejected", message=f"PrestaShop keeps whole quantities; "
                f"{level.qty} for SKU {level.sku!r} was not set.", detail=f"sku {level.sku}"))
            continue
        product, attribute = found
        listed = rows(store.get("stock_availables", {
            "display": "full", "filter[id_product]": f"[{product}]",
            "filter[id_product_attribute]": f"[{attribute}]"}), "stock_availables")
        if not listed:
            problems.append(RecordProblem(
                code="invalid_data", message=f"PrestaShop has no stock row for SKU {level.sku!r}; "
                "open the product in Catalog › Products and save its quantities once, then retry.",
                detail=f"sku {level.sku}"))
            continue
        values = {name: listed[0].get(name, "") for name in STOCK_FIELDS}
        values["quantity"] = _qty(level.qty)
        try:
            store.request("PUT", f"stock_availables/{values['id']}",
                          body=xml_body("stock_available", values))
        except PrestaShopRequestError as refused:
            problems.append(RecordProblem(
                code="stock_rejected", message=f"PrestaShop refused the quantity "
                f"{_qty(level.qty)} for SKU {level.sku!r}: {refused}", detail=f"sku {level.sku}"))
    return problems
