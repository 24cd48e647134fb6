"""The contract harness for X-Cart: ``sandbox/xcart`` driven for ``connectors/stores/xcart``.

Two things X-Cart does differently from Magento, declared for the store-neutral tests:
``refunds_itemised = False`` (a refund is an amount on the payment transaction, no lines) and
``bills_in_display_currency = False`` (MultiCurrency only shows another currency; the order is
billed, and booked, in the shop's own).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.xcart.client import XCartStore
from ecom_ledger_desktop.connectors.stores.xcart.parse import parse_order
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.models.commerce import Order, Refund
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from tests.contract.harness import (
    LineSpec,
    OrderSpec,
    RefundSpec,
    SimulatedStoreHarness,
    apply_changes,
)

KEY = "contract-xcart-key"  # a simulator's
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)
CATALOG = [("24-MB01", "Joust Duffle Bag", "34.00"), ("24-WB04", "Overnight Duffle", "45.00"),
           ("24-UG07", "Dual Handle Cardio Ball", "12.00"),
           ("MB-TOTE-BLK", "Canvas Tote (Black)", "24.00"), ("WB-BOTTLE", "Steel Water Bottle",
                                                             "18.50")]
CAPTURED_ORDER = "order_5_default_schema_EXCERPT.json.txt"
_ELIDED_OBJECT = re.compile(r"\{\s*\.\.\.[^{}\[\]]*\}")
_ELIDED_LIST = re.compile(r"\[\s*\.\.\.\s*\]")


def default_case(email: str, first_name: str, last_name: str) -> dict[str, Any]:
    """The corpus's default order: 2 × 24.00 taxed at 8.25 % + 18.50 + 5.00 = 75.46 USD."""
    return {"customer": {"email": email, "firstname": first_name, "lastname": last_name},
            "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2,
                       "price": "24.00", "tax_percent": "8.25"},
                      {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1,
                       "price": "18.50"}],
            "shipping": "5.00", "currency": "USD", "payment_method": "checkmo", "paid": True}


def captured_order(text: str) -> dict[str, Any]:
    """The documented excerpt with its elided parts (``{...profile data}``, ``[...]``) filled
    minimally: every captured field stays as captured; one item, the shipping surcharge and USD
    make its total (352.81 = 351.31 + 1.50) add up."""
    doc: dict[str, Any] = loads(_ELIDED_LIST.sub("[]", _ELIDED_OBJECT.sub("{}", text)))
    subtotal, total = Decimal(str(doc["subtotal"])), Decimal(str(doc["total"]))
    doc["profile"] = {"profile_id": 2, "login": "bit-bucket@example.com", "anonymous": False,
                      "addresses": []}
    doc["orig_profile"] = {**doc["profile"], "profile_id": 1}
    doc["items"] = [{"item_id": 1, "sku": "10001", "name": "Planet Express Babydoll",
                     "price": subtotal, "amount": 1, "subtotal": subtotal, "surcharges": []}]
    doc["surcharges"] = [{"type": "shipping", "code": "SHIPPING", "value": total - subtotal,
                          "include": False, "available": True, "name": "Shipping cost"}]
    doc["currency"] = {"currency_id": 840, "code": "USD"}
    return doc


def _line(line: LineSpec) -> dict[str, Any]:
    return {"sku": line.sku, "name": line.name, "qty": line.qty, "price": str(line.price),
            "tax_percent": str(line.tax_percent)}


