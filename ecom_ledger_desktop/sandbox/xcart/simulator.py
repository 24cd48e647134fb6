"""``XCartSimulator``: an X-Cart shop on loopback, as the 5.x REST add-on or the 5.5+ API."""

from __future__ import annotations

import copy
import threading
from types import TracebackType
from typing import Any, ClassVar, Self

from ..server import FaultPlan, SimClock, SimRequest, SimResponse, SimulatorServer
from .api55 import Api55
from .control import handle_control
from .http import Gate, Switches
from .model import Order
from .rest import RestAddon
from .seed import DEMO_CATALOG, GIFT, seed_catalog
from .seed import seed_orders as place_orders
from .store import ShopState

READ_SUFFIX = "-read"


class XCartSimulator:
    """``admin.php?target=RESTAPI`` (``version="5.4"``) or ``/api/...`` (``"5.5"``), plus
    ``/__sim__/`` control. ``token`` is the read/write key; ``token + "-read"`` the read-only one.
    """

    #: the demo's payment routes: X-Cart payment method service names -> the books' methods
    demo_payment_methods: ClassVar[dict[str, str]] = {
        "Check": "Check", "PhoneOrdering": "Check", "COD": "Cash", "PurchaseOrder": "Check",
        "WireTransfer": "Bank Transfer", "ExpressCheckout": "PayPal", "Stripe": "Visa"}

    def __init__(self, token: str = "sim-xcart-key", clock: SimClock | None = None, *,  # noqa: S107
                 seed: int = 7, seed_orders: int = 0, timezone: str = "America/New_York",
                 port: int = 0, host: str = "127.0.0.1", rate_limit_per_minute: int | None = None,
                 version: str = "5.4", hydra: bool = False, currency: str = "USD") -> None:
        self.clock = clock or SimClock()
        self.token = token
        self.read_token = token + READ_SUFFIX
        self.state = ShopState(self.clock.now, timezone, currency)
        self.switches = Switches(version=version, hydra=hydra,
                                 rate_limit_per_minute=rate_limit_per_minute)
        self.faults = FaultPlan(seed=seed)
        self.faults.reseed()
        self.gate = Gate(self.switches, self.clock)
        keys = {"write": token, "read": self.read_token}
        self.rest = RestAddon(self.state, self.gate, keys)
        self.api55 = Api55(self.state, self.gate, keys, self.switches, self.rest.order_doc)
        seed_catalog(self.state)
        if seed_orders:
            place_orders(self.state, seed, self.clock.now(), seed_orders)
        self.stats: dict[str, int] = {}  # "GET order": requests answered (control excluded)
        self._stats_lock = threading.Lock()
        self.server = SimulatorServer(self._handle, lambda r: handle_control(self, r),
                                      host=host, port=port, faults=self.faults)

    def _handle(self, request: SimRequest) -> SimResponse:
        api = self.api55 if self.switches.version == "5.5" else self.rest
        entity = (request.param("_path") or "").split("/")[0] if api is self.rest \
            else request.path.removeprefix("/api/").split("/")[0]
        route = f"{request.method} {entity}"
        with self._stats_lock:
            self.stats[route] = self.stats.get(route, 0) + 1
        response = api.handle(request)
        writing = request.method in ("PUT", "POST", "DELETE") or (
            request.param("_method") or "").lower() in ("put", "post", "delete")
        if writing and response.status < 400 and \
                self.faults.draw(self.faults.drop_after_apply_rate):
            return SimResponse.dropped()  # applied, but the answer is lost
        return response

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def start(self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this shop, keyed by the kind's settings."""
        return ({"base_url": self.base_url, "api_version": self.switches.version,
                 "gift_card_skus": GIFT[0]}, {"api_key": self.token})

    def catalog(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in DEMO_CATALOG]

    # -- switches ------------------------------------------------------------------------------

    def configure(self, version: str | None = None, hydra: bool | None = None,
                  rate_limit_per_minute: int | str | None = "",
                  date_skew_seconds: float | None = None, timezone: str | None = None,
                  order_by_last_renew: bool | None = None) -> None:
        """Change switches at run time (``""`` leaves the rate limit alone)."""
        if version is not None:
            if version not in ("5.4", "5.5"):
                raise ValueError("version is 5.4 (REST API add-on) or 5.5 (API Platform)")
            self.switches.version = version
        if hydra is not None:
            self.switches.hydra = bool(hydra)
        if rate_limit_per_minute != "":
            self.switches.rate_limit_per_minute = (None if rate_limit_per_minute is None
                                                   else int(rate_limit_per_minute))
        if date_skew_seconds is not None:
            self.switches.date_skew_seconds = float(date_skew_seconds)
        if timezone is not None:
            self.state.timezone = timezone
        if order_by_last_renew is not None:
            self.switches.order_by_last_renew = bool(order_by_last_renew)

    def settings_dict(self) -> dict[str, Any]:
        s = self.switches
        return {"version": s.version, "hydra": s.hydra,
                "rate_limit_per_minute": s.rate_limit_per_minute,
                "date_skew_seconds": s.date_skew_seconds, "timezone": self.state.timezone,
                "order_by_last_renew": s.order_by_last_renew}

    # -- the back office (tests, drivers, the demo) ---------------------------------------------

    def add_order(self, spec: dict[str, Any]) -> int:
        """Place an order: ``{"customer": {email, firstname, lastname} | None, "lines": [{sku,
        name, qty, price, tax_percent}], "shipping", "shipping_tax_percent", "discount",
        "coupon", "currency", "display_currency" + "rate" (MultiCurrency), "prices_include_tax",
        "paid", "shipped", "payment_method" (X-Cart's or the neutral Magento code),
        "created_at", "updated_at"}``; returns ``order_id``."""
        return self.state.add_order(spec)

    def edit_order(self, order_id: int, changes: dict[str, Any]) -> None:
        self.state.edit_order(order_id, changes)

    def pay_order(self, order_id: int) -> None:
        self.state.pay(order_id)

    def cancel_order(self, order_id: int) -> None:
        self.state.cancel(order_id)

    def refund_order(self, order_id: int, spec: dict[str, Any]) -> int:
        """``{"amount"}`` or ``{"lines": [{sku, qty}], "shipping", "adjustment_positive",
        "adjustment_negative", "back_to_stock"}``; returns the backend transaction id."""
        return self.state.refund(order_id, spec)

    def put_raw_order(self, order_id: int, raw: dict[str, Any]) -> None:
        """Serve ``raw`` verbatim as the order (bad-input tests); creates the id if needed."""
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                placeholder = self.state.orders[self.state.add_order(
                    {"lines": [], "customer": None})]
                del self.state.orders[placeholder.order_id]
                placeholder.order_id = order_id
                order = placeholder
                self.state.orders[order_id] = order
            order.raw = copy.deepcopy(raw)

    def order(self, order_id: int) -> Order:
        return self.state.order(order_id)

    def order_json(self, order_id: int) -> dict[str, Any]:
        """The order's default-schema document as the add-on serves it."""
        with self.state.lock:
            return copy.deepcopy(self.rest.order_doc(self.state.order(order_id)))

    def stock(self) -> dict[str, int]:
        return self.state.stock()

    def corrupt_next_responses(self, count: int, mode: str = "truncate") -> None:
        if mode not in ("truncate", "garbage"):
            raise ValueError(f"unknown corruption mode {mode!r}")
        with self.gate.lock:
            self.switches.corrupt_count, self.switches.corrupt_mode = count, mode
