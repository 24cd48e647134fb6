"""The PrestaShop simulator as the store of a soak or crash trial (protocol B).

The driver places, pays, edits, refunds and cancels orders from the neutral spec (Magento-style
payment codes: check and bank wire are offline, PayPal and card online) and lists every order and
credit slip through the shop's own Webservice for the exactly-once verification.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.prestashop.seed import DEMO_CATALOG
from ecom_ledger_desktop.testing.store_drivers.simulated import SimulatedStoreDriver
from ecom_ledger_desktop.testing.verify import StoreRecord, StoreView

CANCELED_STATES = frozenset({"6"})
PAGE = 500


def _day(value: Any) -> date | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").date()  # noqa: DTZ007 - shop-local
    except ValueError:
        return None


class PrestaShopView:
    """``StoreView`` of a PrestaShop shop through its Webservice (simulated or real)."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key

    def records(self) -> list[StoreRecord]:
        """Every order and credit slip (dates are the shop's local calendar days)."""
        out = [StoreRecord("order", str(o["id"]), str(o["id"]), _day(o.get("date_add")),
                           canceled=str(o.get("current_state")) in CANCELED_STATES)
               for o in self._all("orders", "[id,date_add,current_state]")]
        out += [StoreRecord("refund", str(s["id"]), f"SL{int(s['id']):06d}",
                            _day(s.get("date_add")), order_source_id=str(s.get("id_order")))
                for s in self._all("order_slip", "[id,id_order,date_add]")]
        return out

    def _all(self, resource: str, display: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            body = self._get(resource, {"display": display, "sort": "[id_ASC]",
                                        "limit": f"{len(items)},{PAGE}"})
            page = body.get(resource, []) if isinstance(body, dict) else []
            items.extend(page)
            if len(page) < PAGE:
                return items

    def _get(self, resource: str, params: dict[str, str]) -> Any:
        url = f"{self.base_url}/api/{resource}"
        for attempt in range(1, 6):  # the shop may still be injecting faults
            try:
                response = httpx.get(url, params={**params, "output_format": "JSON"},
                                     auth=(self.key, ""), timeout=60)
            except httpx.TransportError:
                if attempt == 5:
                    raise
                continue
            if response.status_code < 500 or attempt == 5:
                response.raise_for_status()
                try:
                    return response.json()
                except ValueError:  # a corrupted answer: ask again
                    if attempt == 5:
                        raise
                    continue
        raise AssertionError("unreachable")  # pragma: no cover


class PrestaShopDriver(SimulatedStoreDriver[PrestaShopSimulator]):
    """Satisfies ``testing.soak_drivers.StoreDriver`` for the PrestaShop simulator."""

    kind = "prestashop"

    def catalog(self) -> list[dict[str, Any]]:
        """The products sold (the books also know the gift wrapping service)."""
        return [{"sku": p["sku"], "name": p["name"], "price": p["price"]} for p in DEMO_CATALOG]

    def pay(self, source_id: str) -> None:
        self.sim.pay_order(int(source_id))

    def view(self) -> StoreView:
        return PrestaShopView(self.sim.base_url, self.sim.token)


def make_driver(*, seed: int, orders: int, time_scale: float = 1.0) -> PrestaShopDriver:
    """A started simulator with ``orders`` seeded orders, behind its driver (its clock runs in
    real time, as Magento's driver's: ``time_scale`` only paces the ledger side)."""
    return PrestaShopDriver(PrestaShopSimulator(seed=seed, seed_orders=orders).start())
