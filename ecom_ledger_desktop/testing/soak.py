"""Fault soak: many syncs through a storm of faults, then proof that every order posted exactly once.

The simulators run in this process; syncs run in-process through ``SyncService`` with a short
``RetryPolicy`` (a small ``timeout``, so slow answers really do time out). A fault schedule turns
knobs between runs *and during them*: mid-run faults fire from the service's own progress events
(``OrderProgress`` after each posting), so they land at exact points of a run without any sleep.

Faults: 5xx on a share of requests to both services, connection resets before a request is applied,
ledger writes applied and then dropped, 429 storms with ``Retry-After``, answers slower than the
client's timeout, expired access tokens, refresh-token rotation on every refresh, and one refresh
token revoked mid-run (the connection must become ``needs_reauthorisation``; the harness then
re-authorises like a merchant and carries on). Meanwhile the store keeps changing: new orders,
payments, edits, refunds, cancellations, and a few records with genuine problems.

Ledger-neutral: what is specific to a ledger sits behind ``LedgerFaultDriver`` (QuickBooks Online:
``QboFaultDriver``), what is specific to a store behind ``StoreDriver`` (``Magento2StoreDriver``),
and verification is ``testing.verify``. A QuickBooks Desktop or FreshBooks soak adds a driver and a
``LedgerView``; the schedule, the churn and the checks stay as they are.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.events import Event, EventBus, OrderProgress, RunFinished, RunStarted
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.verify import (
    GENUINE_CODES,
    LedgerView,
    Magento2RestView,
    QboSimulatorView,
    StoreView,
    Verification,
    verify_exactly_once,
)

REAUTH_STATUS = "needs_reauthorisation"


# -- drivers: the only ledger- and store-specific parts -----------------------------------------

class LedgerFaultDriver(Protocol):
    """The ledger-specific knobs of a soak. ``faults`` is the simulator's shared ``FaultPlan``."""

    name: str
    faults: FaultPlan

    def throttle_storm(self, count: int) -> None:
        """The next ``count`` API requests are refused as over the limit, with Retry-After."""
        ...

    def expire_access(self) -> None:
        """Every access token issued so far stops working (the client must refresh)."""
        ...

    def revoke_authorisation(self) -> None:
        """The app's authorisation is withdrawn: refreshing fails until a person reconnects."""
        ...

    def reauthorise(self, secrets: SecretStore, connection_name: str) -> None:
        """What a merchant does to reconnect: fresh credentials into the secret store."""
        ...

    def quiet(self) -> None:
        """No pending ledger-specific faults (storms) any more."""
        ...

    def view(self) -> LedgerView:
        """The ledger's documents, for verification."""
        ...

    def stats(self) -> dict[str, int]:
        """What the ledger side saw (throttled requests, token requests, ...)."""
        ...


class StoreDriver(Protocol):
    """A store whose orders the soak creates and changes. ``faults``: its ``FaultPlan``."""

    faults: FaultPlan

    def catalog(self) -> list[dict[str, Any]]:
        """Products the ledger knows: ``{sku, name, price}``."""
        ...

    def add_order(self, spec: dict[str, Any]) -> str:
        """A new order (``customer``, ``lines``, ``shipping``, ``paid``, ...); its source id."""
        ...

    def pay(self, source_id: str) -> None:
        """The unpaid order is paid."""
        ...

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        """The order's lines change."""
        ...

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        """Part of the order is refunded."""
        ...

    def cancel(self, source_id: str) -> None:
        """The unpaid order is cancelled."""
        ...

    def view(self) -> StoreView:
        """The store's records, for verification."""
        ...


