"""The X-Cart 5.0-5.4 "REST API" add-on: ``admin.php?target=RESTAPI&_key=K&_path=...``.

A wrong or missing key answers 404 (as the add-on's ``markAsAccessDenied`` does); the read-only
key may only GET; ``_schema=complex`` is GET-only (403 otherwise). ``_method`` or
``X-HTTP-Method-Override`` pick the method. ``model`` comes as ``model[...]`` query/form fields
or as a JSON string in a ``model`` field. Errors are HTTP 400 with ``X-REST-Error`` and ``null``.
Order lists take ``_cnd``: ``dateRange``/``date`` ``[start, end]`` (inclusive, on the creation
date), ``paymentStatus``/``shippingStatus`` (id or code), ``orderBy [field, dir]``, ``limit
[offset, count]``; without ``_cnd`` every row comes back. There is no update-time condition.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from ..server import SimRequest, SimResponse
from . import documents
from .http import Gate, as_list, php_params
from .model import CURRENCIES, PAYMENT_STATUSES, SHIPPING_STATUSES, Order
from .store import ShopState, SimError

ORDER_FIELDS = {"o.lastRenewDate": lambda o: o.last_renew, "o.date": lambda o: o.date,
                "o.order_id": lambda o: o.order_id, "o.orderNumber": lambda o: int(o.number)
                if o.number.isdigit() else 0, "o.total": lambda o: o.total}


class RestAddon:
    """Routes ``admin.php?target=RESTAPI`` requests against a ``ShopState``."""

    def __init__(self, state: ShopState, gate: Gate, keys: dict[str, str]) -> None:
        self.state, self.gate, self.keys = state, gate, keys  # keys: "read", "write"

    def handle(self, request: SimRequest) -> SimResponse:
        if request.path not in ("/admin.php", "/cart.php") or request.param("target") != "RESTAPI":
            return SimResponse(404, b"<html>Page not found</html>", {"Content-Type": "text/html"})
        limited = self.gate.limited()
        if limited is not None:
            return limited
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)) \
            if request.body and "json" not in request.header("content-type") else {}
        params = php_params([*((k, v) for k, vs in request.query.items() for v in vs),
                             *form.items()])
        method = str(params.get("_method") or request.header("x-http-method-override")
                     or request.method).upper()
        key = str(params.get("_key", ""))
        if not key or key not in (self.keys.get("read"), self.keys.get("write")):
            return SimResponse(404, b"", {"Date": self.gate.date_header()})
        if method != "GET" and key != self.keys.get("write"):
            return SimResponse(404, b"", {"Date": self.gate.date_header()})
        schema = str(params.get("_schema") or "default")
        if schema == "complex" and method != "GET":
            return SimResponse(403, b"", {"Date": self.gate.date_header()})
        path = str(params.get("_path", "")).strip("/")
        entity, _, ident = path.partition("/")
        try:
            model = _model(params, request)
            with self.state.lock:
                return self._route(request, method, entity, ident, schema, params, model)
        except SimError as error:
            return self.gate.rest_error(str(error))
        except (KeyError, ValueError, TypeError) as error:
            return self.gate.rest_error(f"{type(error).__name__}: {error}")

    # -- routing -------------------------------------------------------------------------------

    def _route(self, request: SimRequest, method: str, entity: str, ident: str, schema: str,
               params: dict[str, Any], model: Any) -> SimResponse:
        if entity == "order":
            if method == "GET":
                return self._get_orders(request, ident, schema, params.get("_cnd"))
            if method == "PUT" and ident:
                return self._put_order(request, int(ident), model)
        elif entity == "product":
            if method == "GET":
                return self._get_products(request, ident, params.get("_cnd"))
            if method == "PUT" and ident:
                return self._put_product(request, int(ident), model)
        elif entity == "xc-productvariants-productvariant":
            if method == "GET":
                return self._get_variants(request, ident, params.get("_cnd"))
            if method == "PUT":
                return self._put_variants(request, ident, model)
        elif entity == "profile" and method == "GET":
            found = self.state.profiles.get(int(ident)) if ident else None
            if ident:
                return self.gate.answer(request, None if found is None
                                        else documents.profile(found))
            return self.gate.answer(request, [documents.profile(p)
                                              for p in self.state.profiles.values()])
        elif entity == "payment-transaction" and method == "GET":
            rows = [documents.transaction(t, o) for o in self.state.orders.values()
                    if o.raw is None for t in o.transactions]
            return self.gate.answer(request, rows)
        elif entity in ("cdev-salestax-tax", "cdev-vat-tax") and method == "GET":
            return self.gate.answer(request, documents.tax_rates(self.state.tax_rates,
                                                                 entity == "cdev-vat-tax"))
        elif entity == "config" and method == "GET":
            return self.gate.answer(request, self._config())
        elif entity in ("order", "product", "profile", "config", "payment-transaction"):
            raise SimError(f"Method {method} is not allowed for {entity}")
        raise SimError(f"Unknown path {entity!r}")

    def _config(self) -> list[dict[str, Any]]:
        return [{"config_id": 1, "name": "time_zone", "category": "Units",
                 "type": "XLite\\View\\FormField\\Select\\TimeZone", "value": self.state.timezone},
                {"config_id": 2, "name": "shop_currency", "category": "General",
                 "type": "XLite\\View\\FormField\\Select\\Currency",
                 "value": str(CURRENCIES.get(self.state.currency, (0,))[0])},
                {"config_id": 3, "name": "company_name", "category": "Company",
                 "type": "text", "value": "Simulated X-Cart shop"}]

    def order_doc(self, order: Order) -> dict[str, Any]:
        orig = self.state.profiles.get(order.orig_profile_id or 0)
        return documents.default_order(order, orig, self.state.rate_id)

    def _get_orders(self, request: SimRequest, ident: str, schema: str, cnd: Any) -> SimResponse:
        if ident:
            found = self.state.orders.get(int(ident)) if ident.isdigit() else None
            if found is None:
                return self.gate.answer(request, None)
            doc = self.order_doc(found)
            if schema == "complex":
                doc = documents.complex_order(doc, self.state.timezone)
            return self.gate.answer(request, doc, last_modified=found.last_renew)
        rows = self._search(cnd if isinstance(cnd, dict) else None)
        docs = [self.order_doc(o) for o in rows]
        if schema == "complex":
            docs = [documents.complex_order(d, self.state.timezone) for d in docs]
        return self.gate.answer(request, docs)

    def _search(self, cnd: dict[str, Any] | None) -> list[Order]:
        rows = list(self.state.orders.values())
        if not cnd:
            return rows  # findAllForREST: every row, unbounded
        for key in ("dateRange", "date"):
            if key in cnd:
                start, end = (int(v) for v in as_list(cnd[key])[:2])
                rows = [o for o in rows if start <= _created(o) <= end]
        for key, table, attr in (("paymentStatus", PAYMENT_STATUSES, "payment_status"),
                                 ("shippingStatus", SHIPPING_STATUSES, "shipping_status")):
            if key in cnd:
                wanted = {_status_code(v, table) for v in as_list(cnd[key])}
                rows = [o for o in rows if getattr(o, attr) in wanted]
        if "orderBy" in cnd:
            field, direction = [*as_list(cnd["orderBy"]), "asc"][:2]
            read = ORDER_FIELDS.get(str(field))
            if field == "o.lastRenewDate" and not self.gate.switches.order_by_last_renew:
                read = None
            if read is None:
                raise SimError(f"[Semantical Error] Class XLite\\Model\\Order has no field {field}")
            # ties in MySQL come in primary-key order here (InnoDB reads the index in order)
            rows.sort(key=lambda o: o.order_id)
            rows.sort(key=lambda o: _sort_value(read, o), reverse=str(direction).lower() == "desc")
        if "limit" in cnd:
            offset, count = (int(v) for v in as_list(cnd["limit"])[:2])
            rows = rows[offset: offset + count]
        return rows

    def _put_order(self, request: SimRequest, order_id: int, model: Any) -> SimResponse:
        order = self.state.orders.get(order_id)
        if order is None or not isinstance(model, dict):
            raise SimError("Entity not found" if order is None else "model is required")
        if "adminNotes" in model:
            self.state.set_note(order_id, str(model["adminNotes"]))
        for key, attr, table in (("paymentStatus", "payment_status", PAYMENT_STATUSES),
                                 ("shippingStatus", "shipping_status", SHIPPING_STATUSES)):
            value = model.get(key)
            if isinstance(value, dict):
                code = _status_code(value.get("id", value.get("code")), table)
                if code not in table:
                    raise SimError(f"Unknown {key} {value}")
                setattr(order, attr, code)
                self.state.touch(order, "CHANGE_STATUS", f"{key} changed to {code}")
        return self.gate.answer(request, self.order_doc(order))

    def _get_products(self, request: SimRequest, ident: str, cnd: Any) -> SimResponse:
        if ident:
            found = self.state.products.get(int(ident)) if ident.isdigit() else None
            return self.gate.answer(request, None if found is None else documents.product(found))
        rows = list(self.state.products.values())
        if isinstance(cnd, dict) and "sku" in cnd:
            rows = [p for p in rows if p.sku == str(cnd["sku"])]
        if isinstance(cnd, dict) and "limit" in cnd:
            offset, count = (int(v) for v in as_list(cnd["limit"])[:2])
            rows = rows[offset: offset + count]
        return self.gate.answer(request, [documents.product(p) for p in rows])

    def _put_product(self, request: SimRequest, product_id: int, model: Any) -> SimResponse:
        product = self.state.products.get(product_id)
        if product is None:
            return self.gate.answer(request, None)
        if not isinstance(model, dict):
            raise SimError("model is required")
        amount = model.get("amount", (model.get("inventory") or {}).get("amount")
                           if isinstance(model.get("inventory"), dict) else None)
        if amount is not None:
            product.amount = _int(amount)
        product.update_date = self.state.now()
        return self.gate.answer(request, documents.product(product))

    def _variants(self) -> list[tuple[Any, Any]]:
        return [(v, p) for p in self.state.products.values() for v in p.variants]

    def _get_variants(self, request: SimRequest, ident: str, cnd: Any) -> SimResponse:
        pairs = self._variants()
        if ident:
            found = [documents.variant(v, p) for v, p in pairs if str(v.id) == ident]
            return self.gate.answer(request, found[0] if found else None)
        if isinstance(cnd, dict) and "sku" in cnd:
            pairs = [(v, p) for v, p in pairs if v.sku == str(cnd["sku"])]
        return self.gate.answer(request, [documents.variant(v, p) for v, p in pairs])

    def _put_variants(self, request: SimRequest, ident: str, model: Any) -> SimResponse:
        rows = [model] if ident else as_list(model)
        by_id = {str(v.id): v for v, _ in self._variants()}
        out = []
        for row in rows:
            if not isinstance(row, dict):
                raise SimError("model is required")
            variant = by_id.get(ident or str(row.get("id")))
            if variant is None:
                raise SimError(f"Variant {ident or row.get('id')} not found")
            if "amount" in row:
                variant.amount = _int(row["amount"])
            out.append(variant.id)
        return self.gate.answer(request, out)


def _created(order: Order) -> int:
    if order.raw is not None and isinstance(order.raw.get("date"), int):
        return int(order.raw["date"])
    return order.date


def _sort_value(read: Callable[[Order], Any], order: Order) -> Any:
    if order.raw is not None:  # a verbatim document sorts by what it says (or first)
        value = order.raw.get("lastRenewDate")
        return value if isinstance(value, int) else 0
    return read(order)


def _status_code(value: Any, table: dict[str, tuple[int, int]]) -> str:
    text = str(value)
    for code, (ident, _) in table.items():
        if text == str(ident):
            return code
    return text


def _int(value: Any) -> int:
    number = float(str(value))
    if number != int(number):
        raise SimError(f"amount must be an integer, got {value}")
    return int(number)


def _model(params: dict[str, Any], request: SimRequest) -> Any:
    """``model[...]`` fields, a JSON string in ``model``, or a JSON request body."""
    model = params.get("model")
    if isinstance(model, str) and model.strip()[:1] in ("{", "["):
        return json.loads(model)
    if model is None and request.body and "json" in request.header("content-type"):
        body = json.loads(request.body)
        return body.get("model", body) if isinstance(body, dict) else body
    return model
