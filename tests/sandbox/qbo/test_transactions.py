"""Behaviour of the QuickBooks Online simulator over real HTTP: transactions (duplicate numbers,
stale SyncTokens, payments, CDC, closed periods, queries, currencies)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from tests.sandbox.qbo.support import customer_id, error, item_id, sale_line


# --------------------------------------------------------------- transactions
def test_duplicate_docnumber_gives_6140_naming_existing_txn(
        sim: QboSimulator, api: httpx.Client) -> None:
    body = {"DocNumber": "1001", "CustomerRef": {"value": customer_id(sim, "Jordan Rivera")},
            "Line": [sale_line(item_id(sim, "WID-A"), 1, 19.99)]}
    first = api.post("/invoice", json=body)
    assert first.status_code == 200
    txn_id = first.json()["Invoice"]["Id"]
    dup = api.post("/invoice", json=body)
    assert dup.status_code == 400 and error(dup)["code"] == "6140"
    assert error(dup)["Detail"].endswith(f"DocNumber=1001 is assigned to TxnType=Invoice with "
                                         f"TxnId={txn_id}")
    allowed = api.post("/invoice", params={"include": "allowduplicatedocnum"}, json=body)
    assert allowed.status_code == 200
    other_type = api.post("/salesreceipt", json=body)
    assert other_type.status_code == 200
    too_long = api.post("/invoice", json={**body, "DocNumber": "X" * 22})
    assert error(too_long)["code"] == "2050"


def test_stale_synctoken_gives_5010(sim: QboSimulator, api: httpx.Client) -> None:
    cust = api.post("/customer", json={"DisplayName": "Stale Co"}).json()["Customer"]
    upd = api.post("/customer", json={"Id": cust["Id"], "SyncToken": "0", "sparse": True,
                                      "CompanyName": "Stale Co Ltd"})
    assert upd.status_code == 200 and upd.json()["Customer"]["SyncToken"] == "1"
    assert upd.json()["Customer"]["DisplayName"] == "Stale Co"
    stale = api.post("/customer", json={"Id": cust["Id"], "SyncToken": "0", "sparse": True,
                                        "CompanyName": "Lost"})
    assert stale.status_code == 400
    assert error(stale)["code"] == "5010" and error(stale)["Message"] == "Stale Object Error"


def test_payment_reduces_invoice_balance(sim: QboSimulator, api: httpx.Client) -> None:
    cust = customer_id(sim, "Jordan Rivera")
    inv = api.post("/invoice", json={"CustomerRef": {"value": cust},
                                     "Line": [sale_line(item_id(sim, "WID-B"), 2, 5)]})
    invoice = inv.json()["Invoice"]
    assert invoice["Balance"] == 10 and invoice["TotalAmt"] == 10
    pay = api.post("/payment", json={"CustomerRef": {"value": cust}, "TotalAmt": 4,
                                     "Line": [{"Amount": 4, "LinkedTxn": [
                                         {"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    assert pay.status_code == 200
    after = api.get(f"/invoice/{invoice['Id']}").json()["Invoice"]
    assert after["Balance"] == 6
    assert {"TxnId": pay.json()["Payment"]["Id"], "TxnType": "Payment"} in after["LinkedTxn"]
    over = api.post("/payment", json={"CustomerRef": {"value": cust}, "TotalAmt": 7,
                                      "Line": [{"Amount": 7, "LinkedTxn": [
                                          {"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    assert over.status_code == 400 and error(over)["code"] == "6000"
    customer = api.get(f"/customer/{cust}").json()["Customer"]
    assert customer["Balance"] == 6


def test_cdc_returns_item_qty_change_and_deleted_stub(sim: QboSimulator,
                                                      api: httpx.Client) -> None:
    since = (sim.clock.now() - timedelta(seconds=1)).isoformat()
    widget = item_id(sim, "WID-A")
    api.post("/salesreceipt", json={"Line": [sale_line(widget, 3, 19.99)]})
    inv = api.post("/invoice", json={"CustomerRef": {"value": customer_id(sim, "J. Rivera")},
                                     "Line": [sale_line(item_id(sim, "WID-B"), 1, 5)]})
    inv_data = inv.json()["Invoice"]
    deleted = api.post("/invoice", params={"operation": "delete"},
                       json={"Id": inv_data["Id"], "SyncToken": inv_data["SyncToken"]})
    assert deleted.json()["Invoice"] == {"domain": "QBO", "status": "Deleted",
                                         "Id": inv_data["Id"]}
    resp = api.get("/cdc", params={"entities": "Item,Invoice,Term", "changedSince": since})
    assert resp.status_code == 200
    item_resp, invoice_resp, term_resp = resp.json()["CDCResponse"][0]["QueryResponse"]
    items = {i["Id"]: i for i in item_resp["Item"]}
    assert items[widget]["QtyOnHand"] == 7
    assert items[item_id(sim, "WID-B")]["QtyOnHand"] == 3  # sold then restored by the delete
    stub = invoice_resp["Invoice"][0]
    assert stub["status"] == "Deleted" and stub["Id"] == inv_data["Id"]
    assert set(stub) == {"domain", "status", "Id", "MetaData"}
    assert term_resp == {}
    sim.adjust_qty(widget, 42)
    later = api.get("/cdc", params={"entities": "Item", "changedSince": since}).json()
    qty = {i["Id"]: i["QtyOnHand"] for i in later["CDCResponse"][0]["QueryResponse"][0]["Item"]}
    assert qty[widget] == 42
    too_old = api.get("/cdc", params={"entities": "Item",
                                      "changedSince": (sim.clock.now() - timedelta(days=31))
                                      .isoformat()})
    assert too_old.status_code == 400


def test_closed_period_update_gives_6210(sim: QboSimulator, api: httpx.Client) -> None:
    body = {"TxnDate": "2024-03-01", "Line": [sale_line(item_id(sim, "WID-A"), 1, 19.99)]}
    receipt = api.post("/salesreceipt", json=body).json()["SalesReceipt"]
    sim.set_book_close_date("2024-03-31")
    upd = api.post("/salesreceipt", json={"Id": receipt["Id"], "SyncToken": receipt["SyncToken"],
                                          "sparse": True, "PrivateNote": "late edit"})
    assert upd.status_code == 400 and error(upd)["code"] == "6210"
    void = api.post("/salesreceipt", params={"operation": "update", "include": "void"},
                    json={"Id": receipt["Id"], "SyncToken": receipt["SyncToken"], "sparse": True})
    assert error(void)["code"] == "6210"
    assert error(api.post("/salesreceipt", json=body))["code"] == "6210"
    assert api.post("/salesreceipt", json={**body, "TxnDate": "2024-04-01"}).status_code == 200


def test_query_startposition_maxresults_and_count(sim: QboSimulator, api: httpx.Client) -> None:
    for i in range(5):
        api.post("/customer", json={"DisplayName": f"Paging {i}",
                                    "PrimaryEmailAddr": {"Address": f"p{i}@example.com"}})

    def q(text: str) -> dict[str, Any]:
        resp = api.get("/query", params={"query": text})
        assert resp.status_code == 200, resp.text
        out: dict[str, Any] = resp.json()["QueryResponse"]
        return out

    assert q("SELECT COUNT(*) FROM Customer WHERE DisplayName LIKE 'Paging%'") == {"totalCount": 5}
    page = q("SELECT * FROM Customer WHERE DisplayName LIKE 'Paging%' ORDERBY DisplayName "
             "STARTPOSITION 3 MAXRESULTS 2")
    assert [c["DisplayName"] for c in page["Customer"]] == ["Paging 2", "Paging 3"]
    assert page["startPosition"] == 3 and page["maxResults"] == 2
    assert q("SELECT * FROM Customer WHERE DisplayName LIKE 'Paging%' STARTPOSITION 6") == {}
    assert q("select * from Customer where PrimaryEmailAddr = 'p4@example.com'"
             )["Customer"][0]["DisplayName"] == "Paging 4"
    total = q("select count(*) from Customer")["totalCount"]
    assert q("select count(*) from Customer where Active IN (true, false)")["totalCount"] == \
        total + 1
    posted = api.post("/query", content="select * from Item where Sku = 'WID-B'",
                      headers={"Content-Type": "application/text"})
    assert posted.json()["QueryResponse"]["Item"][0]["Name"] == "Widget B"
    bad = api.get("/query", params={"query": "select * from Customer where Notes = 'x'"})
    assert bad.status_code == 400 and error(bad)["code"] == "4001"
    syntax = api.get("/query", params={"query": "select * from Customer where = 'x'"})
    assert error(syntax)["code"] in ("4000", "4001")
    zero = api.get("/query", params={"query": "select * from Customer MAXRESULTS 0"})
    assert "Min allowed value is 1" in error(zero)["Detail"]


def test_unknown_currency_rejected(sim: QboSimulator, api: httpx.Client) -> None:
    line = [sale_line(item_id(sim, "WID-A"), 1, 19.99)]
    jpy = api.post("/salesreceipt", json={"CurrencyRef": {"value": "JPY"}, "Line": line})
    assert jpy.status_code == 400 and error(jpy)["code"] == "6000"
    assert "JPY" in error(jpy)["Detail"]
    mismatch = api.post("/invoice", json={"CustomerRef": {"value": customer_id(sim, "Jordan Rivera")},
                                          "CurrencyRef": {"value": "EUR"}, "Line": line})
    assert mismatch.status_code == 400 and error(mismatch)["code"] == "6000"
    euro = api.post("/invoice", json={
        "CustomerRef": {"value": customer_id(sim, "Euro Client GmbH")}, "Line": line})
    assert euro.status_code == 200
    assert euro.json()["Invoice"]["CurrencyRef"]["value"] == "EUR"
    assert "ExchangeRate" in euro.json()["Invoice"]