class QboFaultDriver:
    """QuickBooks Online simulator: 429 storms, token expiry, revocation, reconnect."""

    name = "QuickBooks Online"

    def __init__(self, sim: Any, *, access_token_ttl: float) -> None:
        self.sim = sim
        self.faults: FaultPlan = sim.faults
        sim.retry_after_header = True  # storms say how long to wait
        sim.oauth.access_token_ttl = access_token_ttl  # simulated seconds: tokens expire in-soak
        sim.oauth.refresh_grace = 0.0  # every refresh rotates; the old token dies at once

    def throttle_storm(self, count: int) -> None:
        self.sim.throttle_next(count)

    def expire_access(self) -> None:
        self.sim.expire_access_tokens()

    def revoke_authorisation(self) -> None:
        self.sim.revoke_refresh_tokens()
        self.sim.expire_access_tokens()  # so the very next request needs a refresh

    def reauthorise(self, secrets: SecretStore, connection_name: str) -> None:
        secrets.set(connection_name, "refresh_token", self.sim.issue_tokens()["refresh_token"])

    def quiet(self) -> None:
        self.sim.throttle_next(0)

    def view(self) -> LedgerView:
        return QboSimulatorView(self.sim)

    def stats(self) -> dict[str, int]:
        raw = self.sim.stats()
        return {"requests": int(raw["requests"]), "throttled (429)": int(raw["throttled"]),
                "refused tokens (401)": int(raw["auth_failed"]),
                "token endpoint requests": int(raw["oauth"]),
                "applied, answer dropped": int(raw["dropped_after_apply"]),
                "requestid replays": int(raw["replayed"])}


class Magento2StoreDriver:
    """Magento 2 simulator as the soak's store."""

    def __init__(self, sim: Any, token: str) -> None:
        self.sim = sim
        self.token = token
        self.faults: FaultPlan = sim.faults

    def catalog(self) -> list[dict[str, Any]]:
        from ecom_ledger_desktop.sandbox.magento2.seed import DEMO_CATALOG

        return [p for p in DEMO_CATALOG if p.get("type", "simple") == "simple"]

    def add_order(self, spec: dict[str, Any]) -> str:
        return str(self.sim.add_order(spec))

    def pay(self, source_id: str) -> None:
        self.sim.invoice_order(int(source_id))

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        self.sim.edit_order(int(source_id), changes)

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        self.sim.refund_order(int(source_id), spec)

    def cancel(self, source_id: str) -> None:
        self.sim.cancel_order(int(source_id))

    def view(self) -> StoreView:
        return Magento2RestView(self.sim.base_url, self.token)


# -- the plan -----------------------------------------------------------------------------------

@dataclass
class SoakPlan:
    """What the soak does. Rates are shares of requests; times are wall seconds unless noted."""

    rounds: int = 8
    seed: int = 23
    seed_orders: int = 30
    new_orders_per_round: int = 4
    error_rate: float = 0.2  # 5xx, both services
    drop_rate: float = 0.03  # connection reset before the request is applied, both services
    drop_after_apply_rate: float = 0.03  # ledger writes applied, then the answer is lost
    storm_size: tuple[int, int] = (3, 14)  # 429s per storm
    storms_per_round: int = 2
    revoke_round: int = 3  # the round whose run loses its refresh token mid-run
    timeout: float = 0.25  # the clients' timeout
    slow_latency: float = 0.6  # a slow answer: past the timeout
    access_token_ttl: float = 600.0  # simulated seconds (time_scale below): ~10 s of wall time
    time_scale: float = 60.0
    final_runs: int = 8  # faults off: runs allowed to drain everything
    deadline: float | None = None  # bench: keep going (more rounds) until this monotonic time
    pause: Callable[[random.Random], None] | None = None  # bench: wait between rounds

    def policy(self) -> RetryPolicy:
        """Short back-off, a timeout the slow answers exceed, a breaker that recovers quickly."""
        return RetryPolicy(attempts=6, backoff_base=0.005, backoff_max=0.05,
                           timeout=self.timeout, breaker_fail_max=5, breaker_reset=0.2)


@dataclass
class _MidRun:
    """A fault that fires once the run has dispatched the share ``at`` of its postings."""

    at: float  # 0..1 of the run's postings; 0 = after the first one
    kind: str  # storm | expire | slow | slow_store | revoke
    arg: int = 0


