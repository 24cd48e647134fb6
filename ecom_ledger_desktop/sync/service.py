"""The sync service: what the CLI and the desktop app both drive.

It owns the database path, the secret store, the event bus and the connector factory, builds a
``PairContext`` per run (fresh connectors, one SQLite connection per thread) and offers the
operations a merchant performs: run a pair, retry / resolve / ignore a flagged record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ecom_ledger_desktop.connectors.base import PushLedger, RulesLedger, StoreConnector
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import FatalError, RetriableError
from ecom_ledger_desktop.core.events import EventBus, RunFinished
from ecom_ledger_desktop.db.busy import DatabaseBusyError
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.sync import fixes, refund_fixes
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.document_words import kind_labels, undo_words
from ecom_ledger_desktop.sync.engine import RunSummary, SyncEngine
from ecom_ledger_desktop.sync.fixes import FixOutcome
from ecom_ledger_desktop.sync.ingest import ingest_order
from ecom_ledger_desktop.sync.posting import Dispatcher

log = logging.getLogger(__name__)

StoreFactory = Callable[[ConnectionConfig, SecretStore], StoreConnector]
LedgerFactory = Callable[[ConnectionConfig, SecretStore], PushLedger]


class SyncService:
    """Runs pairs and re-drives flagged records against one database."""

    def __init__(self, db_path: Path, secrets: SecretStore, *, store_factory: StoreFactory,
                 ledger_factory: LedgerFactory, clock: Clock | None = None,
                 events: EventBus | None = None) -> None:
        self.db_path = db_path
        self.secrets = secrets
        self.clock = clock or SystemClock()
        self.events = events or EventBus()
        self._store_factory = store_factory
        self._ledger_factory = ledger_factory
        self.stopping = threading.Event()  # set: runs end at their next safe point

    @property
    def store_factory(self) -> StoreFactory:
        """How this service builds store connectors (the connections page tests with it too)."""
        return self._store_factory

    @property
    def ledger_factory(self) -> LedgerFactory:
        """How this service builds ledger connectors."""
        return self._ledger_factory

    def open_state(self) -> State:
        """A new connection to the database (one per thread)."""
        return State(self.db_path, self.clock)

    @contextmanager
    def context(self, pair_ref: int | str) -> Iterator[PairContext]:
        """Live connectors and state for one pair; closed on exit."""
        state = self.open_state()
        try:
            pair = _require_pair(state, pair_ref)
            store_cfg = state.connections.connection(pair.store_id)
            ledger_cfg = state.connections.connection(pair.ledger_id)
            assert store_cfg is not None and ledger_cfg is not None
            store = self._store_factory(store_cfg, self.secrets)
            ledger = self._ledger_factory(ledger_cfg, self.secrets)
            if isinstance(ledger, RulesLedger):
                ledger.apply_rules(pair.rules)
            try:
                yield PairContext(pair=pair, store=store, ledger=ledger, state=state,
                                  events=self.events, clock=self.clock,
                                  ledger_label=_system(ledger_cfg),
                                  document_labels=kind_labels(ledger_cfg.kind),
                                  undo_words=undo_words(ledger_cfg.kind),
                                  refunds_paid_out=_pays_refunds_out(ledger_cfg),
                                  stop=self.stopping)
            finally:
                store.close()
                ledger.close()
        finally:
            state.close()

    def run_pair(self, pair_ref: int | str, trigger: str = "manual") -> RunSummary:
        """Run one pair now (blocking)."""
        try:
            with self.context(pair_ref) as ctx:
                return SyncEngine(ctx).run(trigger)
        except FatalError as error:
            return self._record_failure(pair_ref, trigger, str(error))
        except DatabaseBusyError as error:  # not even a run row could be written: say so
            log.warning("pair %s: %s", pair_ref, error)
            self.events.publish(RunFinished(0, "failed", 0, 0, 0, str(error)))
            return RunSummary(0, "failed", message=str(error))

    def request_stop(self) -> None:
        """End running syncs at their next safe point (never mid-posting); they resume later."""
        self.stopping.set()

    def _record_failure(self, pair_ref: int | str, trigger: str, message: str) -> RunSummary:
        state = self.open_state()
        try:
            pair = _require_pair(state, pair_ref)
            with state.tx():
                run_id = state.runs.start(pair.id, trigger, status="failed", message=message)
            self.events.publish(RunFinished(run_id, "failed", 0, 0, 0, message))
            return RunSummary(run_id, "failed", message=message)
        finally:
            state.close()

    def record_skip(self, pair_id: int, message: str) -> None:
        """Leave a skipped-run row that says why (scheduler misfires)."""
        state = self.open_state()
        try:
            with state.tx():
                state.runs.start(pair_id, "schedule", status="skipped", message=message)
        finally:
            state.close()

    def pairs(self) -> list[Pair]:
        """Every configured pair."""
        state = self.open_state()
        try:
            return state.connections.pairs()
        finally:
            state.close()

    # -- the error queue --------------------------------------------------------------------
    def retry(self, entry_id: int) -> str:
        """Re-drive the record behind an error-queue entry now; returns what happened."""
        state = self.open_state()
        try:
            entry = state.errors.get(entry_id)
            if entry is None:
                raise KeyError(f"there is no error-queue entry {entry_id}")
            if entry.status != "open":
                return f"entry {entry_id} is already {entry.status}"
            pair_id = entry.pair_id
        finally:
            state.close()
        with self.context(pair_id) as ctx:
            if not ctx.state.runs.try_lock(pair_id, "retry"):
                return "a sync of this pair is running; the record will be retried by it"
            try:
                return self._redrive(ctx, entry_id)
            finally:
                ctx.state.runs.unlock(pair_id)

    def _redrive(self, ctx: PairContext, entry_id: int) -> str:
        entry = ctx.state.errors.get(entry_id)
        assert entry is not None
        if entry.posting_key is None:
            if entry.record_kind != "order":
                return "this record is re-read on the next sync"
            fetched = ctx.store.get_order(entry.source_id)
            with ctx.state.tx():  # a still-bad record refreshes this entry (its raw copy kept)
                outcome = ingest_order(ctx, fetched, None)
            if outcome == "flagged":
                return "still flagged: " + _latest_message(ctx, entry.record_kind, entry.source_id)
            rows = [r for r in ctx.state.journal.for_record(ctx.pair.id, "order", entry.source_id)
                    if r.state in ("queued", "sending")]
        else:
            row = ctx.state.journal.get(entry.posting_key)
            if row is None:
                return "the posting no longer exists"
            with ctx.state.tx():
                ctx.state.errors.close(entry.id, "resolved", "retried by the merchant")
                if row.state == "flagged":
                    ctx.state.journal.mark_state(row.posting_key, "queued")
            rows = [ctx.state.journal.get(entry.posting_key)]  # type: ignore[list-item]
        outcomes = []
        dispatcher = Dispatcher(ctx, None)
        for row in rows:
            try:
                outcomes.append(dispatcher.dispatch(row))
            except RetriableError as error:
                outcomes.append(f"failed ({error})")
        if dispatcher.away:  # a ledger that calls in (QuickBooks Desktop): it waits for it
            return dispatcher.waiting_words()
        if dispatcher.held:  # the pair holds its runs: it goes once the merchant approves it
            return dispatcher.held_words()
        if all(o == "posted" for o in outcomes) and outcomes:
            return "posted"
        if "flagged" in outcomes:
            return "still flagged: " + _latest_message(ctx, entry.record_kind, entry.source_id)
        return ", ".join(outcomes) or "nothing to post"

    def apply_fix(self, entry_id: int, action: str, value: str = "") -> str:
        """Apply one of an entry's fixes, then re-drive the record; returns what happened."""
        return self.fix(entry_id, action, value).outcome

    def fix(self, entry_id: int, action: str, value: str = "") -> FixOutcome:
        """Apply one of an entry's fixes and re-drive its record and every open entry with the
        same cause (another order with that SKU, that customer); says what it did."""
        if action == "retry":
            outcome = self.retry(entry_id)
            return fixes.FixOutcome(outcome, outcome)
        if action == "ignore":
            outcome = self.ignore(entry_id, value or "ignored by the merchant")
            return fixes.FixOutcome(outcome, outcome)
        if action == "snooze":  # an unpaid order: keep waiting for the payment
            from ecom_ledger_desktop.sync.unpaid import snooze

            state = self.open_state()
            try:
                snooze(state, entry_id)
            finally:
                state.close()
            return fixes.FixOutcome("keep waiting", "keep waiting")
        if action not in fixes.FIX_ACTIONS:
            raise fixes.FixError(f"unknown fix '{action}'; one of: {', '.join(fixes.FIX_ACTIONS)}")
        state = self.open_state()
        try:
            entry = state.errors.get(entry_id)
        finally:
            state.close()
        if entry is None:
            raise KeyError(f"there is no error-queue entry {entry_id}")
        with self.context(entry.pair_id) as ctx:
            if action in ("map_sku", "pick_customer") and not value:
                raise fixes.FixError(f"'{action}' needs a value: the {ctx.ledger_label} "
                                     f"{'item name' if action == 'map_sku' else 'customer id'}")
            others = fixes.same_cause(ctx.state, entry, action)
            if action == "map_sku":
                fixes.map_sku(ctx, entry, value)
            elif action == "create_item":
                fixes.create_item(ctx, entry)
            elif action == "pick_customer":
                fixes.pick_customer(ctx, entry, value)
            elif action in refund_fixes.REFUND_FIXES:
                return self._post_now(ctx, entry.pair_id, lambda: (
                    refund_fixes.import_order(ctx, entry) if action == "import_order"
                    else refund_fixes.post_refund_alone(ctx, entry)))
            else:  # under the lock too: a sync sending the same record meanwhile would race it
                return self._post_now(ctx, entry.pair_id, lambda: fixes.void_and_repost(ctx, entry))
            if not ctx.state.runs.try_lock(entry.pair_id, "retry"):
                busy = "a sync of this pair is running; the record will be retried by it"
                return fixes.FixOutcome(busy, busy, len(others))
            try:
                outcome = self._redrive_open(ctx, entry.id)
                redriven = [self._redrive_open(ctx, other.id) for other in others]
            finally:
                ctx.state.runs.unlock(entry.pair_id)
            return fixes.fix_outcome(action, value, entry, outcome, redriven, ctx.ledger_label)

    def _post_now(self, ctx: PairContext, pair_id: int,
                  journal_fix: Callable[[], list[PostingRow]]) -> FixOutcome:
        """Journal a fix and send what it journaled, holding the pair's lock."""
        if not ctx.state.runs.try_lock(pair_id, "retry"):
            busy = "a sync of this pair is running; the record will be retried by it"
            return fixes.FixOutcome(busy, busy)
        try:
            rows = journal_fix()
            outcome = fixes.run_postings(ctx, rows)
        finally:
            ctx.state.runs.unlock(pair_id)
        if "flagged" in outcome.split(", ") and rows:  # say what is wrong now, as retry does
            last = rows[-1]
            outcome = "still flagged: " + _latest_message(ctx, last.record_kind, last.source_id)
        return fixes.FixOutcome(outcome, outcome)

    def _redrive_open(self, ctx: PairContext, entry_id: int) -> str:
        entry = ctx.state.errors.get(entry_id)
        if entry is None or entry.status != "open":
            return f"entry {entry_id} is already {entry.status if entry else 'gone'}"
        try:
            return self._redrive(ctx, entry_id)
        except RetriableError as error:
            return f"failed ({error})"

    def ignore(self, entry_id: int, reason: str) -> str:
        """Close an entry without posting its record (the merchant's decision, recorded).

        A document already in the ledger is never forgotten: a posted one stays linked, and one
        whose send was not confirmed (or whose number the ledger already has) is looked up first.
        """
        reason = reason or "ignored by the merchant"
        state = self.open_state()
        try:
            entry = state.errors.get(entry_id)
            if entry is None:
                raise KeyError(f"there is no error-queue entry {entry_id}")
            row = state.journal.get(entry.posting_key) if entry.posting_key else None
            if not fixes.needs_ledger_to_ignore(entry, row):
                return fixes.ignore(None, state, entry, reason)
        finally:
            state.close()
        with self.context(entry.pair_id) as ctx:
            return fixes.ignore(ctx, ctx.state, entry, reason)


def _require_pair(state: State, ref: int | str) -> Pair:
    pair = state.connections.pair(ref)
    if pair is None:
        raise KeyError(f"there is no pair '{ref}'; list them with 'ecom-ledger pairs list'")
    return pair


def _latest_message(ctx: PairContext, record_kind: str, source_id: str) -> str:
    entries = ctx.state.errors.open_for_record(ctx.pair.id, record_kind, source_id)
    return entries[-1].message if entries else "see the error queue"


def _pays_refunds_out(config: ConnectionConfig) -> bool:
    """Whether the ledger kind pays a refund out of its credit separately (its declaration)."""
    kind = KINDS.get(config.kind)
    return bool(kind and kind.refunds_paid_out)


def _system(config: ConnectionConfig) -> str:
    """What the ledger is called in messages ("QuickBooks Online"), else the connection's name."""
    kind = KINDS.get(config.kind)
    return kind.system if kind else config.name
