"""Behaviour of the QuickBooks Online simulator over real HTTP: amounts, tax and references, voids,
sparse updates, running as a module, wrong shapes and the XML throttle."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.qbo.support import (
    CATALOGUE,
    REDIRECT,
    basic,
    client,
    customer_id,
    error,
    item_id,
    sale_line,
)


# ------------------------------------------------------------- more rules
def test_amounts_tax_and_references(sim: QboSimulator, api: httpx.Client) -> None:
    widget = item_id(sim, "WID-A")
    mismatch = api.post("/salesreceipt", json={"Line": [sale_line(widget, 3, 19.99, 59.96)]})
    assert error(mismatch)["code"] == "6000"
    taxed = api.post("/salesreceipt", json={
        "Line": [sale_line(widget, 1, 10.10, tax="TAX"),
                 {"Description": "note", "Amount": 99, "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {}}],
        "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}}, "TotalAmt": 1})
    receipt = taxed.json()["SalesReceipt"]
    assert receipt["TxnTaxDetail"]["TotalTax"] == 0.83  # 10.10 * 8.25% = 0.83325 -> 0.83
    assert receipt["TotalAmt"] == 10.93
    unknown = api.post("/salesreceipt", json={"Line": [sale_line("9999", 1, 1)]})
    assert error(unknown)["code"] == "2500"
    assert error(unknown)["Detail"].endswith("element id 9999 not found")
    retired = next(i["Id"] for i in sim.entities("Item") if i["Name"] == "Retired Service")
    assert error(api.post("/salesreceipt", json={"Line": [sale_line(retired, 1, 1)]}))["code"] \
        == "610"
    refund = api.post("/refundreceipt", json={"Line": [sale_line(widget, 1, 19.99)]})
    assert error(refund)["code"] == "2020"
    unknown_prop = api.post("/invoice", json={"BadJson": 1})
    assert error(unknown_prop)["code"] == "2010"
    malformed = api.post("/invoice", content=b"{not json",
                         headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and error(malformed)["code"] == "500"
    no_type = api.post("/item", json={"Name": "Typeless"})
    assert error(no_type)["code"] == "2020"
    no_qty = api.post("/item", json={"Name": "Inv", "Type": "Inventory"})
    assert error(no_qty)["code"] == "2020"


def test_void_keeps_id_and_zeroes_amounts(sim: QboSimulator, api: httpx.Client) -> None:
    inv = api.post("/invoice", json={"CustomerRef": {"value": customer_id(sim, "Jordan Rivera")},
                                     "Line": [sale_line(item_id(sim, "WID-A"), 2, 19.99)]})
    data = inv.json()["Invoice"]
    voided = api.post("/invoice", params={"operation": "void"},
                      json={"Id": data["Id"], "SyncToken": data["SyncToken"]})
    out = voided.json()["Invoice"]
    assert out["Id"] == data["Id"] and out["SyncToken"] == "1"
    assert out["TotalAmt"] == 0 and out["Balance"] == 0
    assert out["PrivateNote"].startswith("Voided")
    qty = next(i["QtyOnHand"] for i in sim.entities("Item") if i.get("Sku") == "WID-A")
    assert qty == 10


def test_sparse_update_keeps_lines_and_full_update_replaces(sim: QboSimulator,
                                                            api: httpx.Client) -> None:
    widget = item_id(sim, "WID-A")
    rec = api.post("/salesreceipt", json={"Line": [sale_line(widget, 1, 19.99)]}).json()
    receipt = rec["SalesReceipt"]
    sparse = api.post("/salesreceipt", json={"Id": receipt["Id"], "SyncToken": "0",
                                             "sparse": True, "PrivateNote": "hi"}).json()
    assert sparse["SalesReceipt"]["Line"][0]["Id"] == receipt["Line"][0]["Id"]
    assert sparse["SalesReceipt"]["PrivateNote"] == "hi"
    full = api.post("/salesreceipt", json={"Id": receipt["Id"], "SyncToken": "1",
                                           "Line": [sale_line(widget, 2, 19.99)]}).json()
    assert "PrivateNote" not in full["SalesReceipt"]
    assert full["SalesReceipt"]["Line"][0]["Id"] == "2"
    assert full["SalesReceipt"]["TotalAmt"] == 39.98


def test_module_runs_as_subprocess(tmp_path: Any) -> None:
    items = tmp_path / "items.json"
    items.write_text(json.dumps(CATALOGUE), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecom_ledger_desktop.sandbox.qbo", "--port", "0",
         "--time-scale", "1", "--client-id", "X", "--client-secret", "Y",
         "--redirect-uri", "http://localhost:8765/cb", "--seed-items-json", str(items)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["client_id"] == "X" and info["realm_id"]
        with httpx.Client(base_url=info["base_url"], timeout=10) as http:
            code = http.post("/__sim__/authorize_code", json={}).json()
            tokens = http.post("/oauth2/v1/tokens/bearer", headers=basic("X", "Y"), data={
                "grant_type": "authorization_code", "code": code["code"],
                "redirect_uri": "http://localhost:8765/cb"}).json()
            resp = http.get(f"/v3/company/{info['realm_id']}/query",
                            params={"query": "select * from Item where Sku = 'WID-A'"},
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})
            assert resp.json()["QueryResponse"]["Item"][0]["QtyOnHand"] == 10
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_wrong_shapes_and_xml_throttle_knob() -> None:
    with QboSimulator(clock=SimClock(scale=1.0), throttle_xml=True, deny_consent=True) as sim, \
            client(sim) as api:
        shape = api.post("/payment", json={"CustomerRef": {"value": "1"}, "TotalAmt": 1,
                                           "Line": [{"Amount": 1, "LinkedTxn": ["x"]}]})
        assert shape.status_code == 400 and error(shape)["code"] == "2010"
        sim.throttle_next(1)
        xml = api.get("/preferences")
        assert xml.status_code == 429 and b'<Error code="3001">' in xml.content
        denied = httpx.get(f"{sim.base_url}/connect/oauth2", params={
            "client_id": "sim-client", "response_type": "code", "state": "a b&c",
            "scope": "com.intuit.quickbooks.accounting", "redirect_uri": REDIRECT})
        query = parse_qs(urlsplit(denied.headers["Location"]).query)
        assert query == {"error": ["access_denied"], "state": ["a b&c"]}
