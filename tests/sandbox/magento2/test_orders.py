"""Behaviour of the Magento 2 REST simulator, exercised over real HTTP with plain httpx: the order's
shape, and writes and lifecycle (comments, invoices, cancels, credit memos, edits)."""

from __future__ import annotations

import json

import httpx

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from tests.sandbox.magento2.support import criteria, simple_spec

# --- order shape -----------------------------------------------------------------------------

def test_configurable_order_has_parent_with_child_sku_and_zero_priced_child(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(lines=[{
        "sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie", "qty": 1, "price": 52,
        "configurable_parent_sku": "MH01"}]))
    order = api.get(f"/orders/{oid}").json()
    parent, child = order["items"]
    assert parent["product_type"] == "configurable"
    assert parent["sku"] == "MH01-S-Gray"
    assert (parent["price"], parent["row_total"], parent.get("parent_item_id")) == (52, 52, None)
    assert child["product_type"] == "simple"
    assert child["parent_item_id"] == parent["item_id"]
    assert child["price"] == 0 and child["row_total"] == 0
    assert child["sku"] == "MH01-S-Gray"
    assert child["name"] == "Chaz Kangeroo Hoodie-S-Gray"
    assert child["parent_item"]["item_id"] == parent["item_id"]
    assert child["parent_item"]["price"] == 52
    assert order["subtotal"] == 52


def test_bundle_children_carry_their_own_prices(sim: Magento2Simulator, api: httpx.Client) -> None:
    children = [{"sku": "24-WG082-blue", "qty": 1, "price": 27}, {"sku": "24-WG084", "qty": 1, "price": 5}]
    fixed = sim.add_order(simple_spec(lines=[{"sku": "24-WG080", "type": "bundle", "qty": 1,
                                              "children": children}]))
    order = api.get(f"/orders/{fixed}").json()
    parent = order["items"][0]
    assert (parent["product_type"], parent["price"], parent["sku"]) == ("bundle", 32, "24-WG080")
    assert "tax_percent" not in parent
    assert [(c["sku"], c["price"], c["parent_item_id"]) for c in order["items"][1:]] == [
        ("24-WG082-blue", 27, parent["item_id"]), ("24-WG084", 5, parent["item_id"])]
    assert order["subtotal"] == 32
    dynamic = sim.add_order(simple_spec(lines=[{"sku": "24-WG080", "type": "bundle", "qty": 1,
                                                "sku_type": "dynamic", "children": children}]))
    assert sim.order_json(dynamic)["items"][0]["sku"] == "24-WG080-24-WG082-blue-24-WG084"


def test_items_repeat_in_shipping_assignments_and_shipping_address_lives_only_there(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(shipping_address={"city": "Albany", "postcode": "12207"}))
    order = api.get(f"/orders/{oid}").json()
    assert "shipping_address" not in order
    assignment = order["extension_attributes"]["shipping_assignments"][0]
    assert assignment["items"] == order["items"]
    address = assignment["shipping"]["address"]
    assert (address["address_type"], address["city"]) == ("shipping", "Albany")
    assert order["billing_address"]["address_type"] == "billing"


def test_virtual_order_has_shipping_assignment_without_address(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(lines=[{"sku": "240-LV08", "qty": 1, "price": 18}], shipping=5))
    order = api.get(f"/orders/{oid}").json()
    assert order["is_virtual"] == 1
    assert order["shipping_amount"] == 0
    assert "address" not in order["extension_attributes"]["shipping_assignments"][0]["shipping"]
    assert order["items"][0]["product_type"] == "downloadable"


def test_guest_order_is_flagged_and_has_no_customer_id(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(customer=None, guest={
        "email": "zoe@example.com", "firstname": "Zoë", "lastname": "O'Brien"}))
    order = api.get(f"/orders/{oid}").json()
    assert order["customer_is_guest"] == 1
    assert "customer_id" not in order
    assert (order["customer_email"], order["customer_firstname"]) == ("zoe@example.com", "Zoë")
    assert order["billing_address"]["lastname"] == "O'Brien"


def test_totals_are_exact_numbers_and_order_discount_is_negative(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(
        lines=[{"sku": "24-MB01", "qty": 3, "price": "19.99", "tax_percent": "8.875"},
               {"sku": "24-UG06", "qty": 1, "price": 7.0, "tax_percent": 8.875}],
        discount="10", coupon_code="SAVE10", shipping="5"))
    response = api.get(f"/orders/{oid}")
    order = response.json()
    # subtotal 59.97 + 7 = 66.97; discount 10 spread 8.95 / 1.05; tax 4.53 + 0.53
    assert order["subtotal"] == 66.97
    assert order["discount_amount"] == -10
    assert order["base_discount_amount"] == -10
    assert [i["discount_amount"] for i in order["items"]] == [8.95, 1.05]
    assert [i["tax_amount"] for i in order["items"]] == [4.53, 0.53]
    assert order["tax_amount"] == 5.06
    assert order["grand_total"] == 67.03
    assert order["coupon_code"] == "SAVE10"
    assert '"shipping_amount":5,' in response.text  # integers without ".0"
    assert order["increment_id"] == f"{oid:09d}"
    assert order["payment"]["method"] == "checkmo"
    assert order["extension_attributes"]["applied_taxes"][0]["amount"] == 5.06


