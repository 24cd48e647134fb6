"""The batch phase of a dispatch: many new documents per request, a few requests at once.

Used when the ledger can batch (``BatchLedger``) and enough new documents wait (a first sync, a
backlog). Exactly-once is kept per posting: every posting of a batch is marked ``sending`` before
the request leaves and carries its own key; the batch's request id is derived from its postings,
so a lost answer is replayed, and a posting left ``sending`` by a crash goes through the single
path, which asks the ledger for it by key before anything is sent again.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from ecom_ledger_desktop.connectors.base import BatchLedger, PostedRef, PostedWithProblem, Resolution
from ecom_ledger_desktop.core.errors import FatalError, RecordError, RetriableError
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.journal_repo import PostingRow, request_id_for
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem, SalesDocument

log = logging.getLogger(__name__)

BATCH_THRESHOLD = 20  # fewer new documents than this go one by one (no prefetch cost)
WORKERS = 4  # batch requests in flight at once (the ledger's own limiter still applies)


@dataclass
class _Prepared:
    row: PostingRow
    document: SalesDocument
    resolution: Resolution


class BatchPhase:
    """Posts the batchable part of a dispatch; the dispatcher does the rest one by one."""

    def __init__(self, dispatcher: object, ledger: BatchLedger) -> None:
        from ecom_ledger_desktop.sync.posting import Dispatcher

        assert isinstance(dispatcher, Dispatcher)
        self.dispatcher = dispatcher
        self.ctx = dispatcher.ctx
        self.ledger = ledger
        self.handled: set[str] = set()
        self.posted = 0
        self.flagged = 0

    @staticmethod
    def batchable(rows: list[PostingRow]) -> list[PostingRow]:
        """New order documents that nothing else waits on: the bulk of a first sync."""
        return [r for r in rows if r.op == "create" and r.state == "queued"
                and r.record_kind == "order" and not r.depends_on]

    def run(self, pending: list[PostingRow]) -> None:
        """Post what can be batched; leave everything else (and any failure) to the single path."""
        rows = self.batchable(pending)
        if len(rows) < BATCH_THRESHOLD:
            return
        self.ledger.prefetch()
        self._create_missing_customers(rows)
        self._post(rows)

    # -- customers ------------------------------------------------------------------------
    def _customer_of(self, row: PostingRow) -> LedgerCustomer:
        return LedgerCustomer.model_validate(loads(row.payload)["customer"])

    def _create_missing_customers(self, rows: list[PostingRow]) -> None:
        state, ledger_conn = self.ctx.state, self.ctx.pair.ledger_id
        chosen = state.mappings.customers(self.ctx.pair.id)
        missing: dict[str, LedgerCustomer] = {}
        for row in rows:
            customer = self._customer_of(row)
            if customer.key in chosen or customer.key in missing or \
                    state.ledger_refs.get(ledger_conn, "customer", customer.key):
                continue
            try:
                found = self.ledger.find_customer(customer)
            except RecordError:
                continue  # a duplicate: the single resolution flags it with its candidates
            if found:
                with state.tx():
                    state.ledger_refs.remember(ledger_conn, "customer", customer.key, found)
            else:
                missing[customer.key] = customer
        batch = self.ledger.batch_size
        groups = [list(missing.values())[i:i + batch] for i in range(0, len(missing), batch)]
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="batch") as pool:
            futures = {pool.submit(self.ledger.create_customers, group, request_id_for(
                "customers:" + ",".join(sorted(c.key for c in group)))): group
                for group in groups}
            for future, group in futures.items():
                try:
                    created = future.result()
                except RetriableError as error:
                    log.warning("a customer batch failed (%s); those go one by one", error)
                    continue
                with state.tx():
                    for customer in group:
                        ledger_id = created.get(customer.key)
                        if isinstance(ledger_id, str):
                            state.ledger_refs.remember(ledger_conn, "customer", customer.key,
                                                       ledger_id)

    # -- documents ------------------------------------------------------------------------
    def _prepare(self, rows: list[PostingRow]) -> list[_Prepared]:
        prepared = []
        for row in rows:
            payload = loads(row.payload)
            document = SalesDocument.model_validate(payload["document"])
            customer = LedgerCustomer.model_validate(payload["customer"])
            items = [LedgerItem.model_validate(i) for i in payload.get("items", [])]
            self.dispatcher.begin(row)
            try:
                resolution = self.dispatcher.resolve(document, customer, items)
            except RecordError as error:
                self.dispatcher.flag(row, error.problem)
                self.handled.add(row.posting_key)
                self.flagged += 1
                continue
            prepared.append(_Prepared(row, document, resolution))
        return prepared

    def _post(self, rows: list[PostingRow]) -> None:
        """Prepare each chunk just before it goes (memory stays flat), a few chunks in flight."""
        started = time.monotonic()
        done = 0
        size = self.ledger.batch_size
        waiting = [rows[i:i + size] for i in range(0, len(rows), size)]
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="batch") as pool:
            running: dict[Future[dict[str, PostedRef | RecordError]], list[_Prepared]] = {}
            while waiting or running:
                while waiting and len(running) < WORKERS and not self.ctx.stop.is_set():
                    row_chunk = waiting.pop(0)
                    chunk = self._prepare(row_chunk)
                    done += len(row_chunk) - len(chunk)  # flagged while preparing
                    if chunk:
                        running[self._submit(pool, chunk)] = chunk
                if not running:
                    if self.ctx.stop.is_set():
                        return  # in-flight batches settled; the rest waits, still "queued"
                    continue
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = running.pop(future)
                    self._settle(future, chunk)
                    done += len(chunk)
                    elapsed = time.monotonic() - started
                    eta = elapsed / done * (len(rows) - done) if done else None
                    self.ctx.events.publish(OrderProgress(self.dispatcher.run_id or 0,
                                                          min(done, len(rows)), len(rows), eta,
                                                          phase="posting in batches"))

    def _submit(self, pool: ThreadPoolExecutor, chunk: list[_Prepared]
                ) -> Future[dict[str, PostedRef | RecordError]]:
        keys = [p.row.posting_key for p in chunk]
        with self.ctx.state.tx():  # write-ahead: every posting of the batch is "sending" first
            for key in keys:
                self.ctx.state.journal.mark_sending(key, self.dispatcher.run_id)
        request_id = request_id_for("batch:" + ",".join(keys))
        return pool.submit(self.ledger.create_documents,
                           [(p.row.posting_key, p.document, p.resolution) for p in chunk],
                           request_id)

    def _settle(self, future: Future[dict[str, PostedRef | RecordError]],
                chunk: list[_Prepared]) -> None:
        try:
            outcomes = future.result()
        except FatalError:
            raise
        except RetriableError as error:  # left "sending": the single path asks the ledger first
            with self.ctx.state.tx():
                for item in chunk:
                    self.ctx.state.journal.note_error(item.row.posting_key, str(error))
            return
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
            else:
                continue
            self.handled.add(item.row.posting_key)
