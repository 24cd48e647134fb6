"""The demo: both simulators on loopback with seeded data, wired to a fresh data folder.

Used by ``ecom-ledger demo`` (and, later, the desktop app's "Try the demo"). Everything is clearly
demo data: connections are marked demo and secrets stay in memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.clock import SystemClock
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore, keyring_status
from ecom_ledger_desktop.sync.service import SyncService

DEMO_STORE = "Demo Magento shop"
DEMO_LEDGER = "Demo QuickBooks company"
DEMO_PAIR = "Demo shop → QuickBooks"
CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - the simulator's own demo credential
STORE_TOKEN = "demo-integration-token"  # noqa: S105 - the simulator's own demo credential
REDIRECT_URI = "http://127.0.0.1/callback"
DEMO_PAYMENT_ROUTES = {
    "checkmo": PaymentRoute(payment_method="Check"),
    "banktransfer": PaymentRoute(payment_method="Bank Transfer"),
    "paypal_express": PaymentRoute(payment_method="PayPal"),
    "braintree": PaymentRoute(payment_method="Visa"),
}


@dataclass
class DemoEnvironment:
    """Running simulators plus a configured service; ``close()`` stops everything."""

    data_dir: Path
    service: SyncService
    store_sim: Any
    ledger_sim: Any
    secrets: MemorySecretStore
    notices: list[str] = field(default_factory=list)
    book_rules: list[str] = field(default_factory=list)  # how the demo's books look, in words

    def close(self) -> None:
        """Stop both simulators (when this process started them)."""
        for simulator in (self.store_sim, self.ledger_sim):
            if simulator is not None:
                simulator.stop()


def configure_pair(db_path: Path, store_url: str, ledger_url: str, realm_id: str,
                   secrets: SecretStore, *, store_token: str, refresh_token: str,
                   start_date: date, demo: bool = True, rules: PostingRules | None = None,
                   client_secret: str = CLIENT_SECRET,
                   ledger_settings: dict[str, str] | None = None) -> int:
    """Save a Magento → QuickBooks Online pair pointing at the given (simulated) services.

    Returns the pair id. Secrets go to ``secrets``; only URLs and ids go to the database.
    """
    secrets.set(DEMO_STORE, "token", store_token)
    secrets.set(DEMO_LEDGER, "client_secret", client_secret)
    secrets.set(DEMO_LEDGER, "refresh_token", refresh_token)
    state = State(db_path)
    try:
        with state.tx():
            store_id = state.connections.add_connection(ConnectionConfig(
                name=DEMO_STORE, kind="magento2", demo=demo,
                settings={"base_url": store_url, "store_code": "default"}))
            ledger_id = state.connections.add_connection(ConnectionConfig(
                name=DEMO_LEDGER, kind="qbo", demo=demo,
                settings={"api_base": ledger_url, "realm_id": realm_id, "client_id": CLIENT_ID,
                          "redirect_uri": REDIRECT_URI, "environment": "sandbox",
                          "auth_url": f"{ledger_url}/connect/oauth2",
                          "token_url": f"{ledger_url}/oauth2/v1/tokens/bearer",
                          "revoke_url": f"{ledger_url}/v2/oauth2/tokens/revoke",
                          **(ledger_settings or {})}))
            return state.connections.add_pair(
                DEMO_PAIR, store_id, ledger_id,
                rules or PostingRules(start_date=start_date, payment_routes=DEMO_PAYMENT_ROUTES))
    finally:
        state.close()


#: The demo's QuickBooks company: a US company with automated sales tax, as every new US company
#: is; the store's tax goes into QuickBooks' own sales tax without any rate to map.
DEMO_COMPANY = "us_ast"


def start_simulators(orders: int, seed: int = 7, time_scale: float = 1.0,
                     limits: bool = True) -> tuple[Any, Any]:
    """Start the Magento and QuickBooks Online simulators with matching seeded data."""
    from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
    from ecom_ledger_desktop.sandbox.magento2.seed import DEMO_CATALOG
    from ecom_ledger_desktop.sandbox.qbo import QboSimulator

    store_sim = Magento2Simulator(token=STORE_TOKEN, seed=seed, seed_orders=orders)
    store_sim.start()
    ledger_sim = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                              redirect_uris=(REDIRECT_URI,), time_scale=time_scale, limits=limits,
                              company_profile=DEMO_COMPANY)
    ledger_sim.start()
    # the books know the catalogue; the store's few extra SKUs show the unmapped-SKU flow
    ledger_sim.seed_items([{"sku": p["sku"], "name": p["name"], "price": p["price"],
                            "qty": p.get("qty", 100)} for p in DEMO_CATALOG])
    return store_sim, ledger_sim


@dataclass(frozen=True)
class DemoEndpoints:
    """Where running demo simulators listen, and the credential to reach the books."""

    store_url: str
    ledger_url: str
    realm_id: str
    refresh_token: str

    def to_json(self) -> str:
        """One JSON line (what ``--serve`` prints)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DemoEndpoints:
        """The endpoints ``to_json`` wrote."""
        data = json.loads(text)
        return cls(**{name: str(data[name]) for name in
                      ("store_url", "ledger_url", "realm_id", "refresh_token")})


