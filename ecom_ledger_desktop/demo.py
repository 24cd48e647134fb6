"""The demo: a store's and a ledger's simulators on loopback with seeded data, wired to a fresh
data folder.

Used by ``ecom-ledger demo`` and the desktop app's demo. The store is any kind whose declaration
names a demo simulator (``connectors.registry.demo_stores``); everything about it comes from that
simulator: its connection (``demo_connection()``), its payment methods, its catalogue (the books'
items). The ledger likewise (``demo_ledgers``; default QuickBooks Online). What the demo needs
from a ledger simulator (the ledger side of the store's protocol A)::

    cls.for_demo(*, client_id, client_secret, redirect_uri, time_scale=1.0, limits=True) -> sim
    sim.start() -> sim; sim.stop(); sim.base_url; sim.clock (SimClock); sim.faults (FaultPlan)
    sim.seed_demo_books(catalog)   # items for the store's {sku, name, price, qty?}, and the
                                   # buyer jordan.rivera@example.com known twice
    sim.demo_connection() -> (settings, secrets)   # keyed by the kind's Setting names; the
                                   # secrets hold the client secret and a fresh refresh token
    sim.call_in() -> report        # only a ledger whose own client calls the app (its kind
                                   # declares a companion, e.g. QuickBooks Desktop's Web
                                   # Connector, which also calls on its own schedule): one update now

Everything is clearly demo data: connections are marked demo and secrets stay in memory.
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
from ecom_ledger_desktop.connectors.kinds import ConnectionKind, load
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    ConnectorFactory,
    demo_ledgers,
    demo_stores,
    kind_of,
)
from ecom_ledger_desktop.core.clock import SystemClock
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.core.events import EventBus, RunFinished
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore, keyring_status
from ecom_ledger_desktop.sync.pair_config import new_pair_rules
from ecom_ledger_desktop.sync.service import SyncService

CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - the simulator's own demo credential
#: a token for store simulators a caller starts itself (benches, tests)
STORE_TOKEN = "demo-integration-token"  # noqa: S105 - the simulator's own demo credential
REDIRECT_URI = "http://127.0.0.1/callback"


def demo_store_name(store_kind: str = DEFAULT_DEMO_STORE) -> str:
    """The demo store connection's name: "Demo Magento shop"."""
    return f"Demo {kind_of(store_kind).brand} shop"


def demo_ledger_name(ledger_kind: str = DEFAULT_DEMO_LEDGER) -> str:
    """The demo ledger connection's name: "Demo QuickBooks company"."""
    kind = kind_of(ledger_kind)
    return f"Demo {kind.brand} {kind.noun}"


def demo_pair_name(ledger_kind: str = DEFAULT_DEMO_LEDGER) -> str:
    """The demo pair's name: "Demo shop → QuickBooks"."""
    return f"Demo shop → {kind_of(ledger_kind).brand}"


#: the default demo store's, ledger's and pair's names (callers that configure the defaults)
DEMO_STORE = demo_store_name()
DEMO_LEDGER = demo_ledger_name()
DEMO_PAIR = demo_pair_name()


def demo_simulator(kind_name: str) -> Any:
    """The simulator class of the store or ledger kind ``kind_name`` (its declaration's
    ``demo_simulator``)."""
    kind = kind_of(kind_name)
    if not kind.demo_simulator:
        offered = demo_stores() if kind.role == "store" else demo_ledgers()
        choices = ", ".join(k.name for k in offered)
        raise FatalError(f"there is no demo {kind.display_name}; choose one of {choices}")
    return load(kind.demo_simulator)


def payment_routes(methods: dict[str, str]) -> dict[str, PaymentRoute]:
    """Posting rules' payment routes: store payment method code -> the books' method name."""
    return {code: PaymentRoute(payment_method=name) for code, name in methods.items()}


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
    store_kind: str = DEFAULT_DEMO_STORE
    ledger_kind: str = DEFAULT_DEMO_LEDGER
    background: Any = None  # companion services started by ``call_in``

    @property
    def calls_in(self) -> bool:
        """Whether the books are reached only when their own client calls the app (the ledger
        kind declares a companion service), so a run leaves postings waiting for that call."""
        return bool(kind_of(self.ledger_kind).companion) and hasattr(self.ledger_sim, "call_in")

    def call_in(self) -> list[RunFinished]:
        """Start the connections' companion services and let the books' simulated client call
        in now (e.g. a Web Connector update); the runs that call started, as they finished."""
        from ecom_ledger_desktop.sync.background import Background

        finished: list[RunFinished] = []

        def keep(event: object) -> None:
            if isinstance(event, RunFinished):
                finished.append(event)

        if self.background is None:
            self.background = Background(self.service)
            self.background.start_companions()
        unsubscribe = self.service.events.subscribe(keep)
        try:
            self.ledger_sim.call_in()
        finally:
            unsubscribe()
        return finished

    def close(self) -> None:
        """Stop the companion services and both simulators (when this process started them)."""
        if self.background is not None:
            self.background.stop()
            self.background = None
        for simulator in (self.store_sim, self.ledger_sim):
            if simulator is not None:
                simulator.stop()


