"""Behaviour of the Magento 2 REST simulator, exercised over real HTTP with plain httpx: routing,
errors and authentication (bearer, admin token, OAuth 1)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from tests.sandbox.magento2.support import AUTH, TOKEN, criteria, simple_spec

# --- routing, errors -------------------------------------------------------------------------

def test_list_without_search_criteria_is_400_field_required(api: httpx.Client) -> None:
    response = api.get("/orders")
    assert response.status_code == 400
    assert response.json() == {"message": '"%fieldName" is required. Enter and try again.',
                               "parameters": {"fieldName": "searchCriteria"}}


def test_store_code_is_optional_and_all_is_accepted(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec())
    for prefix in ("/rest/V1", "/rest/default/V1", "/rest/all/V1"):
        response = httpx.get(f"{sim.base_url}{prefix}/orders/{oid}", headers=AUTH)
        assert response.status_code == 200
        assert response.json()["entity_id"] == oid


def test_unknown_route_is_404_request_does_not_match(api: httpx.Client) -> None:
    response = api.get("/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"message": "Request does not match any route."}


def test_missing_order_is_404_no_such_entity(api: httpx.Client) -> None:
    response = api.get("/orders/424242")
    assert response.status_code == 404
    assert response.json()["message"] == (
        "The entity that was requested doesn't exist. Verify the entity and try again.")


def test_missing_customer_uses_named_parameters(api: httpx.Client) -> None:
    response = api.get("/customers/999")
    assert response.status_code == 404
    assert response.json() == {"message": "No such entity with %fieldName = %fieldValue",
                               "parameters": {"fieldName": "customerId", "fieldValue": "999"}}


def test_dates_are_utc_without_zone_and_date_header_uses_sim_clock(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    response = api.get(f"/orders/{oid}")
    assert response.json()["created_at"] == "2024-05-01 12:00:00"
    assert response.headers["Date"].endswith("GMT")
    assert "01 May 2024" in response.headers["Date"]


# --- auth ------------------------------------------------------------------------------------

def test_bearer_disabled_gives_401_with_acl_message(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.configure(bearer_enabled=False)
    response = api.get("/orders", params=criteria())
    assert response.status_code == 401
    assert response.json() == {"message": "The consumer isn't authorized to access %resources.",
                               "parameters": {"resources": "Magento_Sales::sales"}}
    stock = api.get("/stockItems/24-MB01")
    assert stock.json()["parameters"]["resources"] == "Magento_CatalogInventory::cataloginventory"


def test_wrong_or_missing_token_gives_401(sim: Magento2Simulator) -> None:
    url = f"{sim.base_url}/rest/V1/products/24-MB01"
    assert httpx.get(url).status_code == 401
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["parameters"] == {"resources": "Magento_Catalog::products"}


def test_admin_token_is_a_json_string_valid_four_hours(sim: Magento2Simulator) -> None:
    sim.configure(bearer_enabled=False)
    root = f"{sim.base_url}/rest/V1"
    bad = httpx.post(f"{root}/integration/admin/token", json={"username": "admin", "password": "x"})
    assert bad.status_code == 401
    response = httpx.post(f"{root}/integration/admin/token",
                          json={"username": "admin", "password": "admin123"})
    token = response.json()
    assert isinstance(token, str)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{root}/orders", params=criteria(), headers=headers).status_code == 200
    sim.clock.advance(4 * 3600 + 1)
    assert httpx.get(f"{root}/orders", params=criteria(), headers=headers).status_code == 401


def _oauth_header(method: str, url: str, query: dict[str, str], algo: str) -> str:
    oauth = {"oauth_consumer_key": "sim-consumer-key", "oauth_token": TOKEN,
             "oauth_signature_method": algo, "oauth_timestamp": "1714564800",
             "oauth_nonce": "abc123", "oauth_version": "1.0"}

    def enc(text: str) -> str:
        return quote(text, safe="~-._")

    pairs = sorted((enc(k), enc(v)) for k, v in [*query.items(), *oauth.items()])
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method, enc(url), enc(normalized)])
    digest = hashlib.sha256 if algo == "HMAC-SHA256" else hashlib.sha1
    key = b"sim-consumer-secret&sim-token-secret"
    oauth["oauth_signature"] = base64.b64encode(hmac.new(key, base.encode(), digest).digest()).decode()
    return "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in oauth.items())


@pytest.mark.parametrize("algo", ["HMAC-SHA256", "HMAC-SHA1"])
def test_oauth1_signed_requests_are_accepted_even_with_bearer_off(
        sim: Magento2Simulator, algo: str) -> None:
    sim.configure(bearer_enabled=False)
    url = f"{sim.base_url}/rest/V1/orders"
    query = criteria(size=5)
    good = httpx.get(url, params=query, headers={"Authorization": _oauth_header("GET", url, query, algo)})
    assert good.status_code == 200
    tampered = _oauth_header("GET", url, {**query, "searchCriteria[pageSize]": "6"}, algo)
    assert httpx.get(url, params=query, headers={"Authorization": tampered}).status_code == 401
