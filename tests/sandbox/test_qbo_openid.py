"""Intuit OAuth / OpenID Connect on the QBO simulator, as Intuit's own clients expect it (A9):
a discovery document with ``jwks_uri`` and ``userinfo_endpoint``, a signed RS256 ``id_token``,
a superseded refresh token that keeps working for about a day, a demo that runs in real time."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from ecom_ledger_desktop import demo
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

REDIRECT = "http://127.0.0.1/callback"
ISSUER = "https://oauth.platform.intuit.com/op/v1"
OPENID = "com.intuit.quickbooks.accounting openid profile email"
DAY = 24 * 3600.0


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    with QboSimulator(clock=SimClock(scale=1.0)) as simulator:
        yield simulator


def basic() -> dict[str, str]:
    raw = base64.b64encode(b"sim-client:sim-secret").decode()
    return {"Authorization": f"Basic {raw}"}


def sign_in(sim: QboSimulator, scope: str = OPENID) -> dict[str, Any]:
    """Consent in the browser, then exchange the code: the token answer."""
    with httpx.Client(base_url=sim.base_url) as http:
        consent = http.get("/connect/oauth2", params={
            "client_id": "sim-client", "response_type": "code", "state": "s1", "scope": scope,
            "redirect_uri": REDIRECT})
        code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
        answer = http.post("/oauth2/v1/tokens/bearer", headers=basic(), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


def refresh(sim: QboSimulator, token: str) -> httpx.Response:
    return httpx.post(f"{sim.base_url}/oauth2/v1/tokens/bearer", headers=basic(),
                      data={"grant_type": "refresh_token", "refresh_token": token})


def discovery(sim: QboSimulator) -> dict[str, Any]:
    doc: dict[str, Any] = httpx.get(
        f"{sim.base_url}/.well-known/openid_sandbox_configuration/").json()
    return doc


def test_discovery_document_names_every_endpoint_intuits_client_needs(sim: QboSimulator) -> None:
    doc = discovery(sim)
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "revocation_endpoint",
                "jwks_uri", "userinfo_endpoint"):
        assert key in doc, key
    assert doc["issuer"] == ISSUER
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    keys = httpx.get(doc["jwks_uri"]).json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert keys[0]["kid"] and keys[0]["n"] and keys[0]["e"] and "d" not in keys[0]


def test_id_token_is_an_rs256_jwt_signed_with_the_published_key(sim: QboSimulator) -> None:
    tokens = sign_in(sim)
    key_set = KeySet.import_key_set(httpx.get(discovery(sim)["jwks_uri"]).json())
    token = jwt.decode(tokens["id_token"], key_set, algorithms=["RS256"])
    assert token.header["alg"] == "RS256" and token.header["kid"] == key_set.keys[0].kid
    claims = token.claims
    assert claims["iss"] == ISSUER and claims["aud"] == ["sim-client"]
    assert claims["realmid"] == sim.realm_id and claims["sub"]
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - sim.clock.now().timestamp()) < 5
    assert "id_token" not in sign_in(sim, "com.intuit.quickbooks.accounting")


def test_userinfo_answers_for_the_signed_in_user(sim: QboSimulator) -> None:
    tokens = sign_in(sim)
    claims = jwt.decode(tokens["id_token"], KeySet.import_key_set(
        httpx.get(discovery(sim)["jwks_uri"]).json())).claims
    url = discovery(sim)["userinfo_endpoint"]
    info = httpx.get(url, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert info.status_code == 200
    body = info.json()
    assert body["sub"] == claims["sub"]
    assert body["email"] and body["givenName"] and body["familyName"]
    assert httpx.get(url).status_code == 401


def test_superseded_refresh_token_keeps_working_for_about_a_day(sim: QboSimulator) -> None:
    first = sign_in(sim)["refresh_token"]
    assert refresh(sim, first).status_code == 200
    sim.clock.advance(DAY - 60)
    again = refresh(sim, first)
    assert again.status_code == 200, "Intuit still answers a superseded token within the day"
    sim.clock.advance(120)
    late = refresh(sim, first)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    assert refresh(sim, again.json()["refresh_token"]).status_code == 200


def test_grace_can_be_switched_off_for_tests() -> None:
    with QboSimulator(clock=SimClock(scale=1.0), refresh_grace_seconds=0) as strict:
        first = sign_in(strict)["refresh_token"]
        assert refresh(strict, first).status_code == 200
        strict.clock.advance(1)
        assert refresh(strict, first).status_code == 400


def test_demo_simulators_run_in_real_time_unless_asked() -> None:
    store, ledger, _ = demo.seed_simulators(orders=2)
    try:
        assert ledger.clock.scale == 1.0
    finally:
        store.stop()
        ledger.stop()
    assert demo.serve_parser().parse_args(["--serve"]).time_scale == 1.0
    assert demo.serve_parser().parse_args(["--serve", "--time-scale", "30"]).time_scale == 30.0
