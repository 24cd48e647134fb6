"""``/__sim__/`` control API of the X-Cart simulator (no auth): tests and the demo drive it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..server import CONTROL_PREFIX, SimRequest, SimResponse
from .store import SimError

if TYPE_CHECKING:
    from .simulator import XCartSimulator

_ORDER = re.compile(r"^orders/(\d+)(?:/(edit|pay|cancel|refund|raw))?$")


def handle_control(sim: XCartSimulator, request: SimRequest) -> SimResponse:
    path = request.path[len(CONTROL_PREFIX):].strip("/")
    body: Any = request.json() if request.body else {}
    try:
        if path == "orders" and request.method == "POST":
            return SimResponse.json({"order_id": sim.add_order(body)})
        if path == "settings":
            if request.method == "POST":
                sim.configure(**body)
            return SimResponse.json(sim.settings_dict())
        if path == "stock":
            return SimResponse.json(sim.stock())
        if path == "stats":
            with sim._stats_lock:
                routes = dict(sim.stats)
            return SimResponse.json({"routes": routes, "total": sum(routes.values())})
        if path == "clock" and request.method == "POST":
            sim.clock.advance(float(body.get("advance", 0)))
            return SimResponse.json({"now": sim.clock.now().isoformat()})
        match = _ORDER.match(path)
        if match:
            oid, action = int(match.group(1)), match.group(2)
            if action is None:
                return SimResponse.json(sim.order_json(oid))
            if action == "edit":
                sim.edit_order(oid, body)
            elif action == "pay":
                sim.pay_order(oid)
            elif action == "cancel":
                sim.cancel_order(oid)
            elif action == "refund":
                return SimResponse.json({"refund_id": sim.refund_order(oid, body)})
            elif action == "raw":
                sim.put_raw_order(oid, body)
            return SimResponse.json({"ok": True})
    except SimError as error:
        return SimResponse.json({"error": str(error)}, 404 if "no order" in str(error) else 400)
    except (KeyError, TypeError, ValueError) as error:
        return SimResponse.json({"error": f"{type(error).__name__}: {error}"}, 400)
    return SimResponse.json({"error": f"unknown control path {path!r}"}, 404)
