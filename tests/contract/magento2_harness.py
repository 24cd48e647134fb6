"""The contract harness for Magento 2: ``sandbox/magento2`` driven for ``connectors/stores/magento2``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import parse_order
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.models.commerce import Order, Refund
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.contract.harness import (
    LineSpec,
    OrderSpec,
    RefundSpec,
    SimulatedStoreHarness,
    apply_changes,
)
from tests.sync.conftest import order_spec

TOKEN = "contract-token"  # a simulator's
WIRE = "%Y-%m-%d %H:%M:%S"
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)
#: captured payload -> how its connector parses it
CAPTURED_ORDERS = ("order_3_simple_downloadable_bundle_configurable.json",)
CAPTURED_REFUNDS = ("creditmemo_1.json",)


def _wire(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(WIRE)


def _line(line: LineSpec) -> dict[str, Any]:
    return {"sku": line.sku, "name": line.name, "qty": line.qty, "price": str(line.price),
            "tax_percent": str(line.tax_percent)}


class Magento2Harness(SimulatedStoreHarness):
    name = "magento2"
    unreadable_total = {"grand_total": "seventy-five"}

    def __init__(self, *, timezone: str = "America/New_York",
                 now: datetime | None = None) -> None:
        self.sim = Magento2Simulator(token=TOKEN, seed=1, seed_orders=0,
                                     clock=SimClock(start=now), timezone=timezone)
        self.sim.start()

    @property
    def timezone(self) -> str:
        return str(self.sim.state.store_configs[0]["timezone"])

    @property
    def stocked_skus(self) -> list[str]:
        return ["24-MB01", "24-WB04", "24-UG07"]

    # -- the store's life ----------------------------------------------------------------------

    def connector(self, *, page_size: int | None = None) -> StoreConnector:
        options: dict[str, Any] = {} if page_size is None else {"page_size": page_size}
        return Magento2Store(self.sim.base_url, TOKEN, policy=FAST, **options)

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
        }
        if spec.base_currency is not None:
            fields["base_currency"] = spec.base_currency
            fields["base_to_order_rate"] = str(spec.base_rate)
        if spec.created_at is not None:
            fields["created_at"] = _wire(spec.created_at)
        if spec.updated_at is not None:
            fields["updated_at"] = _wire(spec.updated_at)
        return str(self.sim.add_order(fields))

    def edit_order(self, source_id: str, lines: list[LineSpec]) -> None:
        self.sim.edit_order(int(source_id), {"lines": [_line(line) for line in lines]})

    def refund(self, source_id: str, spec: RefundSpec) -> str:
        """Through the REST API, as the back office's "Credit Memo" button does."""
        rows = {str(row["sku"]): row["item_id"] for row in self.sim.order_json(
            int(source_id))["items"] if not row.get("parent_item")}
        items = [{"order_item_id": rows[sku], "qty": str(qty)} for sku, qty in spec.lines]
        arguments: dict[str, Any] = {
            "shipping_amount": str(spec.shipping),
            "adjustment_positive": str(spec.adjustment_positive),
            "adjustment_negative": str(spec.adjustment_negative)}
        if spec.return_to_stock:
            arguments["extension_attributes"] = {
                "return_to_stock_items": [item["order_item_id"] for item in items]}
        response = httpx.post(f"{self.sim.base_url}/rest/default/V1/order/{source_id}/refund",
                              json={"items": items, "arguments": arguments},
                              headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        response.raise_for_status()
        return str(response.json())

    def order_total(self, source_id: str) -> Decimal:
        return Decimal(str(self.sim.order_json(int(source_id))["grand_total"]))

    def order_number(self, source_id: str) -> str:
        return str(self.sim.order_json(int(source_id))["increment_id"])

    def captured(self, reference_dir: Path) -> list[Order | Refund]:
        folder = reference_dir / "payloads" / self.name
        out: list[Order | Refund] = []
        for name in CAPTURED_ORDERS:
            out.append(parse_order(loads((folder / name).read_text(encoding="utf-8"))))
        for name in CAPTURED_REFUNDS:
            out.append(parse_creditmemo(loads((folder / name).read_text(encoding="utf-8"))))
        return out

    # -- the bad-input corpus ------------------------------------------------------------------

    def case_order(self, base: dict[str, Any] | None, raw_changes: dict[str, Any] | None,
                   *, email: str, first_name: str, last_name: str) -> str:
        """``base`` changes ``tests.sync.conftest.order_spec`` (a paid two-line order,
        2 × 24.00 taxed at 8.25 % + 18.50 + 5.00 shipping = 75.46 USD)."""
        fields: dict[str, Any] = {"customer": {"email": email, "firstname": first_name,
                                               "lastname": last_name}}
        fields.update(base or {})
        source_id = str(self.sim.add_order(order_spec(**fields)))
        if raw_changes:
            self.case_rewrite(source_id, raw_changes)
        return source_id

    def case_raw_order(self, raw: dict[str, Any]) -> str:
        entity = raw.get("entity_id")
        order_id = entity if isinstance(entity, int) else self.sim.state.next_id("order")
        self.sim.put_raw_order(order_id, raw)
        return str(order_id)

    def case_invoice(self, source_id: str) -> None:
        self.sim.invoice_order(int(source_id))

    def case_refund(self, source_id: str, spec: dict[str, Any],
                    memo_changes: dict[str, Any] | None) -> str:
        memo_id = self.sim.refund_order(int(source_id), spec)
        if memo_changes:
            with self.sim.state.lock:
                apply_changes(self.sim.state.creditmemos[memo_id], memo_changes)
        return str(memo_id)

    def order_label(self, source_id: str) -> str:
        number = self.order_document(source_id).get("increment_id")
        return str(number) if str(number or "").strip() else f"with id {source_id}"

    def order_currency(self, source_id: str) -> str:
        return str(self.order_document(source_id)["order_currency_code"])

    def order_tax(self, source_id: str) -> Decimal:
        return Decimal(str(self.order_document(source_id).get("tax_amount") or 0))

    def refund_total(self, refund_id: str) -> Decimal:
        response = httpx.get(f"{self.sim.base_url}/rest/V1/creditmemo/{refund_id}",
                             headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        response.raise_for_status()
        return Decimal(str(response.json()["grand_total"]))
