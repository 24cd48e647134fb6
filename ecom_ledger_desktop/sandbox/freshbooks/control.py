"""The ``/__sim__/`` control API of the FreshBooks simulator (``/__sim__/faults`` is shared).

- ``POST drop_after_apply {"count": n, "resource"?}``: the next n applied writes (to one
  resource, e.g. "payments", when given) get no answer
- ``POST throttle {"count": n}``: the next n accounting requests get 429
- ``POST expire_access_tokens`` / ``POST revoke_refresh_tokens``
- ``POST lose_next_refresh {"count": n}``: refreshes applied but their answer lost
- ``POST advance_clock {"seconds": s}``
- ``POST records/{resource}``: create a record as the merchant would in FreshBooks
- ``GET records/{resource}``: every stored record, deleted ones included
- ``GET stats``; ``GET reports/tax_collected?start=&end=``, ``GET reports/receivables?as_of=``
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from ecom_ledger_desktop.sandbox.server import CONTROL_PREFIX, SimRequest, SimResponse

if TYPE_CHECKING:
    from .simulator import FreshBooksSimulator


def _body(request: SimRequest) -> dict[str, Any]:
    value = request.json() if request.body else {}
    return value if isinstance(value, dict) else {}


def control(sim: FreshBooksSimulator, request: SimRequest) -> SimResponse:
    """Answer one control request."""
    name = request.path[len(CONTROL_PREFIX):].strip("/")
    body = _body(request) if request.method == "POST" else {}
    if name == "drop_after_apply":
        sim.drop_next_writes_after_apply(int(body.get("count", 1)), str(body.get("resource", "")))
    elif name == "throttle":
        sim.throttle_next(int(body.get("count", 1)))
    elif name == "expire_access_tokens":
        sim.oauth.expire_access_tokens()
    elif name == "revoke_refresh_tokens":
        sim.oauth.revoke_refresh_tokens()
    elif name == "lose_next_refresh":
        sim.oauth.lose_next_refresh = int(body.get("count", 1))
    elif name == "advance_clock":
        sim.clock.advance(float(body.get("seconds", 0)))
    elif name.startswith("records/"):
        resource = name.removeprefix("records/")
        try:
            if request.method == "POST":
                return SimResponse.json(sim.add(resource, body))
            return SimResponse.json(sim.records(resource))
        except StopIteration:
            return SimResponse.json({"error": f"no resource '{resource}'"}, 404)
    elif name == "stats":
        return SimResponse.json(sim.stats())
    elif name == "reports/tax_collected":
        figures = sim.reports.tax_collected(date.fromisoformat(request.param("start") or ""),
                                            date.fromisoformat(request.param("end") or ""))
        return SimResponse.json({k: str(v) for k, v in figures.items()})
    elif name == "reports/receivables":
        as_of = request.param("as_of")
        rows = sim.reports.open_receivables(date.fromisoformat(as_of) if as_of else None)
        return SimResponse.json([{k: str(v) for k, v in asdict(r).items()} for r in rows])
    else:
        return SimResponse.json({"error": f"unknown control '{name}'"}, 404)
    return SimResponse.json({"ok": True})
