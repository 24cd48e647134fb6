"""The Magento simulator's accounting detail: store configs, tax detail, redemptions, refunds
that return goods to stock, and the demo seed's month-end, DST, gift card, store credit, EUR,
tax-inclusive, paid-later and refund orders - checked against the 2.4.8 Swagger definitions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.test_magento2_conformance import AUTH, TOKEN, assert_valid, definitions

__all__ = ["definitions"]  # the Swagger fixture, shared with the conformance suite
NOW = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
D = Decimal


@pytest.fixture(scope="module")
def demo() -> Iterator[Magento2Simulator]:
    """The demo's seed (300 generated orders, and the buyer the books know twice) at a fixed
    moment."""
    with Magento2Simulator(token=TOKEN, clock=SimClock(start=NOW), seed=7,
                           seed_orders=300) as running:
        yield running


@pytest.fixture(scope="module")
def api(demo: Magento2Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{demo.base_url}/rest/default/V1", headers=AUTH,
                      timeout=5) as client:
        yield client


def _orders(demo: Magento2Simulator) -> list[dict[str, Any]]:
    return [dict(o) for o in demo.state.order_rows()]


def test_store_configs_name_the_time_zone(api: httpx.Client, definitions: dict[str, Any],
                                          ) -> None:
    configs = api.get("/store/storeConfigs").json()
    assert [(c["code"], c["timezone"], c["base_currency_code"]) for c in configs] == [
        ("default", "America/New_York", "USD")]
    for config in configs:
        assert_valid(definitions, "store-data-store-config-interface", config)


def test_every_demo_document_matches_swagger(api: httpx.Client, demo: Magento2Simulator,
                                             definitions: dict[str, Any]) -> None:
    body = api.get("/orders", params={"searchCriteria[pageSize]": "300"}).json()
    assert body["total_count"] == 301  # 300 generated, then the demo's duplicate buyer
    assert_valid(definitions, "sales-data-order-search-result-interface", body)
    memos = api.get("/creditmemos", params={"searchCriteria": ""}).json()
    assert_valid(definitions, "sales-data-creditmemo-search-result-interface", memos)
    invoices = api.get("/invoices", params={"searchCriteria": ""}).json()
    assert_valid(definitions, "sales-data-invoice-search-result-interface", invoices)


def test_demo_orders_add_up_in_order_and_base_currency(demo: Magento2Simulator) -> None:
    for order in _orders(demo):
        ext = order["extension_attributes"]
        lines = sum((D(str(r["row_total"])) for r in order["items"]
                     if not r.get("parent_item_id") or r.get("price")), D(0))
        if any(r.get("product_type") == "bundle" and not r.get("parent_item_id")
               and any(c.get("parent_item_id") == r["item_id"] and c.get("price")
                       for c in order["items"]) for r in order["items"]):
            continue  # a dynamic bundle's parent and children both carry the row
        redeemed = sum((D(str(ext.get(k, 0))) for k in (
            "gift_cards_amount", "customer_balance_amount", "reward_currency_amount")), D(0))
        total = (lines + D(str(order["shipping_amount"])) + D(str(order["tax_amount"]))
                 + D(str(order["discount_amount"]))
                 + D(str(order["discount_tax_compensation_amount"])) - redeemed)
        assert total == D(str(order["grand_total"])), order["increment_id"]
        rate = D(str(order["base_to_order_rate"]))
        base = (D(str(order["grand_total"])) / rate).quantize(D("0.01"))
        assert D(str(order["base_grand_total"])) == base, order["increment_id"]


def test_demo_has_the_orders_an_accountant_checks(demo: Magento2Simulator) -> None:
    orders = _orders(demo)
    local = [datetime.strptime(o["created_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
             .astimezone(NEW_YORK) for o in orders]
    late = [when for when in local if (when.hour, when.minute) == (23, 30)]
    month_ends = [when for when in late if (when + timedelta(days=1)).day == 1]
    assert {(w.month, w.day) for w in late} >= {(10, 31), (11, 1), (11, 30)}
    assert {w.utcoffset() for w in late} == {NEW_YORK.utcoffset(datetime(2026, 7, 1)),
                                             NEW_YORK.utcoffset(datetime(2026, 12, 1))}
    assert len(month_ends) >= 2  # 31 October and 30 November, 23:30 in New York
    ext = [o["extension_attributes"] for o in orders]
    assert any(e.get("gift_cards") for e in ext)
    assert any(e.get("customer_balance_amount") for e in ext)
    assert any(e.get("reward_currency_amount") for e in ext)
    assert any(r["product_type"] == "giftcard" for o in orders for r in o["items"])
    assert sum(o["order_currency_code"] == "EUR" for o in orders) >= 3
    assert any(o["discount_tax_compensation_amount"] for o in orders)  # tax-inclusive coupon
    assert any(e.get("item_applied_taxes") for e in ext)
    offline_unpaid_old = [o for o in orders if o["payment"]["method"] in ("checkmo", "banktransfer")
                          and not o.get("total_paid") and o["state"] == "new"
                          and (NOW - datetime.strptime(o["created_at"], "%Y-%m-%d %H:%M:%S")
                               .replace(tzinfo=UTC)).days > 30]
    assert len(offline_unpaid_old) >= 2


def test_offline_orders_are_invoiced_days_after_they_were_placed(
        demo: Magento2Simulator) -> None:
    placed = {o["entity_id"]: o for o in _orders(demo)}
    later = [inv for inv in demo.state.invoices.values()
             if placed[inv["order_id"]]["payment"]["method"] in ("checkmo", "banktransfer")]
    assert later and all(inv["created_at"] > placed[inv["order_id"]]["created_at"]
                         for inv in later)
    assert all(placed[inv["order_id"]]["updated_at"] >= inv["created_at"] for inv in later)


def test_demo_refunds_keep_adjustments_and_restock_only_unshipped_goods(
        demo: Magento2Simulator) -> None:
    memos = list(demo.state.creditmemos.values())
    assert any(m["adjustment_positive"] for m in memos)
    assert any(m["adjustment_negative"] for m in memos)
    assert any((m.get("extension_attributes") or {}).get("customer_balance_amount")
               for m in memos)
    returned_any = False
    for record in demo.state.orders.values():
        rows = {r["item_id"]: r for r in record.data["items"]}
        for memo_id, item_ids in record.returned.items():
            returned_any = returned_any or bool(item_ids)
            assert all(not rows[i]["qty_shipped"] for i in item_ids), memo_id
            assert "return_to_stock" not in str(demo.state.creditmemos[memo_id])
    assert returned_any


def test_the_seed_is_still_deterministic() -> None:
    first = Magento2Simulator(seed=7, seed_orders=60, clock=SimClock(start=NOW))
    second = Magento2Simulator(seed=7, seed_orders=60, clock=SimClock(start=NOW))
    assert first.state.order_rows() == second.state.order_rows()
    assert first.state.creditmemos == second.state.creditmemos
