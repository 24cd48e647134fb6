"""The ``/__sim__/`` control API of the QBO simulator (tests and the demo drive it).

``/__sim__/faults`` itself is served by the shared server; everything else is here:

- ``POST drop_after_apply {"count": n}``: the next n applied writes get no reply
- ``POST throttle {"count": n}``: the next n API requests get 429
- ``POST expire_access_tokens`` / ``POST revoke_refresh_tokens``
- ``POST book_close_date {"date": "YYYY-MM-DD" | null}``
- ``POST items/{Id}/qty {"QtyOnHand": n}``: an inventory adjustment made in QuickBooks
- ``POST seed_items {"items": [{sku, name, price, qty}]}``
- ``POST authorize_code {"redirect_uri"?}`` -> ``{"code", "realmId"}``
- ``POST advance_clock {"seconds": s}``, ``POST deny_consent {"deny": bool}``
- ``GET entities/{Entity}``: every stored object incl. inactive/voided/deleted
- ``POST exchange_rate {"currency", "rate", "as_of"?}``: QuickBooks' own rate from a date on
- ``GET stats``: request counts by kind
- ``GET ledger/tax_liability?start=&end=&by=agency|rate``, ``GET ledger/account_balance?
  account=&as_of=``, ``GET ledger/open_receivables?as_of=``: the ``sim.reports`` figures
  (amounts as decimal strings)
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ecom_ledger_desktop.sandbox.server import CONTROL_PREFIX, SimRequest, SimResponse

if TYPE_CHECKING:
    from .simulator import QboSimulator

ITEM_QTY = re.compile(r"^items/(?P<id>[^/]+)/qty$")


def _json(request: SimRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    value = request.json()
    return value if isinstance(value, dict) else {}


def control(sim: QboSimulator, request: SimRequest) -> SimResponse:
    """Serve one control request."""
    name = request.path[len(CONTROL_PREFIX):].strip("/")
    try:
        return _route(sim, request, name)
    except (KeyError, ValueError, TypeError) as exc:
        return SimResponse.json({"error": f"{type(exc).__name__}: {exc}"}, 400)


def _route(sim: QboSimulator, request: SimRequest, name: str) -> SimResponse:
    ok = SimResponse.json({"ok": True})
    if request.method == "GET":
        if name == "stats":
            return SimResponse.json(sim.stats())
        if name.startswith("entities/"):
            return SimResponse.json(sim.entities(name.split("/", 1)[1]))
        if name.startswith("ledger/"):
            return SimResponse.json(_ledger(sim, name.split("/", 1)[1], request))
        if name == "info":
            return SimResponse.json({"base_url": sim.base_url, "realm_id": sim.realm_id,
                                     "client_id": sim.client_id})
        return SimResponse.json({"error": f"unknown control {name}"}, 404)
    body = _json(request)
    match = ITEM_QTY.match(name)
    if match:
        sim.adjust_qty(match["id"], body["QtyOnHand"])
        return ok
    if name == "drop_after_apply":
        sim.drop_next_writes_after_apply(int(body.get("count", 1)))
    elif name == "throttle":
        sim.throttle_next(int(body.get("count", 1)))
    elif name == "expire_access_tokens":
        sim.expire_access_tokens()
    elif name == "revoke_refresh_tokens":
        sim.revoke_refresh_tokens()
    elif name == "book_close_date":
        sim.set_book_close_date(body.get("date"))
    elif name == "seed_items":
        sim.seed_items(list(body["items"]))
    elif name == "authorize_code":
        return SimResponse.json(sim.authorize_code(body.get("redirect_uri")))
    elif name == "exchange_rate":
        as_of = body.get("as_of")
        sim.set_exchange_rate(str(body["currency"]), body["rate"],
                              date.fromisoformat(as_of) if as_of else None)
    elif name == "advance_clock":
        sim.clock.advance(float(body["seconds"]))
    elif name == "deny_consent":
        sim.oauth.deny_consent = bool(body.get("deny", True))
    else:
        return SimResponse.json({"error": f"unknown control {name}"}, 404)
    return ok


def _ledger(sim: QboSimulator, what: str, request: SimRequest) -> Any:
    """The accountant's-view figures as JSON."""
    def day(key: str) -> date | None:
        value = request.param(key)
        return date.fromisoformat(value) if value else None

    if what == "tax_liability":
        start, end = day("start"), day("end")
        if start is None or end is None:
            raise ValueError("start and end are required")
        figures = sim.reports.tax_liability(start, end, request.param("by") or "agency")
        return {key: _text(value) for key, value in figures.items()}
    if what == "account_balance":
        return {"balance": _text(sim.reports.account_balance(str(request.param("account")),
                                                             day("as_of")))}
    if what == "open_receivables":
        return [{k: _text(v) for k, v in asdict(o).items()}
                for o in sim.reports.open_receivables(day("as_of"))]
    raise KeyError(what)


def _text(value: Any) -> str | None:
    """Money with two decimals, dates in ISO form, None as null."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value.isoformat() if isinstance(value, date) else str(value)
