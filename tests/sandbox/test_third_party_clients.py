"""Widely used clients we did not write work against the QBO simulator as against QuickBooks:
Intuit's own OAuth client (``intuit-oauth``) and ``python-quickbooks``.

Both talk to Intuit's hosts by default. ``AuthClient`` takes a discovery document URL in place of
an environment name (its documented escape hatch); python-quickbooks reads its API base from the
``sandbox_api_url_v3`` attribute, set here on the instance. requests-oauthlib refuses plain HTTP
unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set: the simulator listens on loopback without TLS.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from intuitlib import utils as intuit_utils
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.item import Item
from quickbooks.objects.salesreceipt import SalesReceipt

from ecom_ledger_desktop.sandbox.qbo import QboSimulator

REDIRECT = "http://127.0.0.1/callback"


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    with QboSimulator(client_id="sim-client", client_secret="sim-secret",
                      redirect_uris=(REDIRECT,)) as simulator:
        simulator.seed_items([{"sku": "WID-A", "name": "Widget A", "price": "19.99",
                               "qty": 10}])
        yield simulator


def discovery_url(sim: QboSimulator) -> str:
    return f"{sim.base_url}/.well-known/openid_sandbox_configuration/"


def consent(auth: AuthClient, scopes: list[Scopes]) -> dict[str, str]:
    """What the browser brings back to the redirect URI after Intuit's consent page."""
    answer = httpx.get(auth.get_authorization_url(scopes))
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def signed_in(sim: QboSimulator, environment: str) -> AuthClient:
    auth = AuthClient("sim-client", "sim-secret", REDIRECT, environment)
    back = consent(auth, [Scopes.ACCOUNTING, Scopes.OPENID, Scopes.PROFILE, Scopes.EMAIL])
    assert back["state"] == auth.state_token
    auth.get_bearer_token(back["code"], realm_id=back["realmId"])
    return auth


def test_intuit_auth_client_discovers_exchanges_refreshes_and_revokes(sim: QboSimulator) -> None:
    auth = signed_in(sim, discovery_url(sim))
    assert auth.jwks_uri.startswith(sim.base_url) and auth.user_info_url.startswith(sim.base_url)
    assert auth.realm_id == sim.realm_id
    assert auth.access_token and auth.refresh_token and auth.expires_in == 3600
    assert auth.id_token, "intuitlib keeps the id_token only when its signature and claims check"
    first = auth.refresh_token

    auth.refresh()
    assert auth.refresh_token and auth.refresh_token != first
    profile = auth.get_user_info().json()
    assert profile["sub"] and profile["email"]

    assert auth.revoke() is True
    with pytest.raises(AuthClientError) as refused:
        auth.refresh()
    assert refused.value.status_code == 400


@pytest.fixture
def qb(sim: QboSimulator, monkeypatch: pytest.MonkeyPatch) -> QuickBooks:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setitem(intuit_utils.DISCOVERY_URL, "sandbox", discovery_url(sim))
    auth = signed_in(sim, "sandbox")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = QuickBooks(auth_client=auth, refresh_token=auth.refresh_token,
                            company_id=sim.realm_id, minorversion=75)
    client.sandbox_api_url_v3 = f"{sim.base_url}/v3"
    return client


def stored(sim: QboSimulator, entity: str, entity_id: Any) -> dict[str, Any]:
    return next(r for r in sim.entities(entity) if r["Id"] == str(entity_id))


def test_python_quickbooks_creates_queries_and_voids_a_sales_receipt(
        sim: QboSimulator, qb: QuickBooks) -> None:
    new_customer = Customer()
    new_customer.DisplayName = "Ada Lovelace"
    customer = new_customer.save(qb=qb)
    assert customer.Id and stored(sim, "Customer", customer.Id)["DisplayName"] == "Ada Lovelace"

    [widget] = Item.filter(Name="Widget A", qb=qb)
    line = SalesItemLine()
    line.Amount = Decimal("39.98")
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = widget.to_ref()
    line.SalesItemLineDetail.Qty = 2
    line.SalesItemLineDetail.UnitPrice = Decimal("19.99")
    draft = SalesReceipt()
    draft.CustomerRef = customer.to_ref()
    draft.DocNumber = "PQ-1001"
    draft.Line = [line]
    receipt = draft.save(qb=qb)  # the library sends amounts as JSON strings ("39.98")
    assert receipt.Id and receipt.TotalAmt == 39.98
    assert receipt.Line[0].SalesItemLineDetail["UnitPrice"] == 19.99, "a number, as QBO answers"

    found = SalesReceipt.where(f"DocNumber = 'PQ-1001' AND CustomerRef = '{customer.Id}'",
                               qb=qb)
    assert [r.Id for r in found] == [receipt.Id]
    assert SalesReceipt.count("DocNumber = 'PQ-1001'", qb=qb) == 1

    receipt.void(qb=qb)
    voided = stored(sim, "SalesReceipt", receipt.Id)
    assert voided["TotalAmt"] == 0 and str(voided["PrivateNote"]).startswith("Voided")
    assert SalesReceipt.get(receipt.Id, qb=qb).TotalAmt == 0
