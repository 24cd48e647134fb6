"""One sync run of one pair: fetch → journal → dispatch → write back → stock.

Crash-safe by construction: a record and the cursor that covers it are committed together; a
posting is journaled before it is sent; a restart re-reads the look-back window (idempotent by
posting key) and resumes the journal where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from ecom_ledger_desktop.connectors.base import BatchLedger, Fetched
from ecom_ledger_desktop.core.errors import FatalError, Fix, LedgerAway, RecordProblem, RetriableError
from ecom_ledger_desktop.core.events import RunFinished, RunStarted
from ecom_ledger_desktop.db.cursors_repo import Cursor
from ecom_ledger_desktop.db.health import storage_problem
from ecom_ledger_desktop.models.commerce import Order
from ecom_ledger_desktop.sync import approval, window
from ecom_ledger_desktop.sync.batch_posting import BatchPoster
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.followers import follow_catalog, store_catalog
from ecom_ledger_desktop.sync.ingest import REFUNDS_DUE, ingest_order, ingest_refund
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.summary_journal import close_days
from ecom_ledger_desktop.sync.summary_writeback import write_back_summaries
from ecom_ledger_desktop.sync.unpaid import AWAITING_PAYMENT, sweep_unpaid
from ecom_ledger_desktop.sync.waiting import surface_stale_waiting

log = logging.getLogger(__name__)
T = TypeVar("T")


def _chunked(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to ``size`` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _side(role: str) -> Iterator[None]:
    """Tag fatal errors raised inside with the connection side they came from."""
    try:
        yield
    except FatalError as error:
        error.role = error.role or role
        raise

LOOK_BACK = timedelta(seconds=300)
INGEST_CHUNK = 50  # records per transaction: a crash re-reads at most one chunk
RECONCILE_EVERY = timedelta(days=1)


@dataclass
class RunSummary:
    """What a run did, for the CLI, the app and the history."""

    run_id: int
    status: str  # ok | flagged | failed | skipped | stopped
    fetched: int = 0
    queued: int = 0
    posted: int = 0
    flagged: int = 0
    skipped: int = 0
    awaiting_payment: int = 0  # unpaid orders of a "post when paid" method: nothing to post yet
    waiting: int = 0
    held: int = 0  # postings held for the merchant's approval (the pair holds its runs)
    message: str = ""
    open_errors: int = 0
    details: list[str] = field(default_factory=list)


class SyncEngine:
    """Runs a pair once. Not thread-safe: one engine per run (``jobs`` serialises runs)."""

    def __init__(self, ctx: PairContext, look_back: timedelta = LOOK_BACK) -> None:
        self.ctx = ctx
        self.look_back = look_back

    def run(self, trigger: str = "manual") -> RunSummary:
        """Run the pair once, holding its lock; a run already in progress gives a skipped row."""
        state, pair = self.ctx.state, self.ctx.pair
        with state.tx():
            state.runs.mark_interrupted()
        if not state.runs.try_lock(pair.id, trigger):
            message = "skipped: a sync of this pair was already running"
            with state.tx():
                run_id = state.runs.start(pair.id, trigger, status="skipped", message=message)
            return RunSummary(run_id, "skipped", message=message)
        try:
            return self._run_locked(trigger)
        finally:
            state.runs.unlock(pair.id)

    def _run_locked(self, trigger: str) -> RunSummary:
        state, pair = self.ctx.state, self.ctx.pair
        with state.tx():
            run_id = state.runs.start(pair.id, trigger)
        summary = RunSummary(run_id, "ok")
        self.ctx.events.publish(RunStarted(run_id, pair.id, trigger))
        run_start = self.ctx.clock.now()
        try:
            poster = self._start_poster(run_id)
            try:
                with _side("store"):
                    catalog = store_catalog(self.ctx)
                summary.flagged += follow_catalog(self.ctx, catalog, run_id)  # items first
                with _side("store"):
                    self._fetch_orders(summary, run_start, poster)
                    self._reconcile(summary, run_start, poster)
                    self._fetch_refunds(summary, run_start)
                with state.tx():
                    summary.flagged += sweep_unpaid(self.ctx, run_id)
            except BaseException:
                if poster is not None:
                    poster.abandon()
                raise
            if poster is not None:
                poster.finish()
                summary.posted += poster.posted
                summary.flagged += poster.flagged
            with state.tx():  # closed days of summary posting: their summaries are journaled
                close_days(self.ctx, run_id, self.ctx.clock.now())
            result = Dispatcher(self.ctx, run_id).run(batched=poster is not None)
            summary.posted += result.posted
            summary.flagged += result.flagged
            summary.waiting = result.waiting
            self._surface_waiting(summary, result.waiting_keys)
            summary.held = approval.held_count(state, pair)
            if summary.held and not summary.message:
                summary.message = approval.held_words(summary.held)
            if result.away:
                summary.message = (f"{result.waiting} posting{'s wait' if result.waiting > 1 else ' waits'}"
                                   f" for {self.ctx.ledger_label}: {result.away}")
            if result.stopped_early:
                summary.status = "stopped" if self.ctx.stop.is_set() else "failed"
                summary.message = result.stopped_early
            self._write_back(run_id)
            self._sync_stock(summary, run_id)
        except FatalError as error:
            summary.status, summary.message = "failed", str(error)
            if error.needs_reauthorisation:
                connection = pair.store_id if error.role == "store" else pair.ledger_id
                with state.tx():
                    state.connections.set_connection_status(
                        connection, "needs_reauthorisation", str(error))
        except LedgerAway as error:  # it went away mid-run (a session ended): the rest waits
            summary.message = f"postings wait for {self.ctx.ledger_label}: {error}"
        except RetriableError as error:
            summary.status = "failed"
            summary.message = f"stopped early, will resume on the next run: {error}"
        except Exception as error:  # a bug or a broken database: the run must still be closed
            log.exception("run %s of pair %s stopped on an unexpected error", run_id, pair.id)
            summary.status = "failed"
            # a damaged database fails every run alike: say so and how to restore, promise nothing
            summary.message = storage_problem(error, state.path) or (
                f"The sync stopped on an unexpected problem ({type(error).__name__}; "
                "details are in the log). Nothing was lost: the next run carries "
                "on. If it happens again, send the log to support.")
        summary.open_errors = state.errors.open_count(pair.id)
        if self.ctx.stop.is_set() and summary.status != "failed":
            summary.status = "stopped"
            summary.message = summary.message or (
                "stopped on request; the next run carries on where this one stopped")
        if summary.status == "ok" and (summary.flagged or summary.open_errors):
            summary.status = "flagged"
        with state.tx():
            state.runs.finish(run_id, summary.status, fetched=summary.fetched,
                              posted=summary.posted, flagged=summary.flagged,
                              skipped=summary.skipped, message=summary.message,
                              awaiting_payment=summary.awaiting_payment)
        self.ctx.events.publish(RunFinished(run_id, summary.status, summary.posted,
                                            summary.flagged, summary.skipped, summary.message))
        return summary

    def _surface_waiting(self, summary: RunSummary, keys: list[str]) -> None:
        """Postings that waited through this whole run go to the error queue; the run says so."""
        run = self.ctx.state.runs.get(summary.run_id)
        stale = surface_stale_waiting(self.ctx, summary.run_id, keys,
                                      run.started_at if run else "")
        if stale and not summary.message:
            summary.message = (f"{stale} posting{'s are' if stale > 1 else ' is'} still waiting "
                               "for another record to be posted first: see the error queue")

    def preview(self) -> tuple[RunSummary, list[dict[str, str]]]:
        """Dry run: the exact preview (``sync/preview.py``) as a summary and a list of writes.

        The run's own path on an in-memory copy of the database, with a ledger that records its
        writes instead of sending them: no trace left, no lock held on the real file.
        """
        from ecom_ledger_desktop.sync.preview import run_preview

        seen = run_preview(self.ctx)
        summary = RunSummary(0, "preview", fetched=seen.fetched,
                             flagged=sum(not flag.already_open for flag in seen.flags),
                             waiting=len(seen.waiting), held=len(seen.held()))
        summary.open_errors = len(seen.flags)
        would_post = [{"key": doc.posting_key, "op": doc.op, "kind": doc.doc_kind,
                       "record": doc.record_number, "amount": str(doc.total), "note": ""}
                      for doc in seen.documents]
        return summary, would_post

    def _start_poster(self, run_id: int) -> BatchPoster | None:
        """A batching ledger posts the backlog on its own thread while the store is read."""
        ledger = self.ctx.ledger  # (a pair that holds: it sends the approved ones only)
        if isinstance(ledger, BatchLedger) and ledger.batching:
            return BatchPoster(self.ctx, run_id, ledger).start()
        return None

    def _journaled(self, poster: BatchPoster | None) -> None:
        """Tell the poster about the chunk just committed; stop reading if the ledger failed."""
        if poster is None:
            return
        poster.expected = self.ctx.store.orders_expected()
        if poster.error is not None:
            if isinstance(poster.error, FatalError):  # raised inside the store's side: say whose
                poster.error.role = poster.error.role or "ledger"
            raise poster.error
        poster.more()

    # -- fetching ---------------------------------------------------------------------------
    def _window_start(self, stream: str) -> datetime:
        """Where this run's changed-since window starts (``window.py``: skew-proof)."""
        return window.window_start(self.ctx.state.cursors, self.ctx.pair.id, stream,
                                   self.ctx.pair.rules.start_date, self.look_back)

    def _read_in_full(self, stream: str, run_start: datetime) -> None:
        with self.ctx.state.tx():
            window.read_in_full(self.ctx.state.cursors, self.ctx.pair.id, stream, run_start,
                                self.ctx.clock.now(), self.look_back)

    def _cursor_cap(self, run_start: datetime) -> datetime:
        return window.cursor_cap(run_start, self.ctx.store.server_now())

    def _already_journaled(self, kind: str, fetched: Fetched[object]) -> bool:
        """The record as read is exactly the copy already journaled: nothing to do again."""
        staged = self.ctx.state.cursors.staged(self.ctx.pair.id, kind, fetched.source_id)
        return bool(fetched.raw) and staged == fetched.raw

    def _advance(self, stream: str, fetched: Fetched[object], cap: datetime) -> None:
        if fetched.updated_at is None or fetched.updated_at > cap:
            return
        cursors = self.ctx.state.cursors
        current = cursors.get(self.ctx.pair.id, stream)
        if current is None or fetched.updated_at > current.value:
            cursors.set(self.ctx.pair.id, stream, Cursor(fetched.updated_at, [fetched.source_id]))
        elif fetched.updated_at == current.value and fetched.source_id not in current.ids_at_value:
            current.ids_at_value.append(fetched.source_id)
            cursors.set(self.ctx.pair.id, stream, current)

    def _count(self, summary: RunSummary, outcome: str) -> None:
        if outcome == "queued":
            summary.queued += 1
        elif outcome == "flagged":
            summary.flagged += 1
        elif outcome == "skipped":
            summary.skipped += 1
        elif outcome == AWAITING_PAYMENT:
            summary.awaiting_payment += 1

    def _fetch_orders(self, summary: RunSummary, run_start: datetime,
                      poster: BatchPoster | None = None) -> None:
        """Stage and journal changed orders; each chunk commits with the cursor that covers it."""
        state = self.ctx.state
        # no upper bound: a shop whose updated_at clock runs ahead of ours is read now, not later
        fetched_orders = self.ctx.store.iter_orders(self._window_start("orders"))
        for chunk in _chunked(fetched_orders, INGEST_CHUNK):
            if self.ctx.stop.is_set():
                return  # the cursor covers what was journaled; the next run reads on from there
            cap = self._cursor_cap(run_start)
            with state.tx():
                for fetched in chunk:
                    if not self._already_journaled("order", fetched):  # type: ignore[arg-type]
                        summary.fetched += 1
                        self._count(summary, self._isolated(ingest_order, fetched,
                                                            summary.run_id, "order"))
                    self._advance("orders", fetched, cap)  # type: ignore[arg-type]
            self._journaled(poster)
        self._read_in_full("orders", run_start)

    def _isolated(self, ingest: Callable[..., str], fetched: Fetched[Any], run_id: int,
                  record_kind: str, *extra: Any) -> str:
        """Ingest one record in a savepoint; an unexpected error flags it and the run goes on."""
        try:
            with self.ctx.state.tx():
                return ingest(self.ctx, fetched, *extra, run_id)
        except (RetriableError, FatalError):
            raise
        except Exception as error:  # a bug or a record nothing foresaw: keep it, say so, go on
            log.exception("%s %s could not be processed", record_kind, fetched.source_id)
            problem = RecordProblem(
                "unexpected_error",
                f"{record_kind.capitalize()} {fetched.source_id} could not be processed "
                f"({type(error).__name__}). It is kept here and the rest of the run went on; "
                "retry it, and report it if it happens again.",
                fixes=[Fix("retry", "Retry"), Fix("ignore", "Ignore it")])
            self.ctx.state.errors.flag(pair_id=self.ctx.pair.id, record_kind=record_kind,
                                       source_id=fetched.source_id,
                                       record_ref=fetched.source_id, problem=problem,
                                       raw=fetched.raw or None)
            return "flagged"

    def _reconcile(self, summary: RunSummary, run_start: datetime,
                   poster: BatchPoster | None = None) -> None:
        """Once a day (and on a pair's first run), records no changed-since window can select."""
        cursors = self.ctx.state.cursors
        last = cursors.get(self.ctx.pair.id, "reconcile")
        if last is not None and run_start - last.value < RECONCILE_EVERY:
            return
        for fetched in self.ctx.store.reconcile_orders():
            summary.fetched += 1
            with self.ctx.state.tx():
                self._count(summary, self._isolated(ingest_order, fetched, summary.run_id,
                                                    "order"))
        self._journaled(poster)
        with self.ctx.state.tx():
            cursors.set(self.ctx.pair.id, "reconcile", Cursor(run_start, []))

    def _fetch_refunds(self, summary: RunSummary, run_start: datetime) -> None:
        """Read refunds only when a changed order shows some: an idle poll costs one request."""
        state = self.ctx.state
        if not state.cursors.flag_raised(self.ctx.pair.id, REFUNDS_DUE):
            return
        orders: dict[str, Order | None] = {}
        for fetched in self.ctx.store.iter_refunds(self._window_start("refunds")):
            summary.fetched += 1
            order_id = fetched.record.order_source_id if fetched.record else None
            if order_id is not None and order_id not in orders:
                orders[order_id] = self._order_for_refund(order_id)
            with state.tx():
                outcome = self._isolated(ingest_refund, fetched, summary.run_id, "refund",
                                         orders.get(order_id or ""))
                self._advance("refunds", fetched,  # type: ignore[arg-type]
                              self._cursor_cap(run_start))
            self._count(summary, outcome)
        self._read_in_full("refunds", run_start)
        with state.tx():
            state.cursors.lower_flag(self.ctx.pair.id, REFUNDS_DUE)

    def _order_for_refund(self, order_id: str) -> Order | None:
        """The refund's order as the store has it now (its customer and payment method)."""
        return self.ctx.store.get_order(order_id).record

    # -- after posting ----------------------------------------------------------------------
    def _write_back(self, run_id: int) -> None:
        if not self.ctx.pair.rules.write_back_comment:
            return
        write_back_summaries(self.ctx, run_id)  # the orders of daily summaries
        state = self.ctx.state
        for row in state.journal.pending_writebacks(self.ctx.pair.id):
            label = self.ctx.document_label(row.doc_kind)
            note = (f"Posted to {self.ctx.ledger_label} as {label} "
                    f"{row.ledger_doc_number or ''} (id {row.ledger_id}).")
            try:
                self.ctx.store.write_back(row.source_id, note)
            except (RetriableError, FatalError) as error:
                log.warning("write-back for %s deferred: %s", row.record_number, error)
                return
            with state.tx():
                state.journal.mark_written_back(row.posting_key)
                state.runs.audit("written_back", pair_id=self.ctx.pair.id, run_id=run_id,
                                 record_kind="order", source_id=row.source_id,
                                 posting_key=row.posting_key, detail=note)

    def _sync_stock(self, summary: RunSummary, run_id: int) -> None:
        if self.ctx.pair.rules.inventory_master != "ledger":
            return
        state = self.ctx.state
        cursor = state.cursors.get(self.ctx.pair.id, "ledger_stock")
        try:
            levels, new_cursor = self.ctx.ledger.changed_stock(cursor.value if cursor else None)
        except LedgerAway:
            return  # read when the ledger next calls in
        with _side("store"):
            problems: list[RecordProblem] = self.ctx.store.set_stock(levels) if levels else []
        with state.tx():
            for problem in problems:
                sku = problem.detail or problem.code
                state.errors.flag(pair_id=self.ctx.pair.id, record_kind="stock", source_id=sku,
                                  record_ref=sku, problem=problem)
            state.cursors.set(self.ctx.pair.id, "ledger_stock", Cursor(new_cursor, []))
            state.runs.audit("stock", pair_id=self.ctx.pair.id, run_id=run_id,
                             detail=f"{len(levels)} quantities sent to the store, "
                                    f"{len(problems)} refused")
        summary.flagged += len(problems)

