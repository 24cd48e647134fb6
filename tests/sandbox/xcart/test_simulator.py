"""The X-Cart simulator behaves like the REST API add-on and the 5.5 API where a client can tell."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator

KEY = "sim-key"
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LINE = {"sku": "XC-MUG-01", "name": "Mug", "qty": 2, "price": "12.00", "tax_percent": "8.875"}


@pytest.fixture
def sim() -> Iterator[XCartSimulator]:
    with XCartSimulator(token=KEY, clock=SimClock(start=T0)) as started:
        yield started


def rest(sim: XCartSimulator, path: str, method: str = "GET", key: str = KEY,
         extra: list[tuple[str, str]] | None = None, **kw: Any) -> httpx.Response:
    params = [("target", "RESTAPI"), ("_key", key), ("_path", path), *(extra or [])]
    return httpx.request(method, f"{sim.base_url}/admin.php", params=params, timeout=10, **kw)


def test_keys_wrong_key_is_404_read_key_cannot_write_complex_is_get_only(
        sim: XCartSimulator) -> None:
    sim.add_order({"customer": None, "lines": [LINE]})
    assert rest(sim, "order", key="wrong").status_code == 404
    assert rest(sim, "order", key=KEY + "-read").status_code == 200
    form = {"model[adminNotes]": "x"}
    assert rest(sim, "order/1", "PUT", key=KEY + "-read", data=form).status_code == 404
    assert rest(sim, "order/1", "PUT", data=form).status_code == 200
    assert rest(sim, "order/1", extra=[("_schema", "complex"), ("_method", "put")]
                ).status_code == 403


def test_conditions_sorting_paging_and_unix_dates(sim: XCartSimulator) -> None:
    ids = [sim.add_order({"customer": None, "lines": [LINE], "created_at": T0.replace(day=d),
                          "updated_at": T0.replace(day=10 - d)}) for d in (1, 2, 3)]
    page = rest(sim, "order", extra=[("_cnd[orderBy][0]", "o.lastRenewDate"),
                                     ("_cnd[orderBy][1]", "desc"), ("_cnd[limit][0]", "0"),
                                     ("_cnd[limit][1]", "2")]).json()
    assert [o["order_id"] for o in page] == ids[:2]  # newest change first
    window = rest(sim, "order", extra=[
        ("_cnd[dateRange][0]", str(int(T0.replace(day=2).timestamp()))),
        ("_cnd[dateRange][1]", str(int(T0.replace(day=3).timestamp())))]).json()
    assert [o["order_id"] for o in window] == ids[1:]  # creation date, both ends inclusive
    assert len(rest(sim, "order").json()) == 3  # no _cnd: every row
    assert all(isinstance(o["date"], int) for o in window)
    bad = rest(sim, "order", extra=[("_cnd[orderBy][0]", "o.nope"), ("_cnd[orderBy][1]", "asc")])
    assert bad.status_code == 400 and "nope" in bad.headers["X-REST-Error"]
    assert bad.content == b"null"


def test_taxes_shipping_and_coupon_are_surcharges_and_add_up(sim: XCartSimulator) -> None:
    oid = sim.add_order({"customer": None, "lines": [LINE], "shipping": "5.00",
                         "shipping_tax_percent": "8.875", "discount": "4.00", "coupon": "FOUR"})
    doc = rest(sim, f"order/{oid}").json()
    kinds = {s["type"]: s for s in doc["surcharges"]}
    assert kinds["discount"]["value"] == -4 and kinds["shipping"]["value"] == 5
    item_tax = doc["items"][0]["surcharges"][0]["value"]
    assert item_tax == 1.78  # (24 - 4) x 8.875 % = 1.775, half up
    assert Decimal(str(doc["total"])) == Decimal("24") + 5 - 4 + Decimal("1.78") + Decimal("0.44")
    rates = rest(sim, "cdev-salestax-tax").json()[0]["rates"]
    assert [r["value"] for r in rates] == [8.875]
    assert kinds["tax"]["code"] == f"CDEV_STAX_{rates[0]['id']}"


def test_every_save_moves_last_renew_date_and_refunds_are_backend_transactions(
        sim: XCartSimulator) -> None:
    oid = sim.add_order({"customer": None, "lines": [LINE], "paid": False,
                         "payment_method": "Check"})
    before = rest(sim, f"order/{oid}").json()
    assert (before["paymentStatus"]["code"], before["payment_transactions"][0]["status"]) == (
        "Q", "W")
    sim.clock.advance(60)
    sim.pay_order(oid)
    sim.clock.advance(60)
    refund = sim.refund_order(oid, {"amount": "5.00"})
    after = rest(sim, f"order/{oid}").json()
    assert after["lastRenewDate"] == before["lastRenewDate"] + 120
    [backend] = after["payment_transactions"][0]["backend_transactions"]
    assert (backend["id"], backend["type"], backend["value"], backend["status"]) == (
        refund, "refundPart", 5, "S")
    assert after["paymentStatus"]["code"] == "P"


def test_stock_writes_for_products_and_variants_in_each_model_encoding(
        sim: XCartSimulator) -> None:
    variant = rest(sim, "xc-productvariants-productvariant").json()[0]
    assert rest(sim, "product/1", "PUT", data={"model[amount]": "7"}).status_code == 200
    assert rest(sim, "product/2", "PUT", data={"model": json.dumps({"amount": 3})}
                ).status_code == 200
    assert rest(sim, "xc-productvariants-productvariant", "PUT",
                data={"model[0][id]": str(variant["id"]), "model[0][amount]": "9"}
                ).status_code == 200
    stock = sim.stock()
    assert (stock["XC-MUG-01"], stock["XC-BAG-02"], stock[variant["sku"]]) == (7, 3, 9)


def test_api55_token_paging_filters_and_hydra(sim: XCartSimulator) -> None:
    sim.configure(version="5.5")
    for day in (1, 2, 3):
        sim.add_order({"customer": None, "lines": [LINE], "created_at": T0.replace(day=day),
                       "updated_at": T0.replace(day=day)})
    url = f"{sim.base_url}/api/orders"
    assert httpx.get(url, headers={"X-Auth-Token": "nope"}).status_code == 401
    headers = {"X-Auth-Token": KEY}
    got = httpx.get(url, headers=headers, params={
        "lastRenewDate[after]": T0.replace(day=2).isoformat(), "order[lastRenewDate]": "asc",
        "itemsPerPage": "1", "page": "2"}).json()
    assert [o["id"] for o in got] == [3]
    assert got[0]["update_date"].endswith("-04:00")  # ISO-8601 in the shop's zone (EDT)
    hydra = httpx.get(url, headers={**headers, "Accept": "application/ld+json"}).json()
    assert hydra["hydra:totalItems"] == 3 and len(hydra["hydra:member"]) == 3
    read_only = {"X-Auth-Token": KEY + "-read"}
    assert httpx.put(f"{url}/1", headers=read_only, json={"admin_notes": "x"}).status_code == 403


def test_rate_limit_and_broken_answers(sim: XCartSimulator) -> None:
    sim.configure(rate_limit_per_minute=2)
    codes = [rest(sim, "order").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    sim.configure(rate_limit_per_minute=None)
    sim.corrupt_next_responses(1, "garbage")
    assert rest(sim, "order").text.startswith("<html>")
    assert rest(sim, "order").json() == []


def test_xml_on_request_and_304_when_unchanged(sim: XCartSimulator) -> None:
    sim.add_order({"customer": None, "lines": [LINE]})
    xml = rest(sim, "order/1", headers={"Accept": "application/xml"})
    assert xml.headers["Content-Type"].startswith("application/xml")
    assert b"<orderNumber>1</orderNumber>" in xml.content
    first = rest(sim, "order/1")
    assert rest(sim, "order/1", headers={"If-None-Match": first.headers["ETag"]}
                ).status_code == 304
    assert rest(sim, "order/1", headers={"If-Modified-Since": first.headers["Last-Modified"]}
                ).status_code == 304


def test_control_api_places_pays_refunds_and_switches_versions(sim: XCartSimulator) -> None:
    control = f"{sim.base_url}/__sim__"
    oid = httpx.post(f"{control}/orders", json={"customer": None, "lines": [LINE],
                                                "paid": False, "payment_method": "Check"}
                     ).json()["order_id"]
    assert httpx.post(f"{control}/orders/{oid}/pay").json() == {"ok": True}
    refund = httpx.post(f"{control}/orders/{oid}/refund", json={"amount": "1.00"}).json()
    assert refund["refund_id"] >= 1
    assert httpx.get(f"{control}/orders/{oid}").json()["paymentStatus"]["code"] == "P"
    assert httpx.post(f"{control}/settings", json={"version": "5.5"}).json()["version"] == "5.5"
    assert httpx.get(f"{sim.base_url}/api/orders", headers={"X-Auth-Token": KEY}).json()
    assert httpx.get(f"{control}/orders/999").status_code == 404
    assert httpx.get(f"{control}/stock").json()["XC-MUG-01"] == 98


def test_the_demo_seed_is_deterministic_and_plants_its_cases() -> None:
    def shop() -> list[dict[str, Any]]:
        with XCartSimulator(seed=9, seed_orders=60, clock=SimClock(start=T0, scale=0)) as s:
            return [s.order_json(oid) for oid in sorted(s.state.orders)]

    first, second = shop(), shop()
    assert first == second
    emails = [o["profile"]["login"] for o in first]
    assert emails.count("jordan.rivera@example.com") == 1
    assert any(o["orig_profile"]["anonymous"] for o in first)  # guests
    assert any(o.get("selectedMultiCurrency") for o in first)  # shown in another currency
    assert any(o["usedCoupons"] for o in first)
    assert any(b for o in first for t in o["payment_transactions"]
               for b in t["backend_transactions"])  # refunds
    assert any(i["sku"].startswith("XC-TEE-") for o in first for i in o["items"])  # variants
    assert sum(o["paymentStatus"]["code"] == "Q" for o in first) == 4  # 2 old, 2 recent


def test_complex_schema_keeps_its_documented_quirks(sim: XCartSimulator) -> None:
    oid = sim.add_order({"customer": {"email": "kim@example.com", "firstname": "Kim",
                                      "lastname": "Ode"}, "lines": [LINE], "shipping": "5.00",
                         "discount": "2.00", "coupon": "TWO"})
    doc = rest(sim, f"order/{oid}", extra=[("_schema", "complex")]).json()
    assert doc["subtotal"] == doc["total"] - doc["shippingCost"]  # not the pre-tax subtotal
    assert (doc["coupon"], doc["paymentFee"], doc["discountValue"]) == ("", 0, -2)
    assert doc["updateDate"].startswith("2026-05-01T08:00:00")  # date('c'), the shop's zone
    assert doc["customerInfo"]["password"]  # the hash leaks, as the real one does


def test_stats_count_the_api_requests_by_route(sim: XCartSimulator) -> None:
    rest(sim, "order")
    rest(sim, "order/1")
    rest(sim, "product")
    stats = httpx.get(f"{sim.base_url}/__sim__/stats").json()
    assert (stats["routes"], stats["total"]) == ({"GET order": 2, "GET product": 1}, 3)
    moved = httpx.post(f"{sim.base_url}/__sim__/clock", json={"advance": 3600}).json()["now"]
    assert moved.startswith("2026-05-01T13:00")