def seed_simulators(orders: int, seed: int = 7,
                    time_scale: float = 1.0) -> tuple[Any, Any, DemoEndpoints]:
    """Start the demo's simulators with their seeded orders; their endpoints."""
    store_sim, ledger_sim = start_simulators(orders, seed, time_scale)
    # a buyer the books already know twice (two QuickBooks customers share the email): the
    # duplicate-customer flow of the error queue
    store_sim.add_order({
        "customer": {"email": "jordan.rivera@example.com", "firstname": "Jordan",
                     "lastname": "Rivera"},
        "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote Bag - Black", "qty": 1,
                   "price": "24"}],
        "shipping": "5", "currency": "USD", "payment_method": "checkmo", "paid": True})
    endpoints = DemoEndpoints(store_sim.base_url, ledger_sim.base_url, ledger_sim.realm_id,
                              ledger_sim.issue_tokens()["refresh_token"])
    return store_sim, ledger_sim, endpoints


def start_demo(data_dir: Path, orders: int = 300, seed: int = 7, time_scale: float = 1.0,
               events: EventBus | None = None, fast_retries: bool = True,
               endpoints: DemoEndpoints | None = None) -> DemoEnvironment:
    """Start seeded simulators and configure a demo pair in ``data_dir`` (wiped first).

    With ``endpoints`` the simulators already run elsewhere (``--serve`` in another process) and
    only the pair is configured; ``close()`` then leaves them alone.
    """
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    status = keyring_status()
    notices = ["Demo mode: the shop and the QuickBooks company are simulators on this computer; "
               "credentials are kept in memory only"
               + ("." if status.usable else " (no keyring service on this computer).")]
    store_sim: Any = None
    ledger_sim: Any = None
    if endpoints is None:
        store_sim, ledger_sim, endpoints = seed_simulators(orders, seed, time_scale)
    secrets = MemorySecretStore()
    clock = SystemClock()
    db_path = data_dir / "ledger-sync.sqlite3"
    pair_id = configure_pair(db_path, endpoints.store_url, endpoints.ledger_url,
                             endpoints.realm_id, secrets, store_token=STORE_TOKEN,
                             refresh_token=endpoints.refresh_token,
                             start_date=(clock.now() - timedelta(days=90)).date())
    book_rules = _book_rules(db_path, pair_id)
    notices.append("How the demo's books look:\n" + "\n".join(f"• {line}" for line in book_rules))
    policy = RetryPolicy(backoff_base=0.05, backoff_max=2.0) if fast_retries else None
    factory = ConnectorFactory(policy=policy)
    service = SyncService(db_path, secrets, store_factory=factory.store,
                          ledger_factory=factory.ledger, clock=clock, events=events)
    return DemoEnvironment(data_dir, service, store_sim, ledger_sim, secrets, notices,
                           book_rules)


def _book_rules(db_path: Path, pair_id: int) -> list[str]:
    """The demo pair's posting rules in plain words."""
    from ecom_ledger_desktop.sync.rules_summary import describe_rules

    state = State(db_path)
    try:
        pair = state.connections.pair(pair_id)
    finally:
        state.close()
    return describe_rules(pair.rules) if pair is not None else []


def serve_parser() -> argparse.ArgumentParser:
    """Options of ``--serve``: the simulators run in real time unless ``--time-scale`` asks
    for a compressed clock (tokens and rate limits then age that many times faster)."""
    parser = argparse.ArgumentParser(prog="python -m ecom_ledger_desktop.demo")
    parser.add_argument("--serve", action="store_true", required=True)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="simulated seconds per wall second (default 1: real time)")
    return parser


def serve(argv: list[str] | None = None) -> int:
    """``python -m ecom_ledger_desktop.demo --serve [--orders N]``: run the demo's simulators in
    this process, print their endpoints as one JSON line, and serve until stdin closes (the
    parent went away) or the process is stopped. The desktop app takes that line with
    ``--demo-simulators`` (benchmarks keep the simulators' heap out of the app's this way)."""
    import sys

    args = serve_parser().parse_args(argv)
    store_sim, ledger_sim, endpoints = seed_simulators(args.orders, args.seed, args.time_scale)
    try:
        sys.stdout.write(endpoints.to_json() + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()  # returns at end of file: the parent closed the pipe or exited
    finally:
        store_sim.stop()
        ledger_sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(serve())