@dataclass
class SoakReport:
    """The figures of one soak."""

    rounds: int = 0
    runs: Counter[str] = field(default_factory=Counter)  # by status
    injected: Counter[str] = field(default_factory=Counter)  # scheduled by the harness
    seen: Counter[str] = field(default_factory=Counter)  # failed attempts seen by the clients
    ledger_stats: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    revocations: int = 0
    reauthorisations: int = 0
    unexpected_reauthorisations: int = 0
    reauth_messages: list[str] = field(default_factory=list)
    planted: dict[tuple[str, str], str] = field(default_factory=dict)  # record -> expected code
    unflagged_planted: list[str] = field(default_factory=list)
    verification: Verification = field(default_factory=Verification)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Exactly once, nothing lost, only genuine problems queued, re-auth only when revoked."""
        return (self.verification.ok and not self.unflagged_planted
                and self.unexpected_reauthorisations == 0
                and self.reauthorisations == self.revocations)

    def lines(self) -> list[str]:
        """A printable summary."""
        v = self.verification
        runs = ", ".join(f"{status} {n}" for status, n in sorted(self.runs.items()))
        return [
            f"rounds: {self.rounds}; runs: {sum(self.runs.values())} ({runs}); "
            f"wall time {self.wall_seconds:.1f} s",
            "faults injected: " + _counts(self.injected),
            "failed attempts seen by the clients: " + _counts(self.seen),
            "ledger side: " + _counts(Counter(self.ledger_stats)),
            f"retries: {self.retries}",
            f"refresh tokens revoked: {self.revocations}; re-authorisations: "
            f"{self.reauthorisations} (unexpected: {self.unexpected_reauthorisations})",
            f"orders: {v.orders}; refunds: {v.refunds}; live ledger documents: "
            f"{v.posted_documents}; flagged records: {v.flagged_records} "
            f"({_counts(v.open_codes)})",
            f"duplicates: {v.duplicates}",
            f"lost: {v.lost}",
            f"ledger-vs-journal mismatches: {v.mismatches}",
            f"unfinished postings: {v.unfinished}",
            f"transient failures in the error queue: {v.spurious_flags}",
            f"planted problems not flagged: {len(self.unflagged_planted)}",
            *[f"  - {p}" for p in (v.problems + self.unflagged_planted)[:20]],
        ]


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counter.items()) if n) or "none"


# -- the environment ----------------------------------------------------------------------------

@dataclass
class SoakEnvironment:
    """Running simulators behind their drivers, and a configured pair."""

    store: StoreDriver
    ledger: LedgerFaultDriver
    db_path: Path
    secrets: SecretStore
    pair_id: int
    ledger_connection: str
    start_date: date
    factory: ConnectorFactory
    close: Callable[[], None]


def qbo_magento_environment(workdir: Path, plan: SoakPlan) -> SoakEnvironment:
    """Magento 2 → QuickBooks Online simulators on loopback, with a pair in ``workdir``."""
    from ecom_ledger_desktop.demo import DEMO_LEDGER, STORE_TOKEN, configure_pair, start_simulators

    store_sim, ledger_sim = start_simulators(plan.seed_orders, seed=plan.seed,
                                             time_scale=plan.time_scale)
    ledger_sim.faults.seed = plan.seed
    ledger_sim.faults.reseed()
    store_sim.faults.seed = plan.seed + 1
    store_sim.faults.reseed()
    ledger = QboFaultDriver(ledger_sim, access_token_ttl=plan.access_token_ttl)
    secrets = MemorySecretStore()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "ledger-sync.sqlite3"
    start = (ledger_sim.clock.now() - timedelta(days=90)).date()
    pair_id = configure_pair(db_path, store_sim.base_url, ledger_sim.base_url,
                             ledger_sim.realm_id, secrets, store_token=STORE_TOKEN,
                             refresh_token=ledger_sim.issue_tokens()["refresh_token"],
                             start_date=start, demo=False)

    def close() -> None:
        store_sim.stop()
        ledger_sim.stop()

    return SoakEnvironment(Magento2StoreDriver(store_sim, STORE_TOKEN), ledger, db_path, secrets,
                           pair_id, DEMO_LEDGER, start, ConnectorFactory(policy=plan.policy()),
                           close)


class _CountingFactory:
    """Builds connectors like the wrapped factory and keeps their HTTP clients for the figures."""

    def __init__(self, inner: ConnectorFactory) -> None:
        self.inner = inner
        self.clients: list[ApiClient] = []

    def store(self, config: ConnectionConfig, secrets: SecretStore) -> StoreConnector:
        connector = self.inner.store(config, secrets)
        self.clients.extend(api_clients(connector))
        return connector

    def ledger(self, config: ConnectionConfig, secrets: SecretStore) -> PushLedger:
        connector = self.inner.ledger(config, secrets)
        self.clients.extend(api_clients(connector))
        return connector


def api_clients(root: object, depth: int = 3) -> list[ApiClient]:
    """The ``ApiClient`` objects a connector holds (any attribute path, ``depth`` levels deep)."""
    found: list[ApiClient] = []
    seen: set[int] = set()

    def walk(obj: object, level: int) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, ApiClient):
            found.append(obj)
            return
        if level == 0 or not type(obj).__module__.startswith("ecom_ledger_desktop"):
            return
        for value in vars(obj).values() if hasattr(obj, "__dict__") else ():
            walk(value, level - 1)

    walk(root, depth)
    return found


# -- the harness --------------------------------------------------------------------------------

class SoakHarness:
    """Runs a ``SoakPlan`` against an environment (QBO + Magento simulators by default)."""

    def __init__(self, workdir: Path, plan: SoakPlan | None = None,
                 environment: SoakEnvironment | None = None) -> None:
        self.plan = plan or SoakPlan()
        self.env = environment or qbo_magento_environment(workdir, self.plan)
        self.rng = random.Random(self.plan.seed)
        self.report = SoakReport()
        self.factory = _CountingFactory(self.env.factory)
        self.events = EventBus()
        self.events.subscribe(self._on_event)
        self.service = SyncService(self.env.db_path, self.env.secrets,
                                   store_factory=self.factory.store,
                                   ledger_factory=self.factory.ledger, events=self.events)
        self._pending: list[_MidRun] = []
        self._fired_this_run: list[str] = []
        self._slow_until: int | None = None
        self._round_number = 0
        self._revoked_unanswered = False
        # the store's changing life
        self._orders: list[str] = []
        self._paid: list[str] = []
        self._unpaid: list[str] = []
        self._touched: set[str] = set()
        self._paid_at_checkout: set[str] = set()
        self._customers = [f"soak.buyer{n}@example.com" for n in range(6)]

    def close(self) -> None:
        """Stop the simulators."""
        self.env.close()

    # -- the run ------------------------------------------------------------------------------
    def run(self, log: Callable[[str], None] = lambda _: None) -> SoakReport:
        """Soak, then switch faults off, drain, verify; returns the figures."""
        started = time.monotonic()
        number = 0
        while True:
            number += 1
            if self.plan.deadline is None and number > self.plan.rounds:
                break
            if self.plan.deadline is not None and number > 1 \
                    and time.monotonic() >= self.plan.deadline:
                break
            self._round_number = number
            self._round(number, log)
            if self.plan.pause is not None:
                self.plan.pause(self.rng)
        self.report.rounds = number - 1
        self._faults_off()
        for _ in range(self.plan.final_runs):
            status = self._sync(log, "final")
            if status in ("ok", "flagged") and not self._unfinished():
                break
        self._finish(started)
        return self.report

    def _round(self, number: int, log: Callable[[str], None]) -> None:
        self._churn(number)
        plan = self.plan
        for faults in (self.env.store.faults, self.env.ledger.faults):
            faults.error_rate = plan.error_rate
            faults.drop_rate = plan.drop_rate
        self.env.ledger.faults.drop_after_apply_rate = plan.drop_after_apply_rate
        self.report.injected["rounds with 5xx + resets"] += 1
        self._pending.extend(self._mid_run_faults(number))
        self._sync(log, f"round {number}")

    def _mid_run_faults(self, number: int) -> list[_MidRun]:
        rng, plan = self.rng, self.plan
        faults = [_MidRun(rng.random(), "storm", rng.randint(*plan.storm_size))
                  for _ in range(plan.storms_per_round)]
        faults.append(_MidRun(rng.random(), "expire"))
        if number % 2 == 0:
            faults.append(_MidRun(rng.random(), "slow"))
        if number % 3 == 1:
            faults.append(_MidRun(1.0, "slow_store"))  # fires on the run's last posting
        if number == plan.revoke_round:
            faults.append(_MidRun(rng.uniform(0.1, 0.5), "revoke"))
        faults.append(_MidRun(rng.random(), "new_order"))  # the shop sells during a run
        return faults

    def _sync(self, log: Callable[[str], None], label: str) -> str:
        self._fired_this_run = []
        summary = self.service.run_pair(self.env.pair_id, "soak")
        self.report.runs[summary.status] += 1
        log(f"{label}: {summary.status} — fetched {summary.fetched}, posted {summary.posted}, "
            f"flagged {summary.flagged}, waiting {summary.waiting}"
            + (f"; faults {', '.join(self._fired_this_run)}" if self._fired_this_run else "")
            + (f"; {summary.message[:120]}" if summary.status == "failed" else ""))
        if self._ledger_status() == REAUTH_STATUS:
            self._reauthorise(log, summary.message)
        return summary.status

    # -- mid-run faults, from the service's own events -----------------------------------------
    def _on_event(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._fired_this_run = []
        elif isinstance(event, OrderProgress):
            if self._slow_until is not None and event.done >= self._slow_until:
                self.env.ledger.faults.latency = 0.0
                self._slow_until = None
            last = event.done >= event.total
            fired: set[str] = set()
            for fault in list(self._pending):
                if fault.kind == "slow_store" and not last:
                    continue
                due = max(1, math.ceil(fault.at * event.total))
                if fault.kind != "slow_store" and (due > event.done or last):
                    continue  # mid-run means mid-run: never on the last posting
                if fault.kind in fired:
                    continue  # one storm at a time: a second would replace the first
                fired.add(fault.kind)
                self._pending.remove(fault)
                self._fire(fault, event.done)
        elif isinstance(event, RunFinished):
            self.env.ledger.faults.latency = 0.0
            self.env.store.faults.latency = 0.0
            self._slow_until = None
            for fault in self._pending:  # not reached this run: fire early in the next
                fault.at = 0.0

    def _fire(self, fault: _MidRun, done: int) -> None:
        ledger, injected = self.env.ledger, self.report.injected
        self._fired_this_run.append(fault.kind + (f" {fault.arg}" if fault.arg else ""))
        if fault.kind == "storm":
            ledger.throttle_storm(fault.arg)
            injected["429 storms (Retry-After)"] += 1
            injected["429 answers scheduled"] += fault.arg
        elif fault.kind == "expire":
            ledger.expire_access()
            injected["access tokens expired"] += 1
        elif fault.kind == "slow":
            ledger.faults.latency = self.plan.slow_latency
            self._slow_until = done + 1
            injected["slow ledger windows"] += 1
        elif fault.kind == "slow_store":
            self.env.store.faults.latency = self.plan.slow_latency
            injected["slow store windows"] += 1
        elif fault.kind == "new_order":
            self._new_order(self._round_number, paid=True)
            injected["orders placed mid-run"] += 1
        elif fault.kind == "revoke":
            ledger.revoke_authorisation()
            self.report.revocations += 1
            self._revoked_unanswered = True
            injected["refresh tokens revoked mid-run"] += 1

    # -- re-authorisation ---------------------------------------------------------------------
    def _ledger_status(self) -> str:
        state = State(self.env.db_path)
        try:
            pair = state.connections.pair(self.env.pair_id)
            assert pair is not None
            ledger = state.connections.connection(pair.ledger_id)
            assert ledger is not None
            return ledger.status
        finally:
            state.close()

    def _reauthorise(self, log: Callable[[str], None], message: str) -> None:
        """The merchant reconnects the ledger: fresh credentials, status back to ok."""
        if self._revoked_unanswered:
            self._revoked_unanswered = False
        else:
            self.report.unexpected_reauthorisations += 1
        self.report.reauth_messages.append(message)
        self.env.ledger.reauthorise(self.env.secrets, self.env.ledger_connection)
        state = State(self.env.db_path)
        try:
            pair = state.connections.pair(self.env.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.set_connection_status(pair.ledger_id, "ok", "")
        finally:
            state.close()
        self.report.reauthorisations += 1
        log("  the ledger needed re-authorising; reconnected")

    # -- the store's life ---------------------------------------------------------------------
    def _line(self) -> dict[str, Any]:
        product = self.rng.choice(self.env.store.catalog())
        return {"sku": product["sku"], "name": product["name"], "qty": self.rng.randint(1, 3),
                "price": str(product["price"])}

    def _churn(self, number: int) -> None:
        store = self.env.store
        for extra in range(self.plan.new_orders_per_round):
            self._new_order(number, paid=extra % 3 != 2)
        if len(self._unpaid) > 1:  # an invoice gets paid: a Payment
            source_id = self._unpaid.pop(0)
            store.pay(source_id)
            self._paid.append(source_id)
        earlier = [o for o in self._paid[:-self.plan.new_orders_per_round]
                   if o not in self._touched]
        receipts = [o for o in earlier if o in self._paid_at_checkout]
        if number % 2 == 0 and receipts:  # an order the books may already hold changes
            # (only one paid at checkout: lowering an invoice below the payment it already has
            # is a real conflict QuickBooks refuses, a genuine per-record problem, not a fault)
            source_id = receipts[0]
            self._touched.add(source_id)
            store.edit(source_id, {"lines": [self._line() | {"qty": 2}]})
        if number % 2 == 1 and len(earlier) > 1:  # a refund of a posted order
            source_id = earlier[-1]
            self._touched.add(source_id)
            line = self._first_line(source_id)
            if line is not None:
                store.refund(source_id, {"lines": [{"sku": line, "qty": 1}], "shipping": "0"})
                self.report.injected["refunds made in the store"] += 1
        if number % 3 == 0 and len(self._unpaid) > 1:  # an unpaid order is cancelled
            source_id = self._unpaid.pop(0)
            store.cancel(source_id)
            self._touched.add(source_id)
        if number == 1:  # genuine problems: a SKU the books do not know ...
            self._plant("unmapped_sku", {"lines": [{"sku": "SOAK-NOT-IN-BOOKS", "name":
                                                    "Mystery Box", "qty": 1, "price": "9.99"}]})
        if number == 2:  # ... and a buyer the books know twice
            self._plant("duplicate_customer", {"customer": {
                "email": "jordan.rivera@example.com", "firstname": "Jordan",
                "lastname": "Rivera"}})

    def _new_order(self, number: int, *, paid: bool) -> None:
        rng = self.rng
        source_id = self.env.store.add_order({
            "customer": {"email": rng.choice(self._customers), "firstname": "Soak",
                         "lastname": f"Buyer {number}"},
            "lines": [self._line() for _ in range(rng.randint(1, 2))],
            "shipping": "4.95", "currency": "USD", "paid": paid,
            "payment_method": "checkmo" if paid else "banktransfer"})
        self._orders.append(source_id)
        (self._paid if paid else self._unpaid).append(source_id)
        if paid:
            self._paid_at_checkout.add(source_id)

    def _plant(self, code: str, overrides: dict[str, Any]) -> None:
        spec: dict[str, Any] = {
            "customer": {"email": "soak.problem@example.com", "firstname": "Pat",
                         "lastname": "Problem"},
            "lines": [self._line()], "shipping": "4.95", "currency": "USD", "paid": True,
            "payment_method": "checkmo"}
        source_id = self.env.store.add_order(spec | overrides)
        self.report.planted[("order", source_id)] = code

    def _first_line(self, source_id: str) -> str | None:
        sim = getattr(self.env.store, "sim", None)
        if sim is None:
            return None
        items = sim.order_json(int(source_id)).get("items") or []
        simple = [i for i in items if not i.get("parent_item_id")]
        return str(simple[0]["sku"]) if simple else None

    # -- the end ------------------------------------------------------------------------------
    def _faults_off(self) -> None:
        for faults in (self.env.store.faults, self.env.ledger.faults):
            faults.error_rate = faults.drop_rate = faults.drop_after_apply_rate = 0.0
            faults.latency = 0.0
        self.env.ledger.quiet()
        self._pending.clear()

    def _unfinished(self) -> bool:
        state = State(self.env.db_path)
        try:
            return any(not p.last_error.startswith("waiting for")
                       for p in state.journal.open_postings(self.env.pair_id))
        finally:
            state.close()

    def _finish(self, started: float) -> None:
        report = self.report
        report.verification = verify_exactly_once(
            self.env.db_path, self.env.pair_id, self.env.ledger.view(), self.env.store.view(),
            self.env.start_date, require_finished=True, genuine_codes=GENUINE_CODES)
        flagged = report.verification.flagged
        report.unflagged_planted = [f"planted {code} on {kind} {source_id} was not flagged"
                                    for (kind, source_id), code in report.planted.items()
                                    if (kind, source_id) not in flagged]
        for client in self.factory.clients:
            report.retries += client.retries
            report.seen.update(client.failures)
        report.ledger_stats = self.env.ledger.stats()
        report.wall_seconds = time.monotonic() - started


def run_soak(workdir: Path, plan: SoakPlan, log: Callable[[str], None] = lambda _: None
             ) -> SoakReport:
    """Set up, soak, verify and tear down; returns the figures."""
    harness = SoakHarness(workdir, plan)
    try:
        return harness.run(log)
    finally:
        harness.close()


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m ecom_ledger_desktop.testing.soak [rounds]``: a quick soak with figures."""
    import tempfile

    args = list(sys.argv[1:] if argv is None else argv)
    plan = SoakPlan(rounds=int(args[0]) if args else 8)
    with tempfile.TemporaryDirectory(prefix="fault-soak-") as tmp:
        report = run_soak(Path(tmp), plan, log=print)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
