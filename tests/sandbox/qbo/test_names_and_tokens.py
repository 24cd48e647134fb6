"""Behaviour of the QuickBooks Online simulator over real HTTP: duplicate names, requestid replays,
apply-then-drop, token refresh and expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from tests.sandbox.qbo.support import (
    REDIRECT,
    basic,
    client,
    customer_id,
    error,
    item_id,
    sale_line,
)


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


def test_a_request_cut_off_mid_body_is_never_served_nor_kept_for_its_requestid(
        sim: QboSimulator, api: httpx.Client) -> None:
    """A client killed while writing its body never sent a request (a real server waits for the
    whole Content-Length): nothing is applied, and the same requestid sent again in full is
    served, not answered with the parse error of the fragment."""
    import json
    import socket
    from urllib.parse import urlsplit

    body = json.dumps({"DisplayName": "Cut Off"}).encode()
    where = urlsplit(sim.base_url)
    token = api.headers["Authorization"]
    head = (f"POST /v3/company/{sim.realm_id}/customer?requestid=cut-1 HTTP/1.1\r\n"
            f"Host: {where.netloc}\r\nAuthorization: {token}\r\n"
            f"Content-Type: application/json\r\nAccept: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection((where.hostname, where.port)) as raw:
        raw.sendall(head + body[:5])  # … and the process dies
    again = api.post("/customer", params={"requestid": "cut-1"}, json={"DisplayName": "Cut Off"})
    assert again.status_code == 200, again.text
    assert [c["DisplayName"] for c in sim.entities("Customer")].count("Cut Off") == 1
