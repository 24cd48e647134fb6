"""The contract harness for PrestaShop: ``sandbox/prestashop`` driven for
``connectors/stores/prestashop``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from defusedxml import ElementTree

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.connectors.stores.prestashop.context import ShopFacts
from ecom_ledger_desktop.connectors.stores.prestashop.parse import (
    Options,
    OrderParts,
    parse_order,
)
from ecom_ledger_desktop.connectors.stores.prestashop.slips import parse_slip
from ecom_ledger_desktop.models.commerce import Order, Refund
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.contract.harness import (
    LineSpec,
    OrderSpec,
    RefundSpec,
    SimulatedStoreHarness,
    apply_changes,
)
from tests.sync.conftest import order_spec

FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)
#: PrestaShop 1.7's install defaults for the states a capture names but does not include
INSTALL_STATES = {"1": ("Awaiting check payment", "0"), "6": ("Canceled", "0"),
                  "10": ("Awaiting bank wire payment", "0"), "2": ("Payment accepted", "1")}


def _line(line: LineSpec) -> dict[str, Any]:
    return {"sku": line.sku, "name": line.name, "qty": line.qty, "price": str(line.price),
            "tax_percent": str(line.tax_percent)}


def xml_row(path: Path) -> dict[str, Any]:
    """A captured XML record as the JSON row the connector reads."""
    record = ElementTree.parse(path).getroot()[0]
    row: dict[str, Any] = {}
    for child in record:
        if child.tag == "associations":
            row["associations"] = {a.tag: [{f.tag: (f.text or "").strip() for f in item}
                                           for item in a] for a in child}
        else:
            row[child.tag] = (child.text or "").strip()
    return row


def captured_facts(records: dict[str, list[dict[str, Any]]]) -> ShopFacts:
    """Shop facts served from captured records (plus install-default order states)."""
    states = {str(r["id"]): r for r in records.get("order_states", [])}
    for sid, (name, paid) in INSTALL_STATES.items():
        states.setdefault(sid, {"id": sid, "name": name, "paid": paid, "template": ""})
    tables: dict[str, list[Any]] = {
        "configurations": [{"name": "PS_TIMEZONE", "value": "America/New_York"},
                           {"name": "PS_CURRENCY_DEFAULT", "value": "1"}],
        "currencies": records.get("currencies", []), "order_states": list(states.values()),
        "taxes": records.get("taxes", []), "groups": [{"id": "3", "price_display_method": "1"}],
        "countries": [{"id": "21", "iso_code": "US"}], "states": [{"id": "9", "iso_code": "FL"}]}

    def get(resource: str, params: dict[str, str]) -> Any:
        return {resource: tables.get(resource, [])}
    return ShopFacts(get)


class PrestaShopHarness(SimulatedStoreHarness):
    name = "prestashop"
    unreadable_total = {"total_paid_tax_incl": "abc"}

    def __init__(self, *, timezone: str = "America/New_York",
                 now: datetime | None = None) -> None:
        self.sim = PrestaShopSimulator(seed=1, seed_orders=0, clock=SimClock(start=now),
                                       timezone=timezone, first_order_id=1001)
        self.sim.configure(refunds_touch_order=False)  # the harder case: only details change
        self.sim.start()

    @property
    def timezone(self) -> str:
        return self.sim.shop.timezone

    @property
    def stocked_skus(self) -> list[str]:
        return ["PS-MUG-01", "PS-TOTE-01", "PS-BOTTLE-01"]

    # -- the store's life ----------------------------------------------------------------------

    def connector(self, *, page_size: int | None = None) -> StoreConnector:
        options: dict[str, Any] = {} if page_size is None else {"page_size": page_size}
        return PrestaShopStore(self.sim.base_url, self.sim.token, policy=FAST, **options)

    def add_order(self, spec: OrderSpec) -> str:
        fields: dict[str, Any] = {
            "customer": None if spec.buyer is None else {
                "email": spec.buyer.email, "firstname": spec.buyer.first_name,
                "lastname": spec.buyer.last_name},
            "lines": [_line(line) for line in spec.lines],
            "shipping": str(spec.shipping), "shipping_tax_percent": str(spec.shipping_tax_percent),
            "discount": str(spec.discount), "currency": spec.currency,
            "payment_method": "braintree" if spec.paid else "checkmo", "paid": spec.paid,
            "shipped": spec.shipped, "prices_include_tax": spec.prices_include_tax,
            "created_at": spec.created_at, "updated_at": spec.updated_at}
        if spec.base_currency is not None:
            fields["conversion_rate"] = str(spec.base_rate)
        elif spec.currency != "USD":
            fields["conversion_rate"] = "1"  # the order's own currency is the books' one
        return str(self.sim.add_order(fields))

    def edit_order(self, source_id: str, lines: list[LineSpec]) -> None:
        self.sim.edit_order(int(source_id), {"lines": [_line(line) for line in lines]})

    def refund(self, source_id: str, spec: RefundSpec) -> str:
        """A partial refund from the back office (the Webservice cannot issue credit slips)."""
        return str(self.sim.refund_order(int(source_id), {
            "lines": [{"sku": sku, "qty": str(qty)} for sku, qty in spec.lines],
            "shipping": str(spec.shipping), "adjustment_positive": str(spec.adjustment_positive),
            "adjustment_negative": str(spec.adjustment_negative),
            "return_to_stock": spec.return_to_stock}))

    def order_total(self, source_id: str) -> Decimal:
        return Decimal(str(self.order_document(source_id)["total_paid_tax_incl"]))

    def order_number(self, source_id: str) -> str:
        return str(source_id)

    def captured(self, reference_dir: Path) -> list[Order | Refund]:
        folder = reference_dir / "payloads" / self.name
        records: dict[str, list[dict[str, Any]]] = {}
        for line in (folder / "json_records_ps17_airbyte.jsonl").read_text().splitlines():
            record = json.loads(line)
            records.setdefault(record["stream"], []).append(record["data"])
        facts = captured_facts(records)
        customer = xml_row(folder / "customer_1.xml")
        out: list[Order | Refund] = []
        json_order = records["orders"][0]
        details = {str(d["id"]): d for d in records["order_details"]}
        out.append(parse_order(json_order, OrderParts(details=details, customer=customer),
                               facts, Options()))
        xml_order = xml_row(folder / "order_5.xml")
        xml_details = {r["id"]: r for r in (xml_row(folder / f"order_detail_{n}.xml")
                                            for n in (13, 14))}
        out.append(parse_order(xml_order, OrderParts(
            details=xml_details, customer=customer,
            addresses={"4": xml_row(folder / "address_4.xml")}), facts, Options()))
        for slip in records["order_slip"]:
            out.append(parse_slip(slip, json_order, details, facts, include_tax=False))
        return out

    # -- the bad-input corpus ------------------------------------------------------------------

    def case_order(self, base: dict[str, Any] | None, raw_changes: dict[str, Any] | None,
                   *, email: str, first_name: str, last_name: str) -> str:
        """``base`` changes ``tests.sync.conftest.order_spec`` (a paid two-line order by check,
        2 × 24.00 taxed at 8.25 % + 18.50 + 5.00 shipping = 75.46 USD)."""
        fields: dict[str, Any] = {"customer": {"email": email, "firstname": first_name,
                                               "lastname": last_name}}
        fields.update(base or {})
        source_id = str(self.sim.add_order(order_spec(**fields)))
        if raw_changes:
            self.case_rewrite(source_id, raw_changes)
        return source_id

    def case_raw_order(self, raw: dict[str, Any]) -> str:
        with self.sim.shop.lock:
            rid = int(raw["id"]) if str(raw.get("id", "")).isdigit() else \
                self.sim.shop.next_id("orders")
            self.sim.shop.tables["orders"][rid] = {**raw, "id": str(rid)}
        return str(rid)

    def case_rewrite(self, source_id: str, changes: dict[str, Any]) -> None:
        now = self.sim.shop.local()
        self.sim.rewrite_order(int(source_id), {k: now if v == "$now" else v
                                                for k, v in changes.items()})

    def case_invoice(self, source_id: str) -> None:
        self.sim.pay_order(int(source_id))

    def case_refund(self, source_id: str, spec: dict[str, Any],
                    memo_changes: dict[str, Any] | None) -> str:
        slip = self.sim.refund_order(int(source_id), spec)
        if memo_changes:
            with self.sim.shop.lock:
                apply_changes(self.sim.shop.tables["order_slip"][slip], memo_changes)
        return str(slip)

    def order_document(self, source_id: str) -> dict[str, Any]:
        """As served, less the guest-tracking ``secure_key`` the connector does not keep."""
        document = self.sim.order_json(int(source_id))
        document.pop("secure_key", None)
        return document

    def order_label(self, source_id: str) -> str:
        return str(source_id)

    def order_currency(self, source_id: str) -> str:
        row = self.order_document(source_id)
        currency = self.sim.shop.tables["currencies"].get(int(str(row.get("id_currency") or 1)))
        return str(currency["iso_code"]) if currency else "USD"

    def order_tax(self, source_id: str) -> Decimal:
        row = self.order_document(source_id)
        return Decimal(str(row["total_paid_tax_incl"])) - Decimal(str(row["total_paid_tax_excl"]))

    def refund_total(self, refund_id: str) -> Decimal:
        response = httpx.get(f"{self.sim.base_url}/api/order_slip/{refund_id}",
                             params={"output_format": "JSON"}, auth=(self.sim.token, ""),
                             timeout=10)
        response.raise_for_status()
        slip: Mapping[str, Any] = response.json()["order_slip"]
        return Decimal(slip["amount"]) + Decimal(slip["shipping_cost_amount"])
