"""Store drivers: one per store kind, so the soak and the crash trials run against any store.

A driver starts its store's simulator with seeded orders and changes the shop the way a soak or a
crash trial needs (new orders from a NEUTRAL spec, payments, edits, refunds, cancellations); it
reads the shop back through the store's own REST API for verification (``view()``). Everything
else in ``testing/`` uses drivers only, so a new store adds its ``<kind>.py`` here and one line to
``STORE_DRIVERS``.

The neutral order spec (the Magento simulator's own ``add_order`` dict)::

    {"customer": {"email", "firstname", "lastname"} | None (a guest),
     "lines": [{"sku", "name", "qty", "price" (str)}], "shipping": "4.95", "currency": "USD",
     "paid": bool, "payment_method": "checkmo" | "banktransfer" | "paypal_express" | "braintree"}

A driver maps those payment codes to its store's own (check and bank transfer are offline,
PayPal and card online).
"""

from __future__ import annotations

from typing import Any, Protocol

from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.testing.verify import StoreView

#: store kind -> "module:make_driver" (``make_driver(*, seed, orders, time_scale) -> StoreDriver``)
STORE_DRIVERS: dict[str, str] = {
    "magento2": "ecom_ledger_desktop.testing.store_drivers.magento2:make_driver",
    "prestashop": "ecom_ledger_desktop.testing.store_drivers.prestashop:make_driver",
    "xcart": "ecom_ledger_desktop.testing.store_drivers.xcart:make_driver",
}


class StoreDriver(Protocol):
    """A running store simulator whose orders a soak or a crash trial creates and changes."""

    kind: str  # the connection kind ("magento2")
    sim: Any  # the simulator (its ``catalog()`` is what the books should know)
    faults: FaultPlan  # the simulator's fault knobs (= ``sim.faults``)

    def connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this store, named as its kind names them."""
        ...

    def payment_methods(self) -> dict[str, str]:
        """The store's payment method codes -> the books' payment method names."""
        ...

    def catalog(self) -> list[dict[str, Any]]:
        """Simple products the books know: ``{sku, name, price}``."""
        ...

    def add_order(self, spec: dict[str, Any]) -> str:
        """A new order from the neutral spec; the source id the connector reports."""
        ...

    def pay(self, source_id: str) -> None:
        """The unpaid (offline) order is paid."""
        ...

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        """``{"lines": [neutral lines]}``: the order's lines are replaced."""
        ...

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        """``{"lines": [{"sku", "qty"}], "shipping": "0"}``: part of the order is refunded."""
        ...

    def cancel(self, source_id: str) -> None:
        """The unpaid order is cancelled."""
        ...

    def view(self) -> StoreView:
        """Every order and refund, read through the store's own REST API."""
        ...

    def stop(self) -> None:
        """Stop the simulator."""
        ...


def store_kinds() -> list[str]:
    """The store kinds that have a driver (the soak's and crash trials' ``--store`` choices)."""
    return list(STORE_DRIVERS)


def start_driver(kind: str, *, seed: int, orders: int, time_scale: float = 1.0) -> StoreDriver:
    """Start ``kind``'s simulator with ``orders`` seeded orders; its driver."""
    try:
        target = STORE_DRIVERS[kind]
    except KeyError:
        raise ValueError(f"no store driver for '{kind}'; there are drivers for "
                         f"{', '.join(STORE_DRIVERS)}") from None
    driver: StoreDriver = load(target)(seed=seed, orders=orders, time_scale=time_scale)
    return driver