class XCartHarness(SimulatedStoreHarness):
    name = "xcart"
    unreadable_total = {"total": "seventy-five"}
    refunds_itemised = False
    bills_in_display_currency = False

    def __init__(self, *, timezone: str = "America/New_York",
                 now: datetime | None = None, version: str = "5.4") -> None:
        self.sim = XCartSimulator(token=KEY, seed=1, clock=SimClock(start=now), timezone=timezone,
                                  version=version)
        for sku, name, price in CATALOG:
            self.sim.state.add_product(sku, name, price, amount=50)
        self.version = version
        self.sim.start()

    @property
    def timezone(self) -> str:
        return self.sim.state.timezone

    @property
    def stocked_skus(self) -> list[str]:
        return ["24-MB01", "24-WB04", "24-UG07"]

    # -- the store's life ----------------------------------------------------------------------

    def connector(self, *, page_size: int | None = None) -> StoreConnector:
        options: dict[str, Any] = {} if page_size is None else {"page_size": page_size}
        zone = self.timezone if self.version == "5.5" else None  # 5.5 cannot say its zone
        return XCartStore(self.sim.base_url, KEY, version=self.version, policy=FAST,
                          timezone=zone, **options)

    def add_order(self, spec: OrderSpec) -> str:
        fields: dict[str, Any] = {
            "customer": None if spec.buyer is None else {
                "email": spec.buyer.email, "firstname": spec.buyer.first_name,
                "lastname": spec.buyer.last_name},
            "lines": [_line(line) for line in spec.lines],
            "shipping": str(spec.shipping), "shipping_tax_percent": str(spec.shipping_tax_percent),
            "discount": str(spec.discount), "currency": spec.currency,
            "payment_method": "checkmo", "paid": spec.paid, "shipped": spec.shipped,
            "prices_include_tax": spec.prices_include_tax,
            "created_at": spec.created_at, "updated_at": spec.updated_at}
        if spec.base_currency is not None:  # MultiCurrency: shown in spec.currency
            fields.update(currency=spec.base_currency, display_currency=spec.currency,
                          rate=str(spec.base_rate))
        return str(self.sim.add_order(fields))

    def edit_order(self, source_id: str, lines: list[LineSpec]) -> None:
        self.sim.edit_order(int(source_id), {"lines": [_line(line) for line in lines]})

    def refund(self, source_id: str, spec: RefundSpec) -> str:
        return str(self.sim.refund_order(int(source_id), {
            "lines": [{"sku": sku, "qty": int(qty)} for sku, qty in spec.lines],
            "shipping": str(spec.shipping), "adjustment_positive": str(spec.adjustment_positive),
            "adjustment_negative": str(spec.adjustment_negative),
            "back_to_stock": spec.return_to_stock}))

    def order_total(self, source_id: str) -> Decimal:
        return Decimal(str(self.order_document(source_id)["total"]))

    def order_number(self, source_id: str) -> str:
        return str(self.order_document(source_id)["orderNumber"])

    def captured(self, reference_dir: Path) -> list[Order | Refund]:
        folder = reference_dir / "payloads" / self.name
        text = (folder / CAPTURED_ORDER).read_text(encoding="utf-8")
        return [parse_order(captured_order(text), timezone="America/New_York")]

    # -- the bad-input corpus ------------------------------------------------------------------

    def case_order(self, base: dict[str, Any] | None, raw_changes: dict[str, Any] | None,
                   *, email: str, first_name: str, last_name: str) -> str:
        fields = default_case(email, first_name, last_name)
        fields.update(base or {})
        source_id = str(self.sim.add_order(fields))
        if raw_changes:
            self.case_rewrite(source_id, raw_changes)
        return source_id

    def case_raw_order(self, raw: dict[str, Any]) -> str:
        order_id = raw.get("order_id")
        ident = order_id if isinstance(order_id, int) else self.sim.state.next_id("order")
        self.sim.put_raw_order(ident, raw)
        return str(ident)

    def case_invoice(self, source_id: str) -> None:
        self.sim.pay_order(int(source_id))

    def case_refund(self, source_id: str, spec: dict[str, Any],
                    memo_changes: dict[str, Any] | None) -> str:
        refund_id = self.sim.refund_order(int(source_id), spec)
        if memo_changes:
            raw = self.sim.order_json(int(source_id))
            for txn in raw["payment_transactions"]:
                for backend in txn["backend_transactions"]:
                    if backend["id"] == refund_id:
                        apply_changes(backend, memo_changes)
            self.sim.put_raw_order(int(source_id), raw)
        return str(refund_id)

    def order_label(self, source_id: str) -> str:
        number = self.order_document(source_id).get("orderNumber")
        return str(number) if str(number or "").strip() else f"with id {source_id}"

    def order_currency(self, source_id: str) -> str:
        return str(self.order_document(source_id)["currency"]["code"])

    def order_tax(self, source_id: str) -> Decimal:
        return sum((Decimal(str(s["value"])) for s in self.order_document(source_id)["surcharges"]
                    if s.get("type") == "tax"), Decimal(0))

    def refund_total(self, refund_id: str) -> Decimal:
        for order in self.sim.state.orders.values():
            for txn in order.transactions:
                for backend in txn.backend:
                    if str(backend.id) == refund_id:
                        return backend.value
        raise KeyError(refund_id)
