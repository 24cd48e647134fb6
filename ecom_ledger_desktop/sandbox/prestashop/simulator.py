"""``PrestaShopSimulator``: the public face of the PrestaShop Webservice simulator."""

from __future__ import annotations

import copy
import random
from types import TracebackType
from typing import Any

from ..server import FaultPlan, SimClock, SimRequest, SimResponse, SimulatorServer
from . import render
from .control import handle_control
from .orders import Orders
from .resources import RESOURCES
from .seed import DEMO_CATALOG, seed_catalog
from .seed import seed_orders as place_demo_orders
from .shop import Shop
from .webservice import Settings, Webservice

DEFAULT_KEY = "SIMULATEDPRESTASHOPWEBSERVICE001"  # 32 characters, as the back office makes them


class PrestaShopSimulator:
    """A PrestaShop 1.7 / 8.x shop on loopback: ``/api/...`` plus ``/__sim__/`` control.

    ``version`` "1.7" or "8" (JSON typing, PATCH); ``first_order_id`` where order ids start (a
    real shop's are rarely 1, 2, 3: tests then find an order's id in a message unambiguously);
    ``currency`` the shop's default currency (the books').
    """

    demo_payment_methods: dict[str, str] = {
        "ps_checkpayment": "Check", "ps_wirepayment": "Bank Transfer", "paypal": "PayPal",
        "stripe_official": "Visa"}

    def __init__(self, token: str = DEFAULT_KEY, clock: SimClock | None = None, *,
                 seed: int = 7, seed_orders: int = 0, timezone: str = "America/New_York",
                 port: int = 0, host: str = "127.0.0.1", rate_limit_per_minute: int | None = None,
                 version: str = "1.7", first_order_id: int = 1, currency: str = "USD") -> None:
        self.clock = clock or SimClock()
        self.token = token
        self.shop = Shop(self.clock.now, timezone)
        self.orders = Orders(self.shop, random.Random(seed))
        self.faults = FaultPlan(seed=seed)
        self.faults.reseed()
        self.api = Webservice(self.shop, self.orders, self.clock, self.faults,
                              keys={token: {name: set(r.methods) for name, r in RESOURCES.items()}},
                              settings=Settings(version=version,
                                                rate_limit_per_minute=rate_limit_per_minute))
        self.shop.set_next_id("orders", first_order_id)
        if currency != "USD":
            self.shop.set_default_currency(currency)
        with self.shop.lock:
            seed_catalog(self.orders)
            place_demo_orders(self.orders, seed, self.clock.now(), seed_orders)
        self.server = SimulatorServer(self._handle, lambda r: handle_control(self, r), host=host,
                                      port=port, faults=self.faults)

    def _handle(self, request: SimRequest) -> SimResponse:
        if request.path == "/api" or request.path.startswith("/api/"):
            return self.api.handle(request)
        return SimResponse(404, b"<html><body><h1>404 Not Found</h1></body></html>",
                           {"Content-Type": "text/html"})

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``; the Webservice is under ``/api``."""
        return self.server.base_url

    def start(self) -> PrestaShopSimulator:
        """Serve in a background thread."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    def __enter__(self) -> PrestaShopSimulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this simulator."""
        return {"base_url": self.base_url}, {"ws_key": self.token}

    def catalog(self) -> list[dict[str, Any]]:
        """The products the books should know: ``{sku, name, price, qty}`` (with the gift
        wrapping service the connector books wrapping to)."""
        return [*copy.deepcopy(DEMO_CATALOG),
                {"sku": "GIFT-WRAPPING", "name": "Gift wrapping", "price": "2.50", "qty": 0}]

    # --- switches ----------------------------------------------------------------------------

    def configure(self, **switches: Any) -> None:
        """Change run-time switches (``Settings`` fields, and ``utc_writes`` of the shop)."""
        for key, value in switches.items():
            if key == "utc_writes":
                self.shop.utc_writes = bool(value)
            elif key == "refunds_touch_order":
                self.orders.refunds_touch_order = bool(value)
            elif key in Settings.__dataclass_fields__:
                setattr(self.api.settings, key, value)
            else:
                raise KeyError(key)

    def settings_dict(self) -> dict[str, Any]:
        """The current switches."""
        values = {k: getattr(self.api.settings, k) for k in Settings.__dataclass_fields__
                  if k not in ("corrupt_count", "corrupt_mode")}
        return {**values, "utc_writes": self.shop.utc_writes,
                "refunds_touch_order": self.orders.refunds_touch_order}

    def set_permissions(self, resource: str, methods: list[str], key: str | None = None) -> None:
        """What ``key`` may do on ``resource`` (no methods: the resource is not granted)."""
        grants = self.api.keys.setdefault(key or self.token, {})
        if methods:
            grants[resource] = {m.upper() for m in methods}
        else:
            grants.pop(resource, None)

    def corrupt_next_responses(self, n: int, mode: str = "truncate") -> None:
        """The next ``n`` API answers get a broken body (``truncate`` or ``garbage``)."""
        if mode not in ("truncate", "garbage"):
            raise ValueError(f"unknown corruption mode {mode!r}")
        with self.api._lock:
            self.api.settings.corrupt_count, self.api.settings.corrupt_mode = n, mode

    # --- the back office ---------------------------------------------------------------------

    def add_order(self, spec: dict[str, Any]) -> int:
        """Place an order from a neutral spec; returns its id."""
        with self.shop.lock:
            return self.orders.add(spec)

    def edit_order(self, oid: int, changes: dict[str, Any]) -> None:
        """Replace lines (and shipping / discount); ``date_upd`` moves."""
        with self.shop.lock:
            self.orders.edit(oid, changes)

    def pay_order(self, oid: int) -> None:
        """"Payment accepted" (records the payment)."""
        with self.shop.lock:
            self.orders.pay(oid)

    def ship_order(self, oid: int) -> None:
        """"Shipped"."""
        with self.shop.lock:
            self.orders.ship(oid)

    def cancel_order(self, oid: int) -> None:
        """"Canceled" (restocks)."""
        with self.shop.lock:
            self.orders.cancel(oid)

    def set_state(self, oid: int, state: int) -> None:
        """Any order state, as the back office's status menu."""
        with self.shop.lock:
            self.orders.history(oid, state)

    def refund_order(self, oid: int, spec: dict[str, Any]) -> int:
        """A partial refund (credit slip); returns the ``order_slip`` id."""
        with self.shop.lock:
            return self.orders.refund(oid, spec)

    def rewrite_order(self, oid: int, changes: dict[str, Any]) -> None:
        """Write ``{"dotted.path": value}`` into the stored order (``{"$delete": true}`` removes a
        key): bad-input tests."""
        with self.shop.lock:
            row = self.shop.row("orders", oid)
            for path, value in changes.items():
                *parents, last = path.split(".")
                target: Any = row
                for part in parents:
                    target = target[int(part)] if isinstance(target, list) else target[part]
                key: Any = int(last) if isinstance(target, list) else last
                if value == {"$delete": True}:
                    del target[key]
                else:
                    target[key] = value

    def order_json(self, oid: int) -> dict[str, Any]:
        """The order as ``GET /api/orders/{id}?output_format=JSON`` serves it (the inner object)."""
        with self.shop.lock:
            return copy.deepcopy(render.json_record(RESOURCES["orders"], self.shop.row(
                "orders", oid), None, self.api.settings.version == "8"))

    def stock(self) -> dict[str, int]:
        """SKU -> quantity on hand."""
        with self.shop.lock:
            return self.shop.stock_by_sku()
