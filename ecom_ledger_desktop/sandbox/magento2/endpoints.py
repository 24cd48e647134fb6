"""The endpoint functions of the simulated store and the route table (reference A4, G1.1)."""

from __future__ import annotations

from typing import Any

from .catalog_state import NotFoundError
from .holds import apply_hold, apply_unhold
from .routes import ENTITY_MISSING, PRODUCT_MISSING, ApiError, Call, RestApi, required

SALES = "Magento_Sales::sales"
COMMENT = "Magento_Sales::comment"
HOLD = "Magento_Sales::hold"
UNHOLD = "Magento_Sales::unhold"
CUSTOMERS = "Magento_Customer::customer"
PRODUCTS = "Magento_Catalog::products"
STOCK = "Magento_CatalogInventory::cataloginventory"
SOURCES = "Magento_InventoryApi::source"
STORES = "Magento_Backend::store"
CREDITMEMO = "Magento_Sales::creditmemo"
SOURCE_ASSIGN = "Magento_InventoryApi::stock_source_item_assign"
SOURCE_CODES = frozenset({"default", "east", "central"})
MAX_ARRAY_ITEMS = 20


def _entity_id(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ApiError(400, {"message": "An ID is needed. Set the ID and try again."})
    return value


def _object(call: Call, name: str) -> dict[str, Any]:
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get(name), dict):
        raise required(name)
    return dict(body[name])


