"""Batch posting: many new documents per request, a few requests at once, while the store is read.

Used when the ledger can batch (``BatchLedger``) and enough new documents wait (a first sync, a
backlog). A ``BatchPoster`` runs on its own thread with its own database connection, so a large
first sync posts while the engine is still reading and journaling the store: the ledger's rate
limit, not the store, sets the pace.

Exactly-once is kept per posting: a posting is claimed (``queued`` → ``sending``, only if it is
still queued, so an order that changed meanwhile is never sent in its old form) and committed
before its batch leaves; every batch item carries its own key; the batch's request id is derived
from its postings, so a lost answer is replayed; and a posting left ``sending`` by a crash or a
failed batch goes through the single path, which asks the ledger for it by key before anything is
sent again.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ecom_ledger_desktop.connectors.base import BatchLedger, PostedRef, PostedWithProblem, Resolution
from ecom_ledger_desktop.core.errors import RecordError, RetriableError
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.journal_repo import PostingRow, request_id_for
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.ledger import LedgerCustomer, SalesDocument
from ecom_ledger_desktop.sync.context import PairContext

log = logging.getLogger(__name__)

BATCH_THRESHOLD = 20  # fewer new documents than this go one by one (no prefetch cost)
WORKERS = 4  # batch requests in flight at once (the ledger's own limiter still applies)
PHASE = "posting in batches"


@dataclass
class _Prepared:
    row: PostingRow
    document: SalesDocument
    resolution: Resolution


@dataclass
class _Work:
    """What waits for a batch: customers to create, documents whose references are known."""

    candidates: list[PostingRow] = field(default_factory=list)  # before the threshold is met
    new_customers: dict[str, LedgerCustomer] = field(default_factory=dict)
    customers_in_flight: set[str] = field(default_factory=set)
    # posting keys only (the rows are read again when their batch goes): a backlog read faster
    # than it can be posted waits in the journal, not in memory
    waiting: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    ready: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.new_customers or self.customers_in_flight or self.ready)


def batchable(row: PostingRow) -> bool:
    """A new order document that nothing else waits on: the bulk of a first sync."""
    return (row.op == "create" and row.state == "queued" and row.record_kind == "order"
            and not row.depends_on)


def customer_of(row: PostingRow) -> LedgerCustomer:
    """The customer a journaled document posting is for."""
    return LedgerCustomer.model_validate(loads(row.payload)["customer"])


class BatchPoster:
    """Posts batchable postings on a thread of its own; the single path does everything else.

    ``more()`` after each journal commit, ``finish()`` once nothing more will be journaled.
    """

    def __init__(self, ctx: PairContext, run_id: int | None, ledger: BatchLedger) -> None:
        from ecom_ledger_desktop.sync.posting import Dispatcher

        self._state = State(ctx.state.path, ctx.state.clock)  # this thread's own connection
        self.ctx = dataclasses.replace(ctx, state=self._state)
        self.dispatcher = Dispatcher(self.ctx, run_id)
        self.ledger = ledger
        self.posted = 0
        self.flagged = 0
        self.error: BaseException | None = None
        self.expected: int | None = None  # orders the store's listing holds (the engine sets it)
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._work = _Work()
        self._active = False  # the threshold was met: batches go out
        self._ended = False
        self._last_id = 0
        self._seen = 0
        self._done = 0
        self._started = time.monotonic()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="batch")
        self._in_flight: dict[Future[Any], tuple[str, list[Any]]] = {}
        self._thread = threading.Thread(target=self._main, name="batch-poster", daemon=True)

    # -- the engine's side --------------------------------------------------------------------
    def start(self) -> BatchPoster:
        """Start the posting thread."""
        self._thread.start()
        return self

    def more(self) -> None:
        """New postings were committed to the journal."""
        self._inbox.put(("more", None))

    def finish(self) -> None:
        """Nothing more will be journaled: post what is left, wait, and re-raise a ledger error."""
        self._inbox.put(("end", None))
        self._thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """The run failed elsewhere: settle what is in flight, send nothing new, wait."""
        self._inbox.put(("abandon", None))
        self._thread.join()

    # -- the posting thread -------------------------------------------------------------------
    def _main(self) -> None:
        try:
            self._loop()
        except BaseException as error:  # handed to the engine by finish()
            self.error = error
        finally:
            self._pool.shutdown(wait=True)  # unsettled batches stay "sending": looked up later
            self._state.close()

    def _loop(self) -> None:
        halted = False
        while True:
            kind, value = self._inbox.get()
            if kind == "done":
                try:
                    self._settle(value)
                except BaseException as error:
                    if self.error is None:
                        self.error = error
                    halted = True
            elif kind == "abandon":
                halted = True
            elif not halted:
                self._ended = self._ended or kind == "end"
                self._read_new()
            if not halted and not self.ctx.stop.is_set():
                self._schedule()
            finished = halted or self.ctx.stop.is_set() or (self._ended and self._work.empty())
            if finished and not self._in_flight:
                if self.error is not None:
                    raise self.error
                return

    def _read_new(self) -> None:
        rows = self._state.journal.open_postings_after(self.ctx.pair.id, self._last_id)
        if rows:
            self._last_id = max(r.id for r in rows)
        # a pair that holds its runs: only what the merchant approved (the rest stays queued)
        fresh = [r for r in rows if batchable(r) and not self.dispatcher.held_back(r)]
        self._seen += len(fresh)
        if self._active:
            for row in fresh:
                self._classify(row)
            return
        self._work.candidates.extend(fresh)
        if len(self._work.candidates) >= BATCH_THRESHOLD:
            self._active = True
            self.ledger.prefetch()
            waiting, self._work.candidates = self._work.candidates, []
            for row in waiting:
                self._classify(row)

    def _classify(self, row: PostingRow) -> None:
        """Ready to go, or waiting for its customer to be created in a batch."""
        state, work, ledger_conn = self._state, self._work, self.ctx.pair.ledger_id
        customer = customer_of(row)
        key = customer.key
        if key in work.new_customers or key in work.customers_in_flight:
            work.waiting[key].append(row.posting_key)
            return
        if key in state.mappings.customers(self.ctx.pair.id) or \
                state.ledger_refs.get(ledger_conn, "customer", key):
            work.ready.append(row.posting_key)
            return
        try:
            found = self.ledger.find_customer(customer)
        except RecordError:  # a duplicate: the single resolution flags it with its candidates
            work.ready.append(row.posting_key)
            return
        if found:
            with state.tx():
                state.ledger_refs.remember(ledger_conn, "customer", key, found)
            work.ready.append(row.posting_key)
        else:
            work.new_customers[key] = customer
            work.waiting[key].append(row.posting_key)

    def _schedule(self) -> None:
        """Fill the free slots: full customer batches first (they unblock documents)."""
        work, size = self._work, self.ledger.batch_size
        while len(self._in_flight) < WORKERS:
            if len(work.new_customers) >= size or (self._ended and work.new_customers):
                self._submit_customers([work.new_customers.pop(k)
                                        for k in list(work.new_customers)[:size]])
            elif len(work.ready) >= size or (self._ended and work.ready
                                             and not work.new_customers
                                             and not work.customers_in_flight):
                chunk, work.ready = work.ready[:size], work.ready[size:]
                self._submit_documents(chunk)
            else:
                return

    def _track(self, future: Future[Any], kind: str, items: list[Any]) -> None:
        self._in_flight[future] = (kind, items)
        future.add_done_callback(lambda done: self._inbox.put(("done", done)))

    # -- customers ------------------------------------------------------------------------
    def _submit_customers(self, group: list[LedgerCustomer]) -> None:
        self._work.customers_in_flight.update(c.key for c in group)
        request_id = request_id_for("customers:" + ",".join(sorted(c.key for c in group)))
        self._track(self._pool.submit(self.ledger.create_customers, group, request_id),
                    "customers", group)

    def _settle_customers(self, future: Future[Any], group: list[LedgerCustomer]) -> None:
        state, work, ledger_conn = self._state, self._work, self.ctx.pair.ledger_id
        try:
            created = future.result()
        except RetriableError as error:
            log.warning("a customer batch failed (%s); those go one by one", type(error).__name__)
            log.debug("customer batch failure: %s", error)
            created = {}
        with state.tx():
            for customer in group:
                ledger_id = created.get(customer.key)
                if isinstance(ledger_id, str):
                    state.ledger_refs.remember(ledger_conn, "customer", customer.key, ledger_id)
        for customer in group:  # created or not: a failure is met again, one by one, and flagged
            work.customers_in_flight.discard(customer.key)
            work.ready.extend(work.waiting.pop(customer.key, []))

    # -- documents ------------------------------------------------------------------------
    def _submit_documents(self, keys: list[str]) -> None:
        """Claim the postings still queued, resolve their references, send them as one batch."""
        journal = self._state.journal
        claimed = journal.claim_for_sending(keys, self.dispatcher.run_id)
        self._done += len(keys) - len(claimed)  # changed or cancelled since: the journal has it
        prepared = []
        for key in keys:
            row = journal.get(key) if key in claimed else None
            item = self._prepare(row) if row is not None else None
            if item is not None:
                prepared.append(item)
        if not prepared:
            return
        keys = [p.row.posting_key for p in prepared]
        request_id = request_id_for("batch:" + ",".join(keys))
        future = self._pool.submit(
            self.ledger.create_documents,
            [(p.row.posting_key, p.document, p.resolution) for p in prepared], request_id)
        self._track(future, "documents", prepared)

    def _prepare(self, row: PostingRow) -> _Prepared | None:
        payload = loads(row.payload)
        self.dispatcher.begin(row)
        try:
            document, resolution = self.dispatcher.prepare(payload)
        except RecordError as error:
            self.dispatcher.flag(row, error.problem)
            self.flagged += 1
            self._done += 1
            return None
        except RetriableError as error:  # claimed: the single path asks the ledger first
            with self._state.tx():
                self._state.journal.note_error(row.posting_key, str(error))
            return None
        return _Prepared(row, document, resolution)

    def _settle(self, future: Future[Any]) -> None:
        kind, items = self._in_flight.pop(future)
        if kind == "customers":
            self._settle_customers(future, items)
        else:
            self._settle_documents(future, items)

    def _settle_documents(self, future: Future[dict[str, PostedRef | RecordError]],
                          chunk: list[_Prepared]) -> None:
        state = self._state
        try:
            outcomes = future.result()
        except RetriableError as error:  # left "sending": the single path asks the ledger first
            with state.tx():
                for item in chunk:
                    state.journal.note_error(item.row.posting_key, str(error))
            return
        with state.tx():  # one commit for the whole batch
            for item in chunk:
                outcome = outcomes.get(item.row.posting_key)
                if isinstance(outcome, PostedWithProblem):
                    self.dispatcher.confirm(item.row, outcome.posted, adopted=False,
                                            problem=outcome.problem)
                    self.flagged += 1
                elif isinstance(outcome, PostedRef):
                    self.dispatcher.confirm(item.row, outcome, adopted=False)
                    self.posted += 1
                elif isinstance(outcome, RecordError):
                    self.dispatcher.flag(item.row, outcome.problem)
                    self.flagged += 1
        self._done += len(chunk)
        self._progress()

    def _progress(self) -> None:
        """Done of total, with an ETA at the pace so far: while the store is still being read,
        the total is what its listing announced."""
        total = max(self._seen, self._done)
        if not self._ended and self.expected:
            total = max(total, self.expected)
        elapsed = time.monotonic() - self._started
        eta = elapsed / self._done * (total - self._done) if self._done else None
        self.ctx.events.publish(OrderProgress(self.dispatcher.run_id or 0, self._done, total,
                                              eta, phase=PHASE))


def post_in_batches(ctx: PairContext, run_id: int | None, ledger: BatchLedger) -> BatchPoster:
    """Batch what the journal holds now (no concurrent journaling) and return the finished poster."""
    poster = BatchPoster(ctx, run_id, ledger).start()
    poster.finish()
    return poster