def _address_only(kind: ConnectionKind, store_url: str) -> dict[str, str]:
    """The settings of a connection known only by its address: the kind's saved defaults and
    the address in its first required address setting."""
    settings = {s.name: s.default for s in kind.plain_settings if s.save_default and s.default}
    address = next((s.name for s in kind.plain_settings if s.url and s.required), "")
    return {**settings, address: store_url}


def configure_pair(db_path: Path, secrets: SecretStore, *,
                   ledger: tuple[dict[str, str], dict[str, str]], start_date: date,
                   ledger_kind: str = DEFAULT_DEMO_LEDGER,
                   ledger_settings: dict[str, str] | None = None,
                   store_url: str | None = None, store_token: str = "", demo: bool = True,
                   rules: PostingRules | None = None,
                   store_kind: str = DEFAULT_DEMO_STORE,
                   store_settings: dict[str, str] | None = None,
                   store_secrets: dict[str, str] | None = None,
                   payment_methods: dict[str, str] | None = None) -> int:
    """Save a store → ledger pair pointing at the given (simulated) services.

    The ledger is ``ledger_kind`` with ``ledger`` = (settings, secrets), what its simulator's
    ``demo_connection()`` gives (``ledger_settings`` are added to its settings). The store is
    ``store_kind`` with ``store_settings`` and ``store_secrets`` (its simulator's
    ``demo_connection()``); without them, ``store_url`` and ``store_token`` fill the kind's
    address and its key. ``payment_methods`` (store code -> the books' method; default: the
    kind's demo simulator's) become the payment routes unless ``rules`` are given.
    Returns the pair id. Secrets go to ``secrets``; only addresses and ids go to the database.
    """
    kind = kind_of(store_kind)
    settings = dict(store_settings) if store_settings is not None else \
        _address_only(kind, store_url or "")
    keys = dict(store_secrets) if store_secrets is not None else \
        {kind.renewed_secret.name: store_token}
    if payment_methods is None:
        payment_methods = dict(demo_simulator(store_kind).demo_payment_methods)
    store_name, ledger_name = demo_store_name(store_kind), demo_ledger_name(ledger_kind)
    for key, value in keys.items():
        secrets.set(store_name, key, value)
    for key, value in ledger[1].items():
        secrets.set(ledger_name, key, value)
    state = State(db_path)
    try:
        with state.tx():
            store_id = state.connections.add_connection(ConnectionConfig(
                name=store_name, kind=kind.name, demo=demo, settings=settings))
            ledger_id = state.connections.add_connection(ConnectionConfig(
                name=ledger_name, kind=kind_of(ledger_kind).name, demo=demo,
                settings={**ledger[0], **(ledger_settings or {})}))
            return state.connections.add_pair(
                demo_pair_name(ledger_kind), store_id, ledger_id,
                rules or new_pair_rules(kind.name, start_date).model_copy(
                    update={"payment_routes": payment_routes(payment_methods)}))
    finally:
        state.close()


#: The QuickBooks demo company's profile: a US company with automated sales tax, as every new US
#: company is (the store's tax goes into QuickBooks' own sales tax without any rate to map).
DEMO_COMPANY = "us_ast"


def start_ledger(catalog: list[dict[str, Any]], time_scale: float = 1.0,
                 limits: bool = True, kind: str = DEFAULT_DEMO_LEDGER) -> Any:
    """Start the ``kind`` ledger's demo simulator whose items are the store's ``catalog``."""
    ledger_sim = demo_simulator(kind).for_demo(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                               redirect_uri=REDIRECT_URI,
                                               time_scale=time_scale, limits=limits)
    ledger_sim.start()
    ledger_sim.seed_demo_books(catalog)
    return ledger_sim


def start_simulators(orders: int, seed: int = 7, time_scale: float = 1.0,
                     limits: bool = True, store: str = DEFAULT_DEMO_STORE,
                     ledger: str = DEFAULT_DEMO_LEDGER) -> tuple[Any, Any]:
    """Start the ``store`` kind's demo simulator with ``orders`` seeded orders, and the
    ``ledger`` kind's knowing its catalogue (the store's few extra SKUs, and its buyer the books
    know twice, show the unmapped-SKU and duplicate-customer flows)."""
    store_sim = demo_simulator(store)(seed=seed, seed_orders=orders)
    store_sim.start()
    try:
        return store_sim, start_ledger(store_sim.catalog(), time_scale, limits, ledger)
    except BaseException:
        store_sim.stop()
        raise


