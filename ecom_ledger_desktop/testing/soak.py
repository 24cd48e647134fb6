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

Ledger- and store-neutral: what is specific to a ledger sits behind ``LedgerFaultDriver``
(``testing.ledger_drivers``, any kind with a demo simulator), what is specific to a store behind a
store driver (``testing.store_drivers``, any kind: the churn uses neutral order specs), and
verification is ``testing.verify``. A new ledger adds a driver and a ``LedgerView``; the schedule,
the churn and the checks stay as they are.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE
from ecom_ledger_desktop.core.events import Event, EventBus, OrderProgress, RunFinished, RunStarted
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.soak_drivers import (  # noqa: F401 - the public names live here too
    REAUTH_STATUS,
    LedgerFaultDriver,
    QboFaultDriver,
    SoakEnvironment,
    StoreDriver,
    _CountingFactory,
    api_clients,
    ledger_environment,
    qbo_environment,
)
from ecom_ledger_desktop.testing.soak_plan import SoakPlan, SoakReport, _counts, _MidRun  # noqa: F401
from ecom_ledger_desktop.testing.verify import (
    GENUINE_CODES,
    verify_exactly_once,
)

# -- the harness --------------------------------------------------------------------------------

class SoakHarness:
    """Runs a ``SoakPlan`` against an environment (by default the ``store`` kind's and the
    ``ledger`` kind's simulators, through their drivers)."""

    def __init__(self, workdir: Path, plan: SoakPlan | None = None,
                 environment: SoakEnvironment | None = None,
                 store: str = DEFAULT_DEMO_STORE, ledger: str = DEFAULT_DEMO_LEDGER) -> None:
        self.plan = plan or SoakPlan()
        self.env = environment or ledger_environment(store, ledger, workdir, self.plan)
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
        self._first_sku: dict[str, str] = {}  # the first line's SKU of each order made here
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
        if number == 1:
            # The rates above draw from one random sequence shared by every request, in the order
            # the client's threads happen to send them: how many answers they drop varies from
            # run to run. One applied write always loses its answer (the first one from here on),
            # so every soak proves the uncertain-outcome path, whatever the timing.
            self.env.ledger.drop_next_answers(1)
            self.report.injected["answers dropped after apply (forced)"] += 1
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
            line = self._line() | {"qty": 2}
            store.edit(source_id, {"lines": [line]})
            self._first_sku[source_id] = line["sku"]
        if number % 2 == 1 and len(earlier) > 1:  # a refund of a posted order
            source_id = earlier[-1]
            self._touched.add(source_id)
            sku = self._first_sku.get(source_id)
            if sku is not None:
                store.refund(source_id, {"lines": [{"sku": sku, "qty": 1}], "shipping": "0"})
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
        lines = [self._line() for _ in range(rng.randint(1, 2))]
        source_id = self.env.store.add_order({
            "customer": {"email": rng.choice(self._customers), "firstname": "Soak",
                         "lastname": f"Buyer {number}"},
            "lines": lines, "shipping": "4.95", "currency": "USD", "paid": paid,
            "payment_method": "checkmo" if paid else "banktransfer"})
        self._first_sku[source_id] = lines[0]["sku"]
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


def run_soak(workdir: Path, plan: SoakPlan, log: Callable[[str], None] = lambda _: None,
             store: str = DEFAULT_DEMO_STORE, ledger: str = DEFAULT_DEMO_LEDGER) -> SoakReport:
    """Set up (the ``store`` kind's and the ``ledger`` kind's simulators), soak, verify and tear
    down; returns the figures."""
    harness = SoakHarness(workdir, plan, store=store, ledger=ledger)
    try:
        return harness.run(log)
    finally:
        harness.close()


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m ecom_ledger_desktop.testing.soak [rounds] [store kind] [ledger kind]``: a quick
    soak with figures."""
    import tempfile

    args = list(sys.argv[1:] if argv is None else argv)
    plan = SoakPlan(rounds=int(args[0]) if args else 8)
    store = args[1] if len(args) > 1 else DEFAULT_DEMO_STORE
    ledger = args[2] if len(args) > 2 else DEFAULT_DEMO_LEDGER
    with tempfile.TemporaryDirectory(prefix="fault-soak-") as tmp:
        report = run_soak(Path(tmp), plan, log=print, store=store, ledger=ledger)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

