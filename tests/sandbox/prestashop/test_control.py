"""The ``/__sim__/`` control API: the back office's actions from another process."""

from __future__ import annotations

import httpx

from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from tests.sandbox.prestashop.conftest import ORDER


def test_orders_are_placed_paid_refunded_and_cancelled_from_outside(
        sim: PrestaShopSimulator) -> None:
    control = httpx.Client(base_url=sim.base_url + "/__sim__", timeout=10)
    oid = control.post("/orders", json={**ORDER, "paid": False,
                                        "payment_method": "checkmo"}).json()["id"]
    assert control.get(f"/orders/{oid}").json()["order"]["current_state"] == "1"
    assert control.post(f"/orders/{oid}/pay").json() == {"ok": True}
    slip = control.post(f"/orders/{oid}/refund", json={"lines": [
        {"sku": "PS-MUG-01", "qty": 1}]}).json()["order_slip_id"]
    assert slip == 1
    assert control.post(f"/orders/{oid}/refund", json={"lines": [
        {"sku": "NOPE", "qty": 1}]}).status_code == 400
    other = control.post("/orders", json={**ORDER, "paid": False}).json()["id"]
    control.post(f"/orders/{other}/cancel")
    assert sim.order_json(other)["current_state"] == "6"
    control.post(f"/orders/{other}/raw", json={"total_paid": "oops"})
    assert sim.order_json(other)["total_paid"] == "oops"
    assert control.get("/stock").json()["PS-MUG-01"] == 118  # 120 - 2 sold, the cancel restocked 2
    settings = control.post("/settings", json={"version": "8", "languages": 2}).json()
    assert (settings["version"], settings["languages"]) == ("8", 2)
    assert control.post("/permissions", json={"resource": "orders", "methods": []}).status_code == 200
    assert httpx.get(sim.base_url + "/api/orders", auth=(sim.token, "")).status_code == 401
    before = sim.clock.now()
    control.post("/clock", json={"advance": 3600})
    assert (sim.clock.now() - before).total_seconds() >= 3600
    assert control.get("/stats").json()["total"] >= 1
    assert control.get("/nope").status_code == 404
    control.close()
