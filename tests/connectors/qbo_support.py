"""Shared set-up for the QBO connector tests: the simulator, tokens, a ledger, a sample sale."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import Resolution
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger, QboTokens
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.models.ledger import (
    DocumentKind,
    DocumentLine,
    ItemRef,
    LedgerCustomer,
    LedgerItem,
    SalesDocument,
)
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore

CONNECTION = "qbo-test"
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05)
ONE_SHOT = RetryPolicy(attempts=1, backoff_base=0.01, backoff_max=0.05)
JANE = LedgerCustomer(key="email:jane@example.com", display_name="Jane Doe", given_name="Jane",
                      family_name="Doe", email="Jane@Example.com", postcode="94326")



def new_sim(**options: Any) -> QboSimulator:
    """A started simulator with the test client registered."""
    return QboSimulator(client_id="sim-client", client_secret="sim-secret",
                        redirect_uris=("http://127.0.0.1/callback",), time_scale=1.0,
                        limits=True, **options).start()



def new_store(sim: QboSimulator) -> MemorySecretStore:
    """An in-memory secret store holding a fresh grant's refresh token and the client secret."""
    secrets = MemorySecretStore()
    secrets.set(CONNECTION, "refresh_token", sim.issue_tokens()["refresh_token"])
    secrets.set(CONNECTION, "client_secret", "sim-secret")
    return secrets


def make_tokens(sim: QboSimulator, store: Any, clock: ManualClock | None = None) -> QboTokens:
    return QboTokens(CONNECTION, "sim-client", store, company="Sandbox Company US",
                     redirect_uri="http://127.0.0.1/callback",
                     auth_url=f"{sim.base_url}/connect/oauth2",
                     token_url=f"{sim.base_url}/oauth2/v1/tokens/bearer",
                     revoke_url=f"{sim.base_url}/v2/oauth2/tokens/revoke", clock=clock)


def make_ledger(sim: QboSimulator, store: Any, *, policy: RetryPolicy = FAST,
                tokens: QboTokens | None = None,
                transport: httpx.BaseTransport | None = None) -> QboLedger:
    return QboLedger(tokens or make_tokens(sim, store), sim.realm_id, api_base=sim.base_url,
                     policy=policy, transport=transport)


def mug_sku(sim: QboSimulator, qty: int = 10) -> str:
    sim.seed_items([{"sku": "MB-1", "name": "Mug Black", "price": "12.50", "qty": qty}])
    return str(next(i["Id"] for i in sim.entities("Item") if i.get("Sku") == "MB-1"))


def sale(doc_number: str = "1001", kind: DocumentKind = "sales_receipt", key: str = "pk:1001",
         txn_date: date = date(2026, 2, 3)) -> SalesDocument:
    """2 mugs at 12.50, shipping 5.99, tax 2.47, discount 3.00: 30.46."""
    return SalesDocument(
        kind=kind, doc_number=doc_number, txn_date=txn_date, customer_key=JANE.key,
        currency="USD", total=Decimal("30.46"), private_note=f"Store order #{doc_number} [{key}]",
        deposit_account="Undeposited Funds" if kind == "sales_receipt" else None,
        payment_method="Visa" if kind == "sales_receipt" else None, email=JANE.email,
        lines=[
            DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"), description="Mug Black",
                         qty=Decimal(2), unit_price=Decimal("12.50"), amount=Decimal("25.00")),
            DocumentLine(kind="shipping", item=ItemRef(ledger_name="Shipping"),
                         amount=Decimal("5.99")),
            DocumentLine(kind="tax", item=ItemRef(ledger_name="Sales Tax"),
                         amount=Decimal("2.47")),
            DocumentLine(kind="discount", item=ItemRef(ledger_name="Discount"),
                         amount=Decimal("-3.00")),
        ])


def resolve(ledger: QboLedger, sim: QboSimulator) -> Resolution:
    item_id = mug_sku(sim)
    mug = LedgerItem(key="sku:MB-1", sku="MB-1", name="Mug Black")
    assert ledger.ensure_item(mug, "flag", "Sales", "item:MB-1") == item_id
    return Resolution(customer_id=ledger.ensure_customer(JANE, "cust:jane"),
                      item_ids={"sku:MB-1": item_id})


def resolve_again(ledger: QboLedger) -> Resolution:
    mug = LedgerItem(key="sku:MB-1", sku="MB-1", name="Mug Black")
    return Resolution(customer_id=ledger.ensure_customer(JANE, "cust:jane"),
                      item_ids={"sku:MB-1": ledger.ensure_item(mug, "flag", "Sales", "i")})


def money(value: Any) -> Decimal:
    return Decimal(str(value))


def seeded(sim: QboSimulator, email: str) -> list[dict[str, Any]]:
    return [c for c in sim.entities("Customer")
            if (c.get("PrimaryEmailAddr") or {}).get("Address") == email]


class RecordingStore(MemorySecretStore):
    def __init__(self, events: list[tuple[str, str]], fail: bool = False) -> None:
        super().__init__()
        self.events = events
        self.fail = fail

    def set(self, connection: str, key: str, value: str) -> None:
        if key == "refresh_token":
            if self.fail:
                raise OSError("keyring locked")
            self.events.append(("saved", value))
        super().set(connection, key, value)


class RecordingTransport(httpx.HTTPTransport):
    def __init__(self, events: list[tuple[str, str]]) -> None:
        super().__init__()
        self.events = events

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.events.append(("api", request.headers.get("Authorization", "")))
        return super().handle_request(request)


def recording_store(sim: QboSimulator, events: list[tuple[str, str]], fail: bool = False
               ) -> RecordingStore:
    recorder = RecordingStore([])  # the initial grant is not part of what is observed
    recorder.set(CONNECTION, "refresh_token", sim.issue_tokens()["refresh_token"])
    recorder.set(CONNECTION, "client_secret", "sim-secret")
    recorder.events, recorder.fail = events, fail
    return recorder


class OnFirstUpdate(httpx.HTTPTransport):
    """Runs ``meddle`` once, just before the first update of a sales receipt reaches QBO."""

    def __init__(self, meddle: Any) -> None:
        super().__init__()
        self.meddle = meddle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.meddle and request.method == "POST" and request.url.path.endswith("salesreceipt") \
                and b'"Id"' in request.content:
            meddle, self.meddle = self.meddle, None
            meddle()
        return super().handle_request(request)


class TotalRewriter(httpx.HTTPTransport):
    """Answers sales receipt writes with another ``TotalAmt``: QuickBooks computed otherwise."""

    def __init__(self, total: str) -> None:
        super().__init__()
        self.total = total

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("salesreceipt"):
            payload = json.loads(response.read())
            payload["SalesReceipt"]["TotalAmt"] = float(self.total)
            return httpx.Response(response.status_code, headers=response.headers,
                                  content=json.dumps(payload).encode())
        return response