@dataclass(frozen=True)
class DemoEndpoints:
    """Where running demo simulators listen: the store's and the ledger's kind, settings and
    secrets, and the store's payment methods."""

    store_kind: str
    store_settings: dict[str, str]
    store_secrets: dict[str, str]
    payment_methods: dict[str, str]
    ledger_kind: str
    ledger_settings: dict[str, str]
    ledger_secrets: dict[str, str]

    def to_json(self) -> str:
        """One JSON line (what ``--serve`` prints)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DemoEndpoints:
        """The endpoints ``to_json`` wrote."""
        data = json.loads(text)

        def texts(name: str) -> dict[str, str]:
            return {str(k): str(v) for k, v in dict(data[name]).items()}

        return cls(str(data["store_kind"]), texts("store_settings"), texts("store_secrets"),
                   texts("payment_methods"), str(data["ledger_kind"]),
                   texts("ledger_settings"), texts("ledger_secrets"))


def seed_simulators(orders: int, seed: int = 7, time_scale: float = 1.0,
                    store: str = DEFAULT_DEMO_STORE,
                    ledger: str = DEFAULT_DEMO_LEDGER) -> tuple[Any, Any, DemoEndpoints]:
    """Start the demo's simulators with their seeded orders; their endpoints."""
    store_sim, ledger_sim = start_simulators(orders, seed, time_scale, store=store,
                                             ledger=ledger)
    settings, secrets = store_sim.demo_connection()
    ledger_settings, ledger_secrets = ledger_sim.demo_connection()
    endpoints = DemoEndpoints(store, dict(settings), dict(secrets),
                              dict(store_sim.demo_payment_methods), ledger,
                              dict(ledger_settings), dict(ledger_secrets))
    return store_sim, ledger_sim, endpoints


def start_demo(data_dir: Path, orders: int = 300, seed: int = 7, time_scale: float = 1.0,
               events: EventBus | None = None, fast_retries: bool = True,
               endpoints: DemoEndpoints | None = None,
               store: str = DEFAULT_DEMO_STORE,
               ledger: str = DEFAULT_DEMO_LEDGER) -> DemoEnvironment:
    """Start seeded simulators (the ``store`` kind's and the ``ledger`` kind's) and configure a
    demo pair in ``data_dir`` (wiped first).

    With ``endpoints`` the simulators already run elsewhere (``--serve`` in another process) and
    only the pair is configured, for the store and ledger those endpoints name; ``close()`` then
    leaves them alone.
    """
    if endpoints is None:
        demo_simulator(store)  # an unknown or simulator-less kind is refused before anything
        demo_simulator(ledger)
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    status = keyring_status()
    brand = kind_of(endpoints.store_kind if endpoints else store).brand
    books = kind_of(endpoints.ledger_kind if endpoints else ledger)
    notices = [f"Demo mode: the {brand} shop and the {books.brand} {books.noun} are simulators "
               "on this computer; credentials are kept in memory only"
               + ("." if status.usable else " (no keyring service on this computer).")]
    store_sim: Any = None
    ledger_sim: Any = None
    if endpoints is None:
        store_sim, ledger_sim, endpoints = seed_simulators(orders, seed, time_scale, store,
                                                           ledger)
    secrets = MemorySecretStore()
    clock = SystemClock()
    db_path = data_dir / "ledger-sync.sqlite3"
    pair_id = configure_pair(db_path, secrets,
                             ledger=(endpoints.ledger_settings, endpoints.ledger_secrets),
                             ledger_kind=endpoints.ledger_kind,
                             start_date=(clock.now() - timedelta(days=90)).date(),
                             store_kind=endpoints.store_kind,
                             store_settings=endpoints.store_settings,
                             store_secrets=endpoints.store_secrets,
                             payment_methods=endpoints.payment_methods)
    book_rules = _book_rules(db_path, pair_id)
    notices.append("How the demo's books look:\n" + "\n".join(f"• {line}" for line in book_rules))
    policy = RetryPolicy(backoff_base=0.05, backoff_max=2.0) if fast_retries else None
    factory = ConnectorFactory(policy=policy)
    service = SyncService(db_path, secrets, store_factory=factory.store,
                          ledger_factory=factory.ledger, clock=clock, events=events)
    return DemoEnvironment(data_dir, service, store_sim, ledger_sim, secrets, notices,
                           book_rules, endpoints.store_kind, endpoints.ledger_kind)


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
    parser.add_argument("--store", choices=[kind.name for kind in demo_stores()],
                        default=DEFAULT_DEMO_STORE, help="the demo shop's kind (default: "
                        f"{DEFAULT_DEMO_STORE})")
    parser.add_argument("--ledger", choices=[kind.name for kind in demo_ledgers()],
                        default=DEFAULT_DEMO_LEDGER, help="the demo books' kind (default: "
                        f"{DEFAULT_DEMO_LEDGER})")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="simulated seconds per wall second (default 1: real time)")
    return parser


def serve(argv: list[str] | None = None) -> int:
    """``python -m ecom_ledger_desktop.demo --serve [--store KIND] [--ledger KIND] [--orders N]``:
    run the demo's simulators in this process, print their endpoints as one JSON line, and serve until stdin
    closes (the parent went away) or the process is stopped. The desktop app takes that line with
    ``--demo-simulators`` (benchmarks keep the simulators' heap out of the app's this way)."""
    import sys

    args = serve_parser().parse_args(argv)
    store_sim, ledger_sim, endpoints = seed_simulators(args.orders, args.seed, args.time_scale,
                                                       args.store, args.ledger)
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
