"""The Intuit OAuth 2.0 / OpenID endpoints of the QuickBooks Online simulator: authorize (the
consent redirect), the token endpoint, revoke, discovery, the JWKS and userinfo."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from ecom_ledger_desktop.sandbox.server import SimRequest, SimResponse

from .oauth import OAuthError, OAuthServer
from .openid import JWKS_PATH, USERINFO_PATH, discovery


def serve_oauth(oauth: OAuthServer, request: SimRequest, realm_id: str, base_url: str
                ) -> SimResponse | None:
    """The answer of an OAuth / OpenID endpoint; None when ``request`` is for none of them."""
    path = request.path
    if path == "/connect/oauth2" and request.method == "GET":
        return _authorize(oauth, request, realm_id)
    if path == "/oauth2/v1/tokens/bearer" and request.method == "POST":
        return _token(oauth, request)
    if path == "/v2/oauth2/tokens/revoke" and request.method == "POST":
        return _revoke(oauth, request)
    if path.startswith("/.well-known/openid") and request.method == "GET":
        return SimResponse.json(discovery(base_url))
    if path == JWKS_PATH and request.method == "GET":
        return SimResponse.json(oauth.signer.jwks())
    if path == USERINFO_PATH and request.method == "GET":
        return _userinfo(oauth, request)
    return None


def _userinfo(oauth: OAuthServer, request: SimRequest) -> SimResponse:
    try:
        return SimResponse.json(oauth.userinfo(request.header("authorization")))
    except OAuthError as err:
        return SimResponse.json(err.body, err.status, {
            "WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})


def _authorize(oauth: OAuthServer, request: SimRequest, realm_id: str) -> SimResponse:
    params = {k: v[0] for k, v in request.query.items()}
    try:
        target = oauth.authorize(params, realm_id)
    except OAuthError as err:
        page = (f"<html><body><h1>Something went wrong</h1><p>{err.body.get('error')}: "
                f"{err.body.get('error_description', '')}</p></body></html>")
        return SimResponse(status=400, body=page.encode("utf-8"),
                           headers={"Content-Type": "text/html; charset=utf-8"})
    return SimResponse(status=302, headers={"Location": target})


def _token(oauth: OAuthServer, request: SimRequest) -> SimResponse:
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    headers = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}
    try:
        client_id = oauth.client_from_basic(request.header("authorization"))
        body = oauth.token(client_id, form)
    except OAuthError as err:
        return SimResponse.json(err.body, err.status, headers)
    return SimResponse.json(body, 200, headers)


def _revoke(oauth: OAuthServer, request: SimRequest) -> SimResponse:
    try:
        oauth.client_from_basic(request.header("authorization"))
    except OAuthError as err:
        return SimResponse.json(err.body, err.status)
    token = ""
    try:
        token = str(json.loads(request.body or b"{}").get("token", ""))
    except (ValueError, AttributeError):
        token = parse_qs(request.body.decode("utf-8", "replace")).get("token", [""])[0]
    oauth.revoke(token)
    return SimResponse(status=200, body=b"", headers={"Content-Type": "application/json"})
