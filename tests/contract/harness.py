"""What the contract suite needs from a store: its simulator driven in store-neutral terms.

A store joins the suite with one ``StoreHarness`` subclass (listed in ``HARNESSES``): how to
start its simulator, place / edit / refund / cancel orders in it from the neutral specs below,
skew and move its clock, read its stock, where its captured payloads and bad-input corpus live,
and how to build its ``StoreConnector``. The corpus cases are written in the store's own terms
(its order spec and wire document), so the corpus hooks at the end take those as they are.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.models.commerce import Order, Refund

CORPUS_ROOT = Path(__file__).resolve().parent.parent / "corpus"


@dataclass
class Buyer:
    email: str
    first_name: str = "Buyer"
    last_name: str = "One"


@dataclass
class LineSpec:
    sku: str
    name: str
    qty: Decimal | int
    price: Decimal | str  # per unit; including tax where the order's prices include tax
    tax_percent: Decimal | str = "0"


@dataclass
class OrderSpec:
    """An order in neutral terms; ``buyer=None`` is a guest checkout."""

    lines: list[LineSpec]
    buyer: Buyer | None = field(default_factory=lambda: Buyer("buyer@example.com"))
    shipping: Decimal | str = "5.00"
    shipping_tax_percent: Decimal | str = "0"
    discount: Decimal | str = "0"  # a coupon, positive
    currency: str = "USD"
    base_currency: str | None = None  # the store's own currency when it differs
    base_rate: Decimal | str | None = None  # order-currency units per base unit
    prices_include_tax: bool = False
    paid: bool = True
    shipped: bool = False
    created_at: datetime | None = None  # None: the store stamps it with its own clock
    updated_at: datetime | None = None


@dataclass
class RefundSpec:
    """A refund of some lines (by SKU and quantity), shipping and adjustments."""

    lines: list[tuple[str, Decimal | int]]
    shipping: Decimal | str = "0"
    adjustment_positive: Decimal | str = "0"  # extra money given back
    adjustment_negative: Decimal | str = "0"  # a fee kept back
    return_to_stock: bool = False


class StoreHarness(ABC):
    """One store's simulator, started in ``__init__`` and stopped by ``stop``."""

    name: str  # the connection kind, also the corpus and payload folder name
    timestamp_step: float = 1.0  # seconds: the resolution of the store's update stamps
    refunds_itemised: bool = True  # False: a refund is only an amount (X-Cart)
    # False: an order shown in a foreign currency is billed in the store's own (X-Cart)
    bills_in_display_currency: bool = True
    #: ``case_order`` raw changes that leave its grand total unreadable (the order is flagged)
    unreadable_total: dict[str, Any] = {}

    @abstractmethod
    def __init__(self, *, timezone: str = "America/New_York",
                 now: datetime | None = None) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @property
    @abstractmethod
    def timezone(self) -> str:
        """The store's own time zone setting."""

    @property
    @abstractmethod
    def stocked_skus(self) -> list[str]:
        """Catalogue SKUs that carry stock (at least two)."""

    # -- the store's life ----------------------------------------------------------------------

    @abstractmethod
    def connector(self, *, page_size: int | None = None) -> StoreConnector: ...

    @abstractmethod
    def add_order(self, spec: OrderSpec) -> str:
        """Place an order; returns its store id (the connector's ``source_id``)."""

    @abstractmethod
    def edit_order(self, source_id: str, lines: list[LineSpec]) -> None:
        """Replace the order's lines (an edit in the back office); moves its update time."""

    @abstractmethod
    def refund(self, source_id: str, spec: RefundSpec) -> str:
        """Refund part of an order; returns the refund's store id."""

    @abstractmethod
    def cancel(self, source_id: str) -> None: ...

    @abstractmethod
    def order_total(self, source_id: str) -> Decimal:
        """The grand total the store shows for the order now."""

    @abstractmethod
    def order_number(self, source_id: str) -> str:
        """The number the merchant sees (and the ledger document carries)."""

    @abstractmethod
    def skew_clock(self, seconds: float) -> None:
        """The store's ``Date`` header runs ``seconds`` ahead of the clock stamping its records."""

    @abstractmethod
    def advance(self, seconds: float) -> None:
        """Time passes in the store."""

    @abstractmethod
    def now(self) -> datetime:
        """The clock that stamps the store's records."""

    @abstractmethod
    def stock(self) -> dict[str, Decimal]:
        """Quantity on hand by SKU, as the store's back office shows it."""

    @abstractmethod
    def captured(self, reference_dir: Path) -> list[Order | Refund]:
        """Every real captured order / refund payload of this store, parsed by its connector."""

    # -- the bad-input corpus (cases in the store's own terms) ---------------------------------

    @property
    def corpus_dir(self) -> Path:
        return CORPUS_ROOT / self.name

    @abstractmethod
    def case_order(self, base: dict[str, Any] | None, raw_changes: dict[str, Any] | None,
                   *, email: str, first_name: str, last_name: str) -> str:
        """The corpus's default order changed by a case's ``base`` spec and ``raw_changes``."""

    @abstractmethod
    def case_raw_order(self, raw: dict[str, Any]) -> str:
        """A whole wire document served verbatim as an order."""

    @abstractmethod
    def case_rewrite(self, source_id: str, changes: dict[str, Any]) -> None:
        """Write ``{"dotted.path": value}`` into the order's wire document (``"$now"``: now)."""

    @abstractmethod
    def case_edit(self, source_id: str, changes: dict[str, Any]) -> None: ...

    @abstractmethod
    def case_invoice(self, source_id: str) -> None: ...

    @abstractmethod
    def case_refund(self, source_id: str, spec: dict[str, Any],
                    memo_changes: dict[str, Any] | None) -> str: ...

    @abstractmethod
    def case_break_answers(self, count: int, mode: str) -> None:
        """The store's next ``count`` answers are cut off (``truncate``) or garbage."""

    @abstractmethod
    def order_document(self, source_id: str) -> dict[str, Any]:
        """The order's wire document, as the store serves it."""

    @abstractmethod
    def order_label(self, source_id: str) -> str:
        """How an error-queue entry must name the order (its number, else its id)."""

    @abstractmethod
    def order_currency(self, source_id: str) -> str: ...

    @abstractmethod
    def order_tax(self, source_id: str) -> Decimal: ...

    @abstractmethod
    def refund_total(self, refund_id: str) -> Decimal: ...