def register(api: RestApi) -> None:
    """Fill ``api``'s route table."""
    state = api.state

    def orders(call: Call) -> Any:
        return api.listing(call, state.order_rows())

    def order(call: Call) -> Any:
        with state.lock:
            return state.record(_entity_id(call.params["id"])).data

    def all_items() -> list[dict[str, Any]]:
        return [row for data in state.order_rows() for row in data.get("items", [])]

    def order_items(call: Call) -> Any:
        return api.listing(call, all_items())

    def order_item(call: Call) -> Any:
        wanted = _entity_id(call.params["id"])
        found = next((row for row in all_items() if row.get("item_id") == wanted), None)
        if found is None:
            raise ApiError(404, {"message": ENTITY_MISSING})
        return found

    def hold(call: Call) -> Any:
        state.change_order(_entity_id(call.params["id"]), apply_hold)
        return True

    def unhold(call: Call) -> Any:
        state.change_order(_entity_id(call.params["id"]), apply_unhold)
        return True

    def comments(call: Call) -> Any:
        history = _object(call, "statusHistory")
        if not str(history.get("comment") or "").strip():
            raise required("comment")
        state.add_comment(_entity_id(call.params["id"]), history)
        return True

    def order_comments(call: Call) -> Any:
        with state.lock:
            items = state.record(_entity_id(call.params["id"])).data.get("status_histories") or []
        return {"items": items, "total_count": len(items)}

    def creditmemos(call: Call) -> Any:
        with state.lock:
            rows = [state.creditmemos[k] for k in sorted(state.creditmemos)]
        return api.listing(call, rows)

    def creditmemo(call: Call) -> Any:
        with state.lock:
            memo = state.creditmemos.get(_entity_id(call.params["id"]))
        if memo is None:
            raise ApiError(404, {"message": ENTITY_MISSING})
        return memo

    def invoices(call: Call) -> Any:
        with state.lock:
            rows = [state.invoices[k] for k in sorted(state.invoices)]
        return api.listing(call, rows)

    def invoice(call: Call) -> Any:
        with state.lock:
            found = state.invoices.get(_entity_id(call.params["id"]))
        if found is None:
            raise ApiError(404, {"message": ENTITY_MISSING})
        return found

    def store_configs(call: Call) -> Any:
        wanted = set(call.request.query.get("storeCodes[]", []) + call.request.query.get(
            "storeCodes", []))
        with state.lock:
            return [dict(c) for c in state.store_configs if not wanted or c["code"] in wanted]

    def refund(call: Call) -> Any:
        """``POST /V1/order/{orderId}/refund`` (offline): items by ``order_item_id``, the
        ``arguments`` (shipping, adjustments, ``return_to_stock_items``); -> the memo id."""
        order_id = _entity_id(call.params["id"])
        body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
        args: dict[str, Any] = body["arguments"] if isinstance(body.get("arguments"), dict) else {}
        with state.lock:
            rows = {r["item_id"]: r for r in state.record(order_id).data.get("items") or []}
        spec: dict[str, Any] = {}
        if body.get("items"):
            spec["lines"] = [{"sku": rows[int(i["order_item_id"])]["sku"], "qty": i.get("qty", 1)}
                             for i in body["items"] if int(i.get("order_item_id", 0)) in rows]
        for key, target in (("shipping_amount", "shipping"),
                            ("adjustment_positive", "adjustment_positive"),
                            ("adjustment_negative", "adjustment_negative")):
            if args.get(key) is not None:
                spec[target] = args[key]
        ext: dict[str, Any] = args.get("extension_attributes") or {}
        spec["return_to_stock_items"] = list(ext.get("return_to_stock_items") or [])
        return state.refund_order(order_id, spec)

    def customers(call: Call) -> Any:
        with state.lock:
            rows = [state.customers[k] for k in sorted(state.customers)]
        return api.listing(call, rows)

    def customer(call: Call) -> Any:
        raw = call.params["id"]
        with state.lock:
            found = state.customers.get(int(raw)) if raw.isdigit() else None
        if found is None:
            raise ApiError(
                404,
                {
                    "message": "No such entity with %fieldName = %fieldValue",
                    "parameters": {"fieldName": "customerId", "fieldValue": raw},
                },
            )
        return found

    def products(call: Call) -> Any:
        with state.lock:
            rows = [state.product_json(sku) for sku in state.products]
        return api.listing(call, rows)

    def product(call: Call) -> Any:
        try:
            return state.product_json(call.params["sku"])
        except NotFoundError:
            raise ApiError(404, {"message": PRODUCT_MISSING}) from None

    def stock_item(call: Call) -> Any:
        try:
            return state.stock_item(call.params["sku"])
        except NotFoundError:
            raise ApiError(404, {"message": PRODUCT_MISSING}) from None

    def stock_status(call: Call) -> Any:
        try:
            item = state.stock_item(call.params["sku"])
        except NotFoundError:
            raise ApiError(404, {"message": PRODUCT_MISSING}) from None
        return {"product_id": item["product_id"], "stock_id": item["stock_id"],
                "qty": item["qty"], "stock_status": 1 if item["is_in_stock"] else 0,
                "stock_item": item}

    def put_stock_item(call: Call) -> Any:
        item = _object(call, "stockItem")
        sku = call.params["sku"]
        try:
            in_stock = item.get("is_in_stock")
            state.set_stock(sku, item.get("qty"), None if in_stock is None else bool(in_stock))
            return state.stock_item(sku)["item_id"]
        except NotFoundError:
            raise ApiError(404, {"message": PRODUCT_MISSING}) from None

    def source_items(call: Call) -> Any:
        with state.lock:
            rows = [dict(v) for _, v in sorted(state.source_items.items())]
        return api.listing(call, rows)

    def save_source_items(call: Call) -> Any:
        body = call.body
        items = body.get("sourceItems") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise required("sourceItems")
        if api.settings.input_limits and len(items) > MAX_ARRAY_ITEMS:
            raise ApiError(
                400,
                {
                    "message": 'Maximum items of type "\\Magento\\InventoryApi\\Api'
                    f'\\Data\\SourceItemInterface" is {MAX_ARRAY_ITEMS}'
                },
            )
        errors = []
        for item in items:
            for key in ("sku", "source_code", "quantity", "status"):
                if not isinstance(item, dict) or item.get(key) in (None, ""):
                    errors.append({"message": '"%field" can not be empty.', "parameters": {"field": key}})
            if isinstance(item, dict) and item.get("source_code") not in SOURCE_CODES | {None, ""}:
                errors.append(
                    {
                        "message": 'Source with code "%code" does not exist.',
                        "parameters": {"code": item.get("source_code")},
                    }
                )
        if errors:
            raise ApiError(400, {"message": "Validation Failed", "errors": errors})
        with state.lock:
            for item in items:
                state.set_stock(
                    str(item["sku"]),
                    item["quantity"],
                    bool(int(item["status"])),
                    str(item["source_code"]),
                    strict=False,
                )
        return []

    def admin_token(call: Call) -> Any:
        body = call.body if isinstance(call.body, dict) else {}
        for key in ("username", "password"):
            if not body.get(key):
                raise required(key)
        token = api.auth.issue_admin_token(str(body["username"]), str(body["password"]), api.clock.elapsed())
        if token is None:
            raise ApiError(
                401,
                {
                    "message": "The account sign-in was incorrect or your account is "
                    "disabled temporarily. Please wait and try again later."
                },
            )
        return token

    api.add("GET", "orders", "orders", SALES, orders)
    # literal segments first: "orders/items" is not the order with id "items"
    api.add("GET", "orders/items", "orders/items", SALES, order_items)
    api.add("GET", "orders/items/{id}", "orders/items/{id}", SALES, order_item)
    api.add("GET", "orders/{id}", "orders/{id}", SALES, order)
    api.add("POST", "orders/{id}/hold", "orders/{id}/hold", HOLD, hold, write=True)
    api.add("POST", "orders/{id}/unhold", "orders/{id}/unhold", UNHOLD, unhold, write=True)
    api.add("GET", "orders/{id}/comments", "orders/{id}/comments", SALES, order_comments)
    api.add("POST", "orders/{id}/comments", "orders/{id}/comments", COMMENT, comments, write=True)
    api.add("GET", "creditmemos", "creditmemos", SALES, creditmemos)
    api.add("GET", "creditmemo/{id}", "creditmemo/{id}", SALES, creditmemo)
    api.add("GET", "invoices", "invoices", SALES, invoices)
    api.add("GET", "invoices/{id}", "invoices/{id}", SALES, invoice)
    api.add("POST", "order/{id}/refund", "order/{orderId}/refund", CREDITMEMO, refund, write=True)
    api.add("GET", "store/storeConfigs", "store/storeConfigs", STORES, store_configs)
    api.add("GET", "customers/search", "customers/search", CUSTOMERS, customers)
    api.add("GET", "customers/{id}", "customers/{id}", CUSTOMERS, customer)
    api.add("GET", "products", "products", PRODUCTS, products)
    api.add("GET", "products/{sku}", "products/{sku}", PRODUCTS, product)
    api.add("GET", "stockItems/{sku}", "stockItems/{sku}", STOCK, stock_item)
    api.add("GET", "stockStatuses/{sku}", "stockStatuses/{productSku}", STOCK, stock_status)
    api.add(
        "PUT",
        "products/{sku}/stockItems/{item_id}",
        "products/{sku}/stockItems/{itemId}",
        STOCK,
        put_stock_item,
        write=True,
    )
    api.add("GET", "inventory/source-items", "inventory/source-items", SOURCES, source_items)
    api.add(
        "POST",
        "inventory/source-items",
        "inventory/source-items",
        SOURCE_ASSIGN,
        save_source_items,
        write=True,
    )
    api.add("POST", "integration/admin/token", "integration/admin/token", None, admin_token)
