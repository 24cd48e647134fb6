"""QBO simulator behaviour over real loopback HTTP (plain httpx, not the project's client)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

REDIRECT = "http://127.0.0.1/callback"
CATALOGUE = [{"sku": "WID-A", "name": "Widget A", "price": 19.99, "qty": 10},
             {"sku": "WID-B", "name": "Widget B", "price": 5, "qty": 3}]


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    with QboSimulator(clock=SimClock(scale=1.0)) as simulator:
        simulator.seed_items(CATALOGUE)
        yield simulator


def client(sim: QboSimulator, token: str | None = None) -> httpx.Client:
    access = token or sim.issue_tokens()["access_token"]
    return httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                        headers={"Authorization": f"Bearer {access}",
                                 "Accept": "application/json"}, timeout=10)


@pytest.fixture
def api(sim: QboSimulator) -> Iterator[httpx.Client]:
    with client(sim) as c:
        yield c


def item_id(sim: QboSimulator, sku: str) -> str:
    return str(next(i["Id"] for i in sim.entities("Item") if i.get("Sku") == sku))


def customer_id(sim: QboSimulator, name: str) -> str:
    return str(next(c["Id"] for c in sim.entities("Customer") if c["DisplayName"] == name))


def sale_line(item: str, qty: float, price: float, amount: float | None = None,
              tax: str = "NON") -> dict[str, Any]:
    return {"Amount": round(qty * price, 2) if amount is None else amount,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": item}, "Qty": qty, "UnitPrice": price,
                                    "TaxCodeRef": {"value": tax}}}


def error(resp: httpx.Response) -> dict[str, Any]:
    err: dict[str, Any] = resp.json()["Fault"]["Error"][0]
    return err


def basic(client_id: str = "sim-client", key: str = "") -> dict[str, str]:
    """HTTP Basic client authentication header (default: the simulator's default client)."""
    raw = base64.b64encode(f"{client_id}:{key or 'sim-secret'}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


# ------------------------------------------------------------------ names, ids, tokens
def test_duplicate_display_name_gives_6240(sim: QboSimulator, api: httpx.Client) -> None:
    created = api.post("/customer", json={"DisplayName": "Ada Shop"})
    assert created.status_code == 200
    body = created.json()["Customer"]
    assert body["Id"].isdigit() and body["SyncToken"] == "0" and body["domain"] == "QBO"
    assert created.headers["intuit_tid"]
    for name in ("ada shop", "  Ada Shop ", "Old Shop Customer"):  # case, spaces, inactive
        resp = api.post("/customer", json={"DisplayName": name})
        assert resp.status_code == 400, name
        assert resp.json()["Fault"]["type"] == "ValidationFault"
        assert error(resp)["code"] == "6240"
        assert error(resp)["Message"] == "Duplicate Name Exists Error"
    bad = api.post("/customer", json={"DisplayName": "Parent:Child"})
    assert bad.status_code == 400
    long_name = api.post("/customer", json={"DisplayName": "x" * 501})
    assert error(long_name)["code"] == "2050"
    assert "Max:500" in error(long_name)["Detail"]


def test_requestid_replays_original_response_without_second_write(
        sim: QboSimulator, api: httpx.Client) -> None:
    body = {"CustomerRef": {"value": customer_id(sim, "Jordan Rivera")},
            "Line": [sale_line(item_id(sim, "WID-A"), 1, 19.99)]}
    first = api.post("/salesreceipt", params={"requestid": "rid-1"}, json=body)
    second = api.post("/salesreceipt", params={"requestid": "rid-1"}, json=body)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(sim.entities("SalesReceipt")) == 1
    assert sim.stats()["replayed"] == 1
    failed = api.post("/customer", params={"requestid": "rid-2"}, json={"DisplayName": "J. Rivera"})
    again = api.post("/customer", params={"requestid": "rid-2"}, json={"DisplayName": "Fresh"})
    assert failed.status_code == again.status_code == 400 and failed.content == again.content
    too_long = api.post("/customer", params={"requestid": "r" * 51}, json={"DisplayName": "Z"})
    assert too_long.status_code == 400


def test_apply_then_drop_records_write_and_closes_connection(
        sim: QboSimulator, api: httpx.Client) -> None:
    sim.drop_next_writes_after_apply(1)
    with pytest.raises(httpx.TransportError):
        api.post("/customer", params={"requestid": "drop-1"}, json={"DisplayName": "Dropped"})
    stored = [c for c in sim.entities("Customer") if c["DisplayName"] == "Dropped"]
    assert len(stored) == 1
    retry = api.post("/customer", params={"requestid": "drop-1"}, json={"DisplayName": "Dropped"})
    assert retry.status_code == 200
    assert retry.json()["Customer"]["Id"] == stored[0]["Id"]
    assert len([c for c in sim.entities("Customer") if c["DisplayName"] == "Dropped"]) == 1
    assert sim.stats()["dropped_after_apply"] == 1


def test_refresh_rotates_and_old_refresh_token_is_invalid_grant(sim: QboSimulator) -> None:
    with httpx.Client(base_url=sim.base_url) as http:
        consent = http.get("/connect/oauth2", params={
            "client_id": "sim-client", "response_type": "code", "state": "xyz",
            "scope": "com.intuit.quickbooks.accounting", "redirect_uri": REDIRECT})
        assert consent.status_code == 302
        query = parse_qs(urlsplit(consent.headers["Location"]).query)
        assert query["state"] == ["xyz"] and query["realmId"] == [sim.realm_id]
        form = {"grant_type": "authorization_code", "code": query["code"][0],
                "redirect_uri": REDIRECT}
        first = http.post("/oauth2/v1/tokens/bearer", data=form, headers=basic())
        assert first.status_code == 200
        tokens = first.json()
        assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
        reused = http.post("/oauth2/v1/tokens/bearer", data=form, headers=basic())
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
        refreshed = http.post("/oauth2/v1/tokens/bearer", headers=basic(), data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 200
        assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
        sim.clock.advance(24 * 3600 + 1)  # Intuit answers a superseded token for about a day
        old = http.post("/oauth2/v1/tokens/bearer", headers=basic(), data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        assert old.status_code == 400
        assert old.json() == {"error_description": "Token invalid", "error": "invalid_grant"}
        bad_client = http.post("/oauth2/v1/tokens/bearer", headers=basic(key="nope"), data={
            "grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"]})
        assert bad_client.status_code == 401 and bad_client.json() == {"error": "invalid_client"}
        newest = http.post("/oauth2/v1/tokens/bearer", headers=basic(), data={
            "grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"]})
        assert newest.status_code == 200
        unknown = http.get("/connect/oauth2", params={
            "client_id": "sim-client", "response_type": "code", "state": "s",
            "scope": "com.intuit.quickbooks.accounting", "redirect_uri": "http://evil/cb"})
        assert unknown.status_code == 400


def test_expired_access_token_gives_lowercase_401_fault(sim: QboSimulator) -> None:
    tokens = sim.issue_tokens()
    with client(sim, tokens["access_token"]) as api:
        assert api.get("/companyinfo/" + sim.realm_id).status_code == 200
        sim.clock.advance(3600)
        resp = api.get("/companyinfo/" + sim.realm_id)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    fault = resp.json()["fault"]
    assert fault["type"] == "AUTHENTICATION"
    assert fault["error"][0]["message"] == \
        "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    assert fault["error"][0]["code"] == "3200"
    assert "Fault" not in resp.json()
    fresh = sim.issue_tokens()["access_token"]
    sim.expire_access_tokens()
    with client(sim, fresh) as api:
        assert api.get("/companyinfo/1").status_code == 401
    with httpx.Client(base_url=sim.base_url) as http:
        other_realm = http.get("/v3/company/123/companyinfo/123",
                               headers={"Authorization": f"Bearer {sim.issue_tokens()['access_token']}"})
    assert other_realm.status_code == 403
    assert other_realm.json()["fault"]["error"][0]["code"] == "3100"


# ------------------------------------------------------------------------ batch
def test_batch_over_30_items_rejected(api: httpx.Client) -> None:
    items = [{"bId": f"b{i}", "Query": "select * from Term"} for i in range(31)]
    resp = api.post("/batch", json={"BatchItemRequest": items})
    assert resp.status_code == 400
    assert "30" in error(resp)["Detail"]
    ok = api.post("/batch", json={"BatchItemRequest": items[:30]})
    assert ok.status_code == 200 and len(ok.json()["BatchItemResponse"]) == 30


def test_batch_answers_by_bid(sim: QboSimulator, api: httpx.Client) -> None:
    resp = api.post("/batch", json={"BatchItemRequest": [
        {"bId": "new", "operation": "create", "Customer": {"DisplayName": "Batch Buyer"}},
        {"bId": "dup", "operation": "create", "Customer": {"DisplayName": "Jordan Rivera"}},
        {"bId": "gone", "operation": "delete", "Invoice": {"Id": "999", "SyncToken": "0"}},
        {"bId": "q", "Query": "select * from Customer where DisplayName = 'Amy\\'s Bird Sanctuary'"},
    ]})
    assert resp.status_code == 200
    answers = {a["bId"]: a for a in resp.json()["BatchItemResponse"]}
    assert set(answers) == {"new", "dup", "gone", "q"}
    assert answers["new"]["Customer"]["DisplayName"] == "Batch Buyer"
    assert answers["dup"]["Fault"]["Error"][0]["code"] == "6240"
    assert answers["gone"]["Fault"]["Error"][0]["code"] == "610"
    assert answers["q"]["QueryResponse"]["Customer"][0]["DisplayName"] == "Amy's Bird Sanctuary"
    assert sim.stats()["batch_items"] == 4


# ------------------------------------------------------------------ throttling
def test_500_requests_per_minute_then_429() -> None:
    clock = SimClock(scale=1.0)
    with QboSimulator(clock=clock) as sim, client(sim) as api:
        for _ in range(500):
            assert api.get("/preferences").status_code == 200
        throttled = api.get("/preferences")
        assert throttled.status_code == 429
        assert "Retry-After" not in throttled.headers
        fault = throttled.json()["Fault"]
        assert fault["type"] == "SERVICE"
        assert fault["Error"][0] == {
            "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
            "Detail": "The request limit was reached.  Try again later", "code": "3001"}
        clock.advance(61)
        assert api.get("/preferences").status_code == 200
        sim.throttle_next(2)
        assert [api.get("/preferences").status_code for _ in range(3)] == [429, 429, 200]
        assert sim.stats()["throttled"] == 3


def test_ten_concurrent_requests_then_429(sim: QboSimulator) -> None:
    token = sim.issue_tokens()["access_token"]
    results: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        with client(sim, token) as c:
            status = c.get("/preferences").status_code
        with lock:
            results.append(status)

    sim.hold_requests()
    threads = [threading.Thread(target=call) for _ in range(10)]
    for t in threads:
        t.start()
    try:
        assert sim.wait_in_flight(10, timeout=10)
        with client(sim, token) as c:
            assert c.get("/preferences").status_code == 429
    finally:
        sim.release_requests()
        for t in threads:
            t.join(10)
    assert results == [200] * 10
    assert sim.stats()["in_flight"] == 0


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