DELETE = {"$delete": True}


def apply_changes(document: Any, changes: dict[str, Any]) -> None:
    """Write ``{"dotted.path": value}`` into ``document`` (``{"$delete": true}`` removes it)."""
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            if value == DELETE:
                del target[int(last)]
            else:
                target[int(last)] = value
        elif value == DELETE:
            target.pop(last, None)
        else:
            target[last] = value


class SimulatedStoreHarness(StoreHarness):
    """The hooks every store simulator serves alike: stopping it, its clock and ``Date`` skew,
    stock, broken answers, order edits and wire documents. A subclass starts ``sim``."""

    sim: Any  # the store's simulator

    def stop(self) -> None:
        self.sim.stop()

    def skew_clock(self, seconds: float) -> None:
        self.sim.configure(date_skew_seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.sim.clock.advance(seconds)

    def now(self) -> datetime:
        now: datetime = self.sim.clock.now()
        return now

    def stock(self) -> dict[str, Decimal]:
        return {sku: Decimal(str(qty)) for sku, qty in self.sim.stock().items()}

    def cancel(self, source_id: str) -> None:
        self.sim.cancel_order(int(source_id))

    def case_rewrite(self, source_id: str, changes: dict[str, Any]) -> None:
        """The wire document rewritten and served verbatim (a store whose simulator keeps
        documents another way overrides this)."""
        raw = self.sim.order_json(int(source_id))
        now = self.sim.state.now()
        apply_changes(raw, {k: now if v == "$now" else v for k, v in changes.items()})
        self.sim.put_raw_order(int(source_id), raw)

    def case_edit(self, source_id: str, changes: dict[str, Any]) -> None:
        self.sim.edit_order(int(source_id), changes)

    def case_break_answers(self, count: int, mode: str) -> None:
        self.sim.corrupt_next_responses(count, mode)

    def order_document(self, source_id: str) -> dict[str, Any]:
        document: dict[str, Any] = self.sim.order_json(int(source_id))
        return document
