"""The ``/__sim__/`` control API: test helpers reachable from other processes (no auth)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..server import CONTROL_PREFIX, SimRequest, SimResponse
from .catalog_state import NotFoundError
from .lifecycle import LifecycleError

if TYPE_CHECKING:
    from .simulator import Magento2Simulator

_ORDER_ACTION = re.compile(r"^orders/(\d+)(?:/(edit|invoice|cancel|refund|raw|ship|comment))?$")
SETTINGS = ("bearer_enabled", "repeat_last_page", "input_limits", "rate_limit_per_minute",
            "date_skew_seconds")


def _body(request: SimRequest) -> Any:
    return request.json() if request.body else {}


def handle_control(sim: Magento2Simulator, request: SimRequest) -> SimResponse:
    """Answer one ``/__sim__/...`` request."""
    path = request.path[len(CONTROL_PREFIX) :].strip("/")
    try:
        return _dispatch(sim, request, path)
    except NotFoundError:
        return SimResponse.json({"error": "no such order"}, 404)
    except (LifecycleError, KeyError, TypeError, ValueError) as error:
        return SimResponse.json({"error": f"{type(error).__name__}: {error}"}, 400)


def _dispatch(sim: Magento2Simulator, request: SimRequest, path: str) -> SimResponse:
    post = request.method == "POST"
    if path == "orders" and post:
        return SimResponse.json({"entity_id": sim.add_order(_body(request))})
    match = _ORDER_ACTION.match(path)
    if match:
        oid, action = int(match.group(1)), match.group(2)
        if action is None and request.method == "GET":
            sim.state.record(oid)
            return SimResponse.json({"order": sim.order_json(oid), "comments": sim.comments(oid)})
        if post and action == "edit":
            sim.edit_order(oid, _body(request))
            return SimResponse.json({"ok": True})
        if post and action == "invoice":
            return SimResponse.json({"invoice_id": sim.invoice_order(oid)})
        if post and action == "cancel":
            sim.cancel_order(oid)
            return SimResponse.json({"ok": True})
        if post and action == "ship":
            sim.state.ship_order(oid)
            return SimResponse.json({"ok": True})
        if post and action == "refund":
            return SimResponse.json({"creditmemo_id": sim.refund_order(oid, _body(request))})
        if post and action == "raw":
            sim.put_raw_order(oid, _body(request))
            return SimResponse.json({"ok": True})
        if post and action == "comment":
            sim.state.add_comment(oid, _body(request))
            return SimResponse.json({"ok": True})
    if path == "stock" and request.method == "GET":
        return SimResponse.json(sim.stock())
    if path == "catalog" and request.method == "GET":
        return SimResponse.json(sim.catalog_skus())
    if path == "corrupt" and post:
        body = _body(request)
        sim.corrupt_next_responses(int(body.get("count", 1)), str(body.get("mode", "truncate")))
        return SimResponse.json({"ok": True})
    if path == "settings":
        if post:
            sim.configure(**{k: v for k, v in _body(request).items() if k in SETTINGS})
        return SimResponse.json(sim.settings_dict())
    if path == "clock" and post:
        sim.clock.advance(float(_body(request).get("advance", 0)))
        return SimResponse.json({"now": sim.clock.now().isoformat()})
    if path == "stats" and request.method == "GET":
        with sim.api._lock:
            routes = dict(sim.api.stats)
        return SimResponse.json({"routes": routes, "total": sum(routes.values())})
    return SimResponse.json({"error": f"unknown control endpoint {request.method} {path}"}, 404)