def test_foreign_currency_order_keeps_base_amounts(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(currency="EUR", base_currency="USD", base_to_order_rate="0.9",
                                    lines=[{"sku": "24-MB01", "qty": 1, "price": 45}], shipping=0))
    order = api.get(f"/orders/{oid}").json()
    assert (order["order_currency_code"], order["base_currency_code"]) == ("EUR", "USD")
    assert order["base_to_order_rate"] == 0.9
    assert (order["grand_total"], order["base_grand_total"]) == (45, 50)


# --- writes and lifecycle --------------------------------------------------------------------

def test_comment_bumps_updated_at_and_sets_status_label_only(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    before = api.get(f"/orders/{oid}").json()
    sim.clock.advance(90)
    response = api.post(f"/orders/{oid}/comments", json={"statusHistory": {
        "comment": "Posted to QuickBooks #1042", "is_customer_notified": 0,
        "is_visible_on_front": 0, "status": "exported"}})
    assert response.status_code == 200
    assert response.json() is True
    after = api.get(f"/orders/{oid}").json()
    assert after["updated_at"] > before["updated_at"]
    assert (after["status"], after["state"]) == ("exported", "new")
    history = after["status_histories"][0]
    assert history["comment"] == "Posted to QuickBooks #1042"
    assert (history["entity_name"], history["parent_id"]) == ("order", oid)
    assert sim.comments(oid) == ["Posted to QuickBooks #1042"]


def test_body_without_json_content_type_is_400(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    body = json.dumps({"statusHistory": {"comment": "x"}})
    response = api.post(f"/orders/{oid}/comments", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["text/plain"]
    missing = api.post(f"/orders/{oid}/comments", json={"comment": "x"})
    assert missing.json()["parameters"] == {"fieldName": "statusHistory"}
    assert sim.comments(oid) == []


def test_invoice_marks_order_paid(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    sim.clock.advance(30)
    invoice_id = sim.invoice_order(oid)
    order = api.get(f"/orders/{oid}").json()
    assert (order["state"], order["status"]) == ("processing", "processing")
    assert (order["total_paid"], order["total_due"], order["total_invoiced"]) == (73, 0, 73)
    assert order["updated_at"] == "2024-05-01 12:00:30"
    invoices = api.get("/invoices", params=criteria([("order_id", str(oid), "eq")])).json()
    assert [i["entity_id"] for i in invoices["items"]] == [invoice_id]
    assert invoices["items"][0]["state"] == 2


def test_cancel_unpaid_order(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    sim.cancel_order(oid)
    order = api.get(f"/orders/{oid}").json()
    assert (order["state"], order["status"], order["total_canceled"]) == ("canceled", "canceled", 73)


def test_credit_memo_partial_refund(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(paid=True, lines=[
        {"sku": "24-MB01", "qty": 2, "price": 34, "tax_percent": 10},
        {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie", "qty": 1, "price": 52,
         "configurable_parent_sku": "MH01"}]))
    sim.clock.advance(3600)
    memo_id = sim.refund_order(oid, {"lines": [{"sku": "24-MB01", "qty": 1}], "shipping": 5,
                                     "adjustment_negative": 2})
    memo = api.get(f"/creditmemo/{memo_id}").json()
    assert memo["order_id"] == oid
    assert memo["state"] == 2
    assert (memo["subtotal"], memo["tax_amount"], memo["shipping_amount"]) == (34, 3.4, 5)
    assert (memo["adjustment_negative"], memo["adjustment"], memo["grand_total"]) == (2, -2, 40.4)
    assert [(i["sku"], i["qty"], i["order_item_id"]) for i in memo["items"]] == [
        ("24-MB01", 1, sim.order_json(oid)["items"][0]["item_id"])]
    assert memo["items"][0]["weee_tax_applied"] == "[]"
    order = api.get(f"/orders/{oid}").json()
    assert order["total_refunded"] == 40.4
    assert order["state"] == "processing"
    assert order["items"][0]["qty_refunded"] == 1
    assert order["updated_at"] == "2024-05-01 13:00:00"
    assert sim.comments(oid) == ["We refunded $40.40 offline."]
    listed = api.get("/creditmemos", params=criteria([("order_id", str(oid), "eq")])).json()
    assert listed["total_count"] == 1
    assert api.get("/creditmemo/999").status_code == 404


def test_refund_everything_closes_the_order(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec(paid=True))
    sim.refund_order(oid, {})
    order = sim.order_json(oid)
    assert (order["state"], order["total_refunded"]) == ("closed", 73)


def test_edit_order_rebuilds_lines_and_bumps_updated_at(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec(paid=True))
    sim.clock.advance(120)
    sim.edit_order(oid, {"lines": [{"sku": "24-UG06", "qty": 3, "price": 7}],
                         "billing_address": {"city": "Ithaca"}})
    order = sim.order_json(oid)
    assert (order["subtotal"], order["grand_total"], order["total_paid"]) == (21, 26, 26)
    assert order["billing_address"]["city"] == "Ithaca"
    assert order["updated_at"] == "2024-05-01 12:02:00"
    assert order["state"] == "processing"


def test_put_raw_order_is_served_verbatim(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    raw = {"entity_id": oid, "increment_id": None, "grand_total": "12,50", "items": "broken"}
    sim.put_raw_order(oid, raw)
    assert api.get(f"/orders/{oid}").json() == raw
    assert api.get("/orders", params=criteria(sort=[("updated_at", "ASC")])).json()["items"] == [raw]
