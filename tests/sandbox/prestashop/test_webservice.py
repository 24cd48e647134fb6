"""The Webservice's behaviour: auth, permissions, formats, list parameters, writes, faults."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import httpx
import pytest
from defusedxml import ElementTree

from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.prestashop.conftest import ORDER, Api


def _code(response: httpx.Response) -> int:
    return int(ElementTree.fromstring(response.content).find("errors/error/code").text)


@pytest.mark.parametrize(("auth", "params", "code"), [
    (None, {}, 16), (("", ""), {}, 17), (("short", ""), {}, 18), (("X" * 32, ""), {}, 20)])
def test_refused_keys_get_401_with_the_realm(sim: PrestaShopSimulator, auth: tuple[str, str] | None,
                                              params: dict[str, str], code: int) -> None:
    response = httpx.get(sim.base_url + "/api/orders", auth=auth, params=params)
    assert response.status_code == 401
    assert "PrestaShop Webservice" in response.headers["WWW-Authenticate"]
    assert "PSWS-Version" not in response.headers
    assert _code(response) == code


def test_the_key_also_works_as_ws_key_and_the_index_lists_permissions(
        sim: PrestaShopSimulator) -> None:
    sim.set_permissions("order_slip", [])
    sim.set_permissions("orders", ["GET", "HEAD"])
    response = httpx.get(sim.base_url + "/api/", params={"ws_key": sim.token})
    assert response.status_code == 200 and response.headers["PSWS-Version"]
    api = ElementTree.fromstring(response.content)[0]
    assert api.find("orders").get("get") == "true" and api.find("orders").get("put") == "false"
    assert api.find("order_slip") is None


def test_missing_permissions_answer_like_the_shop(sim: PrestaShopSimulator, api: Api) -> None:
    sim.set_permissions("order_slip", [])
    sim.set_permissions("order_histories", ["GET"])
    refused = api.get("order_slip")
    assert (refused.status_code, _code(refused)) == (401, 26)
    assert "order_slip" in refused.text
    post = api.send("POST", "order_histories", "<prestashop><order_history><id_order>1"
                    "</id_order><id_order_state>2</id_order_state></order_history></prestashop>")
    assert (post.status_code, _code(post)) == (405, 25)
    forbidden = api.send("POST", "stock_availables", "<prestashop/>")
    assert (forbidden.status_code, _code(forbidden)) == (405, 101)
    assert (api.get("ordres").status_code, _code(api.get("ordres"))) == (400, 27)


def test_json_wrapping_quirks(sim: PrestaShopSimulator, api: Api) -> None:
    assert api.json("order_slip", display="full") == []
    oid = sim.add_order(ORDER)
    assert api.json("orders") == {"orders": [{"id": oid}]}
    single = api.json(f"orders/{oid}")
    assert list(single) == ["order"] and single["order"]["id"] == oid
    assert single["order"]["total_paid"] == "31.570000"  # 6-dp strings
    listed = api.json(f"orders/{oid}", display="[id,reference]")
    assert list(listed) == ["orders"] and set(listed["orders"][0]) == {"id", "reference"}
    missing = api.get("orders/999", output_format="JSON")
    assert (missing.status_code, missing.content) == (404, b"")


def test_dates_filter_only_with_date_1_and_intervals_are_inclusive(
        sim: PrestaShopSimulator, api: Api) -> None:
    ids = [sim.add_order({**ORDER, "created_at": f"2026-05-0{d}T12:00:00+00:00"})
           for d in (1, 2, 3)]
    refused = api.get("orders", **{"filter[date_upd]": "[2026-05-01 00:00:00,2026-05-02 08:00:00]"})
    assert (refused.status_code, _code(refused)) == (400, 32)
    window = api.json("orders", date="1", **{
        "filter[date_upd]": "[2026-05-02 08:00:00,2026-05-01 08:00:00]"})  # bounds get sorted
    assert [o["id"] for o in window["orders"]] == ids[:2]
    strict = api.json("orders", date="1", **{"filter[date_upd]": ">[2026-05-02 08:00:00]"})
    assert [o["id"] for o in strict["orders"]] == ids[2:]
    assert sim.shop.row("orders", ids[0])["date_upd"] == "2026-05-01 08:00:00"  # New York time
    paged = api.json("orders", date="1", sort="[date_upd_DESC,id_ASC]", limit="1,1")
    assert [o["id"] for o in paged["orders"]] == [ids[1]]
    for params, code in (({"sort": "[date_upd]"}, 37), ({"sort": "[nope_ASC]"}, 38),
                         ({"limit": "1,2,3"}, 39), ({"display": "[nope]"}, 35)):
        response = api.get("orders", **params)
        assert (response.status_code, _code(response)) == (400, code), params


def test_a_state_change_moves_the_order_and_records_the_payment(
        sim: PrestaShopSimulator, api: Api) -> None:
    oid = sim.add_order({**ORDER, "paid": False, "payment_method": "banktransfer"})
    before = api.json(f"orders/{oid}")["order"]
    assert before["current_state"] == "10" and before["total_paid_real"] == "0.000000"
    sim.clock.advance(3600)
    created = api.send("POST", "order_histories", f"<prestashop><order_history><id_order>{oid}"
                       "</id_order><id_order_state>2</id_order_state></order_history>"
                       "</prestashop>", sendemail="1")
    assert created.status_code == 201, created.text
    after = api.json(f"orders/{oid}")["order"]
    assert after["current_state"] == "2" and after["date_upd"] > before["date_upd"]
    payments = api.json("order_payments", display="full",
                        **{"filter[order_reference]": f"[{after['reference']}]"})
    assert payments["order_payments"][0]["amount"] == "31.570000"


def test_stock_put_replaces_the_row_and_patch_needs_8(sim: PrestaShopSimulator, api: Api) -> None:
    row = sim.shop.stock_row(1, 0)
    assert row is not None
    partial = (f"<prestashop><stock_available><id>{row['id']}</id><id_product>1</id_product>"
               "<id_product_attribute>0</id_product_attribute><quantity>7</quantity>"
               "<depends_on_stock>0</depends_on_stock><out_of_stock>2</out_of_stock>"
               "</stock_available></prestashop>")
    assert api.send("PUT", f"stock_availables/{row['id']}", partial).status_code == 200
    assert row["quantity"] == "7" and row["id_shop"] == ""  # PUT nulls what it leaves out
    patch = (f"<prestashop><stock_available><id>{row['id']}</id><quantity>9</quantity>"
             "</stock_available></prestashop>")
    assert api.send("PATCH", "stock_availables", patch).status_code == 405
    sim.configure(version="8")
    assert api.send("PATCH", "stock_availables", patch).status_code == 200
    assert row["quantity"] == "9"
    assert api.send("PUT", "stock_availables", "<prestashop><stock_available><quantity>1"
                    "</quantity></stock_available></prestashop>").status_code == 400
    assert api.send("PUT", "stock_availables", "<prestashop><broken").status_code == 500


def test_refunds_are_credit_slips_with_their_details(sim: PrestaShopSimulator, api: Api) -> None:
    oid = sim.add_order(ORDER)
    slip = sim.refund_order(oid, {"lines": [{"sku": "PS-MUG-01", "qty": 1}], "shipping": "5",
                                  "adjustment_negative": "0.50", "return_to_stock": True})
    [found] = api.json("order_slip", display="full", **{"filter[id_order]": f"[{oid}]"})[
        "order_slip"]
    assert found["id"] == slip and found["order_slip_type"] == "2"
    assert (found["total_products_tax_incl"], found["amount"], found["shipping_cost_amount"]) == (
        "13.070000", "12.570000", "5.440000")
    [detail] = found["associations"]["order_slip_details"]
    assert (detail["product_quantity"], detail["amount_tax_excl"]) == ("1", "12.000000")


def test_faults_break_answers_throttle_and_fail_after_committing(
        sim: PrestaShopSimulator, api: Api) -> None:
    oid = sim.add_order(ORDER)
    sim.corrupt_next_responses(1, "garbage")
    assert b"Fatal error" in api.get("orders").content
    sim.configure(notice_after_write=1)
    response = api.send("POST", "order_histories", f"<prestashop><order_history><id_order>{oid}"
                        "</id_order><id_order_state>4</id_order_state></order_history>"
                        "</prestashop>")
    assert response.status_code == 500 and sim.shop.row("orders", oid)["current_state"] == "4"
    sim.configure(rate_limit_per_minute=1)
    api.get("orders")
    throttled = api.get("orders")
    assert throttled.status_code == 429 and throttled.headers["Content-Type"] == "text/html"


def test_demo_seed_is_deterministic_and_has_the_planted_problems() -> None:
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    one = PrestaShopSimulator(seed=3, seed_orders=40, clock=SimClock(scale=0, start=start))
    two = PrestaShopSimulator(seed=3, seed_orders=40, clock=SimClock(scale=0, start=start))
    for table in ("orders", "order_details", "order_payments", "order_slip", "customers"):
        assert one.shop.tables[table] == two.shop.tables[table], table
    shop = one.shop
    assert shop.find("customers", email="jordan.rivera@example.com")
    assert shop.find("customers", is_guest="1")
    assert [o for o in shop.tables["orders"].values() if o["conversion_rate"] != "1.000000"]
    assert shop.tables["order_slip"] and shop.find("order_cart_rules", name="Gift card GC-7Q2M")
    assert shop.find("orders", current_state="6")
    never_paid = shop.row("orders", min(shop.tables["orders"]) + 7)  # the first bank wire
    assert never_paid["module"] == "ps_wirepayment" and never_paid["current_state"] == "10"
    skus = {entry["sku"] for entry in one.catalog()}
    sold = {d["product_reference"] for d in shop.tables["order_details"].values()}
    assert sold - skus, "a few SKUs the books do not know"
    assert one.demo_connection()[1] == {"ws_key": one.token} and len(one.token) == 32


def test_multi_language_fields_switch_shape_and_bodies_carry_a_sha1(
        sim: PrestaShopSimulator, api: Api) -> None:
    sim.configure(languages=2)
    state = api.json("order_states/2")["order_state"]
    assert state["name"] == [{"id": "1", "value": "Payment accepted"},
                             {"id": "2", "value": "Payment accepted"}]
    assert api.json("order_states/2", language="1")["order_state"]["name"] == "Payment accepted"
    xml = api.get("order_states/2")
    assert b'<language id="2"' in xml.content
    assert xml.headers["Content-Sha1"] == hashlib.sha1(xml.content).hexdigest()  # noqa: S324


def test_blank_schemas_and_unchanged_answers_on_8(sim: PrestaShopSimulator, api: Api) -> None:
    blank = ElementTree.fromstring(api.get("orders", schema="blank").content)[0]
    assert blank.tag == "order" and blank.find("total_paid") is not None
    sim.configure(version="8")
    first = api.get("order_states/2")
    again = api.client.get("order_states/2",
                           headers={"Local-Content-Sha1": first.headers["Content-Sha1"]})
    assert (again.status_code, again.content) == (304, b"")
