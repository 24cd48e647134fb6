"""What every simulator-backed store driver does alike: the shop's demo connection and payment
methods, and new orders, edits, refunds and cancellations passed straight to the simulator.
A driver adds what differs by store: its kind, how an order gets paid, its catalogue and
its REST view."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

from ecom_ledger_desktop.sandbox.server import FaultPlan


class DrivableSimulator(Protocol):
    """The calls a store simulator offers its driver (order ids are the store's own)."""

    faults: FaultPlan

    @property
    def demo_payment_methods(self) -> dict[str, str]: ...

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]: ...

    def add_order(self, spec: dict[str, Any], /) -> int: ...

    def edit_order(self, order_id: int, changes: dict[str, Any], /) -> None: ...

    def refund_order(self, order_id: int, spec: dict[str, Any], /) -> int: ...

    def cancel_order(self, order_id: int, /) -> None: ...

    def stop(self) -> None: ...


SimulatorT = TypeVar("SimulatorT", bound=DrivableSimulator)


class SimulatedStoreDriver(Generic[SimulatorT]):
    """The part of ``StoreDriver`` every store simulator serves the same way."""

    def __init__(self, sim: SimulatorT) -> None:
        self.sim = sim
        self.faults: FaultPlan = sim.faults

    def connection(self) -> tuple[dict[str, str], dict[str, str]]:
        return self.sim.demo_connection()

    def payment_methods(self) -> dict[str, str]:
        return dict(self.sim.demo_payment_methods)

    def add_order(self, spec: dict[str, Any]) -> str:
        return str(self.sim.add_order(spec))

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        self.sim.edit_order(int(source_id), changes)

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        self.sim.refund_order(int(source_id), spec)

    def cancel(self, source_id: str) -> None:
        self.sim.cancel_order(int(source_id))

    def stop(self) -> None:
        self.sim.stop()
