"""The Magento 2 simulator as a soak's or crash trial's store (``StoreDriver``)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.testing.store_drivers.simulated import SimulatedStoreDriver
from ecom_ledger_desktop.testing.verify import StoreRecord, StoreView, record_date

PAGE = 300  # Magento's largest pageSize


def make_driver(*, seed: int, orders: int, time_scale: float = 1.0) -> Magento2StoreDriver:
    """A Magento simulator with ``orders`` seeded orders, started (its clock runs in real time:
    ``time_scale`` only paces the ledger side)."""
    return Magento2StoreDriver(Magento2Simulator(seed=seed, seed_orders=orders).start())


class Magento2StoreDriver(SimulatedStoreDriver[Magento2Simulator]):
    """Magento 2 simulator behind the neutral driver calls (its ``add_order`` spec is the
    neutral spec; source ids are entity ids)."""

    kind = "magento2"

    def catalog(self) -> list[dict[str, Any]]:
        return [{"sku": p["sku"], "name": p["name"], "price": p["price"]}
                for p in self.sim.catalog() if p.get("type", "simple") == "simple"]

    def pay(self, source_id: str) -> None:
        self.sim.invoice_order(int(source_id))

    def view(self) -> StoreView:
        settings, secrets = self.connection()
        return Magento2RestView(settings["base_url"], secrets["token"],
                                settings.get("store_code", "default"))


class Magento2RestView:
    """``StoreView`` of a Magento 2 shop through its REST API (simulated or real)."""

    def __init__(self, base_url: str, token: str, store_code: str = "default") -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.store_code = store_code

    def records(self) -> list[StoreRecord]:
        """Every order and credit memo."""
        out = [StoreRecord("order", str(o["entity_id"]), str(o.get("increment_id") or ""),
                           record_date(o.get("created_at")), canceled=o.get("state") == "canceled")
               for o in self._all("orders")]
        out += [StoreRecord("refund", str(m["entity_id"]), str(m.get("increment_id") or ""),
                            record_date(m.get("created_at")),
                            order_source_id=str(m.get("order_id")))
                for m in self._all("creditmemos")]
        return out

    def _all(self, resource: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self._get(resource, {"searchCriteria[pageSize]": str(PAGE),
                                        "searchCriteria[currentPage]": str(page)})
            rows = list(body.get("items") or [])
            items.extend(rows)
            if not rows or len(items) >= int(body.get("total_count") or 0):
                return items
            page += 1

    def _get(self, resource: str, params: dict[str, str]) -> dict[str, Any]:
        url = f"{self.base_url}/rest/{self.store_code}/V1/{resource}"
        headers = {"Authorization": f"Bearer {self.token}"}
        for attempt in range(1, 6):  # the shop may still be injecting faults
            try:
                response = httpx.get(url, params=params, headers=headers, timeout=60)
            except httpx.TransportError:
                if attempt == 5:
                    raise
                continue
            if response.status_code < 500 or attempt == 5:
                response.raise_for_status()
                value = json.loads(response.text)
                assert isinstance(value, dict)
                return value
        raise AssertionError("unreachable")  # pragma: no cover
