"""The ``/__sim__/`` control API: test helpers reachable from other processes (no auth)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..server import CONTROL_PREFIX, SimRequest, SimResponse
from .orders import OrderError

if TYPE_CHECKING:
    from .simulator import PrestaShopSimulator

_ORDER_ACTION = re.compile(r"^orders/(\d+)(?:/(edit|pay|ship|cancel|refund|raw|state))?$")
SETTINGS = ("version", "dates_need_flag", "date_skew_seconds", "rate_limit_per_minute",
            "notice_after_write", "enabled", "utc_writes", "refunds_touch_order", "languages")


def _body(request: SimRequest) -> Any:
    return request.json() if request.body else {}


def handle_control(sim: PrestaShopSimulator, request: SimRequest) -> SimResponse:
    """Answer one ``/__sim__/...`` request."""
    path = request.path[len(CONTROL_PREFIX):].strip("/")
    try:
        return _dispatch(sim, request, path)
    except KeyError:
        return SimResponse.json({"error": "no such record"}, 404)
    except (OrderError, TypeError, ValueError) as error:
        return SimResponse.json({"error": f"{type(error).__name__}: {error}"}, 400)


def _dispatch(sim: PrestaShopSimulator, request: SimRequest, path: str) -> SimResponse:
    post = request.method == "POST"
    if path == "orders" and post:
        return SimResponse.json({"id": sim.add_order(_body(request))})
    match = _ORDER_ACTION.match(path)
    if match:
        oid, action = int(match.group(1)), match.group(2)
        if action is None and request.method == "GET":
            return SimResponse.json({"order": sim.order_json(oid)})
        if post and action == "edit":
            sim.edit_order(oid, _body(request))
        elif post and action == "pay":
            sim.pay_order(oid)
        elif post and action == "ship":
            sim.ship_order(oid)
        elif post and action == "cancel":
            sim.cancel_order(oid)
        elif post and action == "state":
            sim.set_state(oid, int(_body(request)["state"]))
        elif post and action == "refund":
            return SimResponse.json({"order_slip_id": sim.refund_order(oid, _body(request))})
        elif post and action == "raw":
            sim.rewrite_order(oid, _body(request))
        else:
            return SimResponse.json({"error": f"unknown action {action}"}, 404)
        return SimResponse.json({"ok": True})
    if path == "stock" and request.method == "GET":
        return SimResponse.json(sim.stock())
    if path == "catalog" and request.method == "GET":
        return SimResponse.json(sim.catalog())
    if path == "corrupt" and post:
        body = _body(request)
        sim.corrupt_next_responses(int(body.get("count", 1)), str(body.get("mode", "truncate")))
        return SimResponse.json({"ok": True})
    if path == "permissions" and post:
        body = _body(request)
        sim.set_permissions(str(body["resource"]), list(body.get("methods", [])))
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
