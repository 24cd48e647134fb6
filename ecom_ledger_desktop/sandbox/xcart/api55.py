"""X-Cart 5.5+ built-in API Platform: ``/api/...`` with ``X-Auth-Token``.

``GET /api/orders`` pages with ``page`` / ``itemsPerPage`` (default 30) and filters
``date[...]`` / ``lastRenewDate[...]`` (``before``, ``strictly_before``, ``after``,
``strictly_after``; ISO-8601 values), ``order[date]`` / ``order[lastRenewDate]``,
``paymentStatus.code`` and ``shippingStatus.code``. Collections are bare JSON arrays for
``application/json`` or Hydra (``hydra:member``, ``hydra:totalItems``) when ``hydra`` is on or
``application/ld+json`` is asked for. Dates are ISO-8601 in the shop's zone. Writes (the reference
leaves their routes open; modelled here): ``PUT /api/orders/{id}`` ``{"admin_notes"}``,
``PUT /api/products/{id}`` ``{"amount"}``, ``PUT /api/products/{id}/variants/{vid}`` ``{"amount"}``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from ..server import SimRequest, SimResponse
from . import documents
from .http import Gate, Switches, php_params
from .model import Order
from .store import ShopState, SimError

_ORDER = re.compile(r"^/api/orders(?:/(\d+))?$")
_PRODUCT = re.compile(r"^/api/products(?:/(\d+))?(?:/variants/(\d+))?$")
_OPS = {"after": lambda v, b: v >= b, "strictly_after": lambda v, b: v > b,
        "before": lambda v, b: v <= b, "strictly_before": lambda v, b: v < b}


def _problem(status: int, detail: str) -> SimResponse:
    body = {"@context": "/api/contexts/Error", "@type": "hydra:Error",
            "hydra:title": "An error occurred", "hydra:description": detail}
    return SimResponse.json(body, status)


class Api55:
    """Routes ``/api/...`` requests against a ``ShopState``."""

    def __init__(self, state: ShopState, gate: Gate, keys: dict[str, str],
                 switches: Switches, order_doc: Any) -> None:
        self.state, self.gate, self.keys, self.switches = state, gate, keys, switches
        self.order_doc = order_doc

    def handle(self, request: SimRequest) -> SimResponse:
        if not request.path.startswith("/api/"):
            return SimResponse(404, b"<html>Not Found</html>", {"Content-Type": "text/html"})
        limited = self.gate.limited()
        if limited is not None:
            return limited
        token = request.header("x-auth-token")
        if token not in (self.keys.get("read"), self.keys.get("write")) or not token:
            return SimResponse.json({"code": 401, "message": "Invalid API key."}, 401)
        if request.method != "GET" and token != self.keys.get("write"):
            return _problem(403, "Access Denied.")
        try:
            with self.state.lock:
                return self._route(request)
        except SimError as error:
            return _problem(400, str(error))
        except (KeyError, ValueError, TypeError) as error:
            return _problem(400, f"{type(error).__name__}: {error}")

    def _route(self, request: SimRequest) -> SimResponse:
        match = _ORDER.match(request.path)
        if match:
            if match.group(1):
                order = self.state.orders.get(int(match.group(1)))
                if order is None:
                    return _problem(404, "Not Found")
                if request.method == "PUT":
                    body = json.loads(request.body or b"{}")
                    if "admin_notes" in body:
                        self.state.set_note(order.order_id, str(body["admin_notes"]))
                return self.gate.answer(request, self.doc(order))
            return self._list(request)
        match = _PRODUCT.match(request.path)
        if match:
            return self._products(request, match.group(1), match.group(2))
        return _problem(404, f'No route found for "{request.method} {request.path}"')

    def doc(self, order: Order) -> dict[str, Any]:
        return documents.api55_order(self.order_doc(order), self.state.timezone)

    def _list(self, request: SimRequest) -> SimResponse:
        params = php_params([(k, v) for k, vs in request.query.items() for v in vs])
        rows = list(self.state.orders.values())
        docs = [(o, self.doc(o)) for o in rows]
        for field, key in (("date", "create_date"), ("lastRenewDate", "update_date")):
            bounds = params.get(field)
            if isinstance(bounds, dict):
                for op, value in bounds.items():
                    test = _OPS.get(op)
                    if test is None:
                        continue
                    limit = _moment(value)
                    docs = [(o, d) for o, d in docs if isinstance(d.get(key), str)
                            and test(_moment(d[key]), limit)]
        for field in ("paymentStatus.code", "shippingStatus.code"):
            wanted = request.query.get(field) or request.query.get(field + "[]")
            if wanted:
                status_key = "payment_status" if field.startswith("payment") else "shipping_status"
                docs = [(o, d) for o, d in docs if d.get(status_key) in wanted]
        order: dict[str, Any] = params["order"] if isinstance(params.get("order"), dict) else {}
        docs.sort(key=lambda pair: pair[0].order_id)
        for field in reversed(list(order)):
            sort_key = {"date": "create_date", "lastRenewDate": "update_date"}.get(field)
            if sort_key is not None:
                docs.sort(key=partial(_pair_when, sort_key),
                          reverse=str(order[field]).lower() == "desc")
        total = len(docs)
        page = max(1, int(request.param("page") or 1))
        size = min(max(1, int(request.param("itemsPerPage") or 30)), 100)
        if (request.param("pagination") or "true") != "false":
            docs = docs[(page - 1) * size: page * size]
        members = [d for _, d in docs]
        if self.switches.hydra or "ld+json" in request.header("accept"):
            return self.gate.answer(request, {"@context": "/api/contexts/Order", "@id":
                                              "/api/orders", "@type": "hydra:Collection",
                                              "hydra:member": members,
                                              "hydra:totalItems": total})
        return self.gate.answer(request, members)

    def _products(self, request: SimRequest, pid: str | None, vid: str | None) -> SimResponse:
        if pid is None:
            sku = request.param("sku")
            rows = [p for p in self.state.products.values() if sku is None or p.sku == sku
                    or any(v.sku == sku for v in p.variants)]
            return self.gate.answer(request, [_product55(p) for p in rows])
        product = self.state.products.get(int(pid))
        if product is None:
            return _problem(404, "Not Found")
        if request.method == "PUT":
            body = json.loads(request.body or b"{}")
            target: Any = product
            if vid is not None:
                target = next((v for v in product.variants if str(v.id) == vid), None)
                if target is None:
                    return _problem(404, "Not Found")
            if "amount" in body:
                if not isinstance(body["amount"], int) or isinstance(body["amount"], bool):
                    raise SimError("amount: This value should be of type int.")
                target.amount = body["amount"]
        return self.gate.answer(request, _product55(product))


def _product55(p: Any) -> dict[str, Any]:
    return {"id": p.product_id, "sku": p.sku, "name": p.name, "price": documents.num(p.price),
            "amount": p.amount, "variants": [{"id": v.id, "sku": v.sku, "amount": v.amount}
                                             for v in p.variants]}


def _pair_when(key: str, pair: tuple[Order, dict[str, Any]]) -> datetime:
    return _when(pair[1].get(key))


def _when(value: Any) -> datetime:
    return _moment(value) if isinstance(value, str) else datetime.min.replace(tzinfo=UTC)


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace(" ", "T").replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
