"""``Magento2Simulator``: the public face of the Magento 2 REST simulator."""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Any, ClassVar

from ..server import FaultPlan, SimClock, SimulatorServer
from .auth import AuthConfig
from .control import handle_control
from .endpoints import register
from .routes import RestApi, Settings
from .seed import seed_store
from .seed_catalog import DEMO_CATALOG
from .state import StoreState


class Magento2Simulator:
    """A Magento 2.4 store on loopback: ``/rest[/<store>]/V1/...`` plus ``/__sim__/`` control.

    ``seed_orders=N`` seeds N demo orders plus the demo's order by a buyer the books know twice.
    """

    #: the demo's payment routes: Magento's payment method codes -> the books' method names
    demo_payment_methods: ClassVar[dict[str, str]] = {
        "checkmo": "Check", "banktransfer": "Bank Transfer", "paypal_express": "PayPal",
        "braintree": "Visa"}

    def __init__(
        self,
        token: str = "sim-integration-token",  # noqa: S107
        clock: SimClock | None = None,
        *,
        seed: int = 7,
        seed_orders: int = 0,
        bearer_enabled: bool = True,
        repeat_last_page: bool = True,
        input_limits: bool = False,
        port: int = 0,
        rate_limit_per_minute: int | None = None,
        host: str = "127.0.0.1",
        timezone: str = "America/New_York",
    ) -> None:
        self.clock = clock or SimClock()
        self.token = token
        self.state = StoreState(self.clock.now, timezone)
        self.auth = AuthConfig(token=token, bearer_enabled=bearer_enabled)
        self.settings = Settings(
            repeat_last_page=repeat_last_page,
            input_limits=input_limits,
            rate_limit_per_minute=rate_limit_per_minute,
        )
        self.faults = FaultPlan(seed=seed)
        self.faults.reseed()
        self.api = RestApi(self.state, self.auth, self.settings, self.clock, self.faults)
        register(self.api)
        seed_store(self.state, seed, self.clock.now(), seed_orders)
        self.server = SimulatorServer(
            self.api.handle,
            lambda r: handle_control(self, r),
            host=host,
            port=port,
            faults=self.faults,
        )

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``; the API root is ``base_url + "/rest/default/V1"``."""
        return self.server.base_url

    def start(self) -> Magento2Simulator:
        """Serve in a background thread."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    def __enter__(self) -> Magento2Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- settings ----------------------------------------------------------------------------

    def configure(
        self,
        bearer_enabled: bool | None = None,
        repeat_last_page: bool | None = None,
        input_limits: bool | None = None,
        rate_limit_per_minute: int | str | None = "",
        date_skew_seconds: float | None = None,
    ) -> None:
        """Change switches at run time (``""`` leaves the rate limit alone; None removes it).

        ``date_skew_seconds`` sets how far the ``Date`` header runs ahead of (or, negative,
        behind) the clock that stamps ``updated_at``.
        """
        if bearer_enabled is not None:
            self.auth.bearer_enabled = bool(bearer_enabled)
        if repeat_last_page is not None:
            self.settings.repeat_last_page = bool(repeat_last_page)
        if input_limits is not None:
            self.settings.input_limits = bool(input_limits)
        if date_skew_seconds is not None:
            self.settings.date_skew_seconds = float(date_skew_seconds)
        if rate_limit_per_minute != "":
            self.settings.rate_limit_per_minute = (
                None if rate_limit_per_minute is None else int(rate_limit_per_minute)
            )

    def settings_dict(self) -> dict[str, Any]:
        """The current switches."""
        return {
            "bearer_enabled": self.auth.bearer_enabled,
            "repeat_last_page": self.settings.repeat_last_page,
            "input_limits": self.settings.input_limits,
            "rate_limit_per_minute": self.settings.rate_limit_per_minute,
            "date_skew_seconds": self.settings.date_skew_seconds,
        }

    # --- test helpers ------------------------------------------------------------------------

    def add_order(self, spec: dict[str, Any]) -> int:
        """Create an order from a compact spec; returns its entity_id."""
        return self.state.add_order(spec)

    def edit_order(self, entity_id: int, changes: dict[str, Any]) -> None:
        """Change lines / addresses / status of an order (bumps ``updated_at``)."""
        self.state.edit_order(entity_id, changes)

    def invoice_order(self, entity_id: int) -> int:
        """Mark an order paid (invoice, state ``processing``); returns the invoice id."""
        return self.state.invoice_order(entity_id)

    def cancel_order(self, entity_id: int) -> None:
        """Cancel an unpaid order."""
        self.state.cancel_order(entity_id)

    def refund_order(self, entity_id: int, spec: dict[str, Any]) -> int:
        """Create an offline credit memo (``{"lines":[{"sku","qty"}],"shipping",...}``)."""
        return self.state.refund_order(entity_id, spec)

    def put_raw_order(self, entity_id: int, raw: dict[str, Any]) -> None:
        """Replace an order's JSON verbatim (bad-input tests)."""
        self.state.put_raw(entity_id, raw)

    def corrupt_next_responses(self, n: int, mode: str = "truncate") -> None:
        """The next ``n`` API responses get a broken body (``truncate`` or ``garbage``)."""
        if mode not in ("truncate", "garbage"):
            raise ValueError(f"unknown corruption mode {mode!r}")
        with self.api._lock:
            self.settings.corrupt_count, self.settings.corrupt_mode = n, mode

    def order_json(self, entity_id: int) -> dict[str, Any]:
        """A copy of an order's stored document."""
        with self.state.lock:
            return copy.deepcopy(self.state.record(entity_id).data)

    def comments(self, entity_id: int) -> list[str]:
        """Comment texts of an order, oldest first."""
        return self.state.comments(entity_id)

    def stock(self) -> dict[str, int | float]:
        """SKU -> quantity on the default source."""
        return self.state.stock()

    # --- what the demo and the drivers need (the same for every store simulator) --------------

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this simulator, named as the kind names them."""
        return {"base_url": self.base_url, "store_code": "default"}, {"token": self.token}

    def catalog(self) -> list[dict[str, Any]]:
        """The products the books should know (``sku``, ``name``, ``price``, ``qty``, ``type``);
        the seeded orders also sell a few SKUs outside it, on purpose."""
        return [{"sku": p["sku"], "name": p["name"], "price": p["price"], "qty": 100,
                 "type": p.get("type", "simple")} for p in DEMO_CATALOG]

    def catalog_skus(self) -> list[str]:
        """Every catalogue SKU (seeded orders also use a few SKUs outside this list)."""
        return [entry["sku"] for entry in DEMO_CATALOG]
