"""The X-Cart simulator as a soak's or crash trial's store (protocol B ``StoreDriver``).

Neutral orders map onto the simulator's spec as they are (its payment methods accept the neutral
Magento codes: check and bank transfer are offline, PayPal and card online); source ids are
X-Cart ``order_id``s. ``view()`` reads every order and refund back through the REST API add-on.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from ecom_ledger_desktop.testing.store_drivers.simulated import SimulatedStoreDriver
from ecom_ledger_desktop.testing.verify import StoreRecord, StoreView

PAGE = 250
REFUND_TYPES = {"refund", "refundpart", "refundmulti"}


def make_driver(*, seed: int, orders: int, time_scale: float = 1.0) -> XCartStoreDriver:
    """An X-Cart simulator with ``orders`` seeded orders, started (its clock runs in real time:
    ``time_scale`` only paces the ledger side)."""
    return XCartStoreDriver(XCartSimulator(seed=seed, seed_orders=orders).start())


class XCartStoreDriver(SimulatedStoreDriver[XCartSimulator]):
    """X-Cart simulator behind the neutral driver calls."""

    kind = "xcart"

    def catalog(self) -> list[dict[str, Any]]:
        return [{"sku": p["sku"], "name": p["name"], "price": p["price"]}
                for p in self.sim.catalog()]

    def pay(self, source_id: str) -> None:
        self.sim.pay_order(int(source_id))

    def view(self) -> StoreView:
        return XCartRestView(self.sim.base_url, self.sim.token, self.sim.state.timezone)


class XCartRestView:
    """``StoreView`` of an X-Cart 5 shop through its REST API add-on (simulated or real)."""

    def __init__(self, base_url: str, key: str, timezone: str) -> None:
        self.base_url, self.key, self.zone = base_url.rstrip("/"), key, ZoneInfo(timezone)

    def _date(self, stamp: Any) -> date | None:
        if not isinstance(stamp, int) or isinstance(stamp, bool):
            return None
        return datetime.fromtimestamp(stamp, UTC).astimezone(self.zone).date()

    def records(self) -> list[StoreRecord]:
        """Every order, and every refund (refund backend transactions) in date order per order."""
        out: list[StoreRecord] = []
        for order in self._orders():
            ident, number = str(order.get("order_id")), str(order.get("orderNumber") or "")
            status = (order.get("paymentStatus") or {}).get("code")
            out.append(StoreRecord("order", ident, number, self._date(order.get("date")),
                                   canceled=status in ("C", "D")))
            backends = [b for t in order.get("payment_transactions") or []
                        for b in t.get("backend_transactions") or []
                        if b.get("status") == "S"
                        and str(b.get("type", "")).lower() in REFUND_TYPES]
            backends.sort(key=lambda b: (b.get("date") or 0, str(b.get("id"))))
            out += [StoreRecord("refund", str(b.get("id")), f"{number}-{n}",
                                self._date(b.get("date")), order_source_id=ident)
                    for n, b in enumerate(backends, 1)]
        return out

    def _orders(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self._get([("_cnd[orderBy][0]", "o.order_id"), ("_cnd[orderBy][1]", "asc"),
                              ("_cnd[limit][0]", str(offset)), ("_cnd[limit][1]", str(PAGE))])
            rows += page
            if len(page) < PAGE:
                return rows
            offset += PAGE

    def _get(self, cnd: list[tuple[str, str]]) -> list[dict[str, Any]]:
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("target", "RESTAPI"), ("_key", self.key), ("_path", "order"), *cnd]
        for attempt in range(8):
            try:
                response = httpx.get(f"{self.base_url}/admin.php", params=params, timeout=30)
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    body = response.json()
                    if isinstance(body, list):
                        return body
            except (httpx.TransportError, ValueError):
                pass
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        raise RuntimeError(f"X-Cart at {self.base_url} did not list its orders after 8 tries")
