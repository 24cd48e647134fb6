"""Sends journaled postings to a push ledger, exactly once.

For each posting: resolve its references (customer, items, accounts) → mark it ``sending`` and
commit (write-ahead) → send with its deterministic request id → mark it ``posted`` and commit.
A posting found ``sending`` (the process died, or the answer was lost) is first looked up in the
ledger by its key; only if the ledger does not have it is it sent again, with the same request
id, which the ledger also de-duplicates. What each outcome journals is ``posting_outcomes``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass

from ecom_ledger_desktop.connectors.base import (
    NON_PRODUCT_LINES,
    BatchLedger,
    PostedRef,
    PostedWithProblem,
    Resolution,
)
from ecom_ledger_desktop.core.errors import LedgerAway, RecordError, RetriableError
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.journal_repo import PostingRow, request_id_for
from ecom_ledger_desktop.models.ledger import (
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.followers import follow_customer
from ecom_ledger_desktop.sync.ingest import active_sale
from ecom_ledger_desktop.sync.posting_outcomes import PostingOutcomes
from ecom_ledger_desktop.sync.refund_problems import order_not_posted
from ecom_ledger_desktop.sync.summary_income import income_lines

log = logging.getLogger(__name__)

MAX_CONSECUTIVE_FAILURES = 3


@dataclass
class DispatchResult:
    """Counts of one dispatch pass."""

    posted: int = 0
    flagged: int = 0
    waiting: int = 0
    failed: int = 0
    held: int = 0  # not approved yet on a pair that holds its runs (never sent)
    stopped_early: str = ""
    waiting_keys: list[str] = dataclasses.field(default_factory=list)  # still waiting, and why
    away: str = ""  # the ledger is not connected now (it calls in): why the rest waits


class Dispatcher(PostingOutcomes):
    """Drains one pair's open postings into its push ledger."""

    def __init__(self, ctx: PairContext, run_id: int | None) -> None:
        self.ctx = ctx
        self.run_id = run_id
        self._current = ""
        self._away = ""
        self.respect_hold = True  # the exact preview turns it off: it shows held postings too
        self.held: list[PostingRow] = []  # postings this dispatcher kept back, unapproved
        self._approved: set[str] | None = None  # read once: an approval made meanwhile waits

    @property
    def away(self) -> str:
        """Why the ledger could not be reached ("" when it was): it calls in, and has not yet."""
        return self._away

    def waiting_words(self) -> str:
        """The outcome a merchant reads when a posting waits for a ledger that calls in."""
        return f"waiting for {self.ctx.ledger_label}: {self._away}"

    def held_back(self, row: PostingRow) -> bool:
        """Whether ``row`` waits for the merchant's approval (its pair holds its runs)."""
        if not (self.respect_hold and approval.holding(self.ctx.pair)):
            return False
        if self._approved is None:
            self._approved = self.ctx.state.approvals.approved(self.ctx.pair.id)
        return row.posting_key not in self._approved

    def held_words(self) -> str:
        """What a retry or a fix says when what it would send waits for approval."""
        return approval.waits_for_approval(self.held)

    def _note_away(self, rows: list[PostingRow], why: str) -> None:
        """Each posting says why it waits (the app and the CLI show it)."""
        with self.ctx.state.tx():
            for row in rows:
                if row.last_error != why:
                    self.ctx.state.journal.note_error(row.posting_key, why)

    # -- the pass ---------------------------------------------------------------------------
    def run(self, batched: bool = False) -> DispatchResult:
        """Dispatch every open posting in journal order; stop after repeated transient failures.

        A batching ledger first gets the backlog in batches, unless ``batched`` says the engine's
        ``BatchPoster`` already did that while the store was read.
        """
        result = DispatchResult()
        ledger = self.ctx.ledger
        if not batched and isinstance(ledger, BatchLedger) and ledger.batching:
            from ecom_ledger_desktop.sync.batch_posting import post_in_batches

            poster = post_in_batches(self.ctx, self.run_id, ledger)
            result.posted, result.flagged = poster.posted, poster.flagged
        # only what the merchant approved when the pair holds; the rest stays queued, held
        pending = [row for row in self.ctx.state.journal.open_postings(self.ctx.pair.id)
                   if not self.held_back(row)]
        started = time.monotonic()
        consecutive_failures = 0
        for done, row in enumerate(pending, start=1):
            if self.ctx.stop.is_set():
                result.stopped_early = (f"stopped on request; {len(pending) - done + 1} postings "
                                        "wait for the next run")
                break
            outcome = self.dispatch(row)
            if outcome == "away":  # every other posting would wait alike: say so, stop here
                result.away = self._away
                result.waiting += len(pending) - done + 1
                self._note_away(pending[done:], self._away)
                break
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome == "waiting":
                result.waiting_keys.append(row.posting_key)
            consecutive_failures = consecutive_failures + 1 if outcome == "failed" else 0
            elapsed = time.monotonic() - started
            eta = elapsed / done * (len(pending) - done)
            self.ctx.events.publish(OrderProgress(self.run_id or 0, done, len(pending), eta))
            if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                result.stopped_early = (
                    f"{self.ctx.ledger_label} is not answering reliably; "
                    f"{len(pending) - done} postings wait for the next run")
                break
        return result

    def dispatch(self, row: PostingRow) -> str:
        """Send one posting; returns posted / flagged / waiting / failed, or held (kept back,
        unsent: its pair holds its runs and the merchant has not approved it)."""
        if self.held_back(row):
            self.held.append(row)
            return "held"
        try:
            return self._dispatch(row)
        except PostedWithProblem as error:
            self._confirm(row, error.posted, adopted=False, problem=error.problem)
            return "flagged"
        except RecordError as error:
            return self._flag(row, error.problem)
        except LedgerAway as error:  # waits, queued, saying why: neither failed nor flagged
            self._away = str(error)
            self._note_away([row], self._away)
            return "away"
        except RetriableError as error:
            with self.ctx.state.tx():
                self.ctx.state.journal.note_error(row.posting_key, str(error))
            log.warning("posting %s not confirmed yet: %s", row.posting_key, error)
            return "failed"

    def _rid(self, kind: str, key: str) -> str:
        """Request id of a customer/item create made for the posting being dispatched.

        Stable across resends of one attempt (a lost answer is replayed, never duplicated); new
        for each attempt, because a rejected create must not be replayed after a fix. A create
        that did apply is found by the lookup that always precedes it.
        """
        return request_id_for(f"{kind}:{key}:{self._current}")

    def begin(self, row: PostingRow) -> None:
        """Tie customer/item creates made from now on to this posting's attempt."""
        self._current = request_id_for(f"{row.posting_key}#{row.attempts}")

    def _dispatch(self, row: PostingRow) -> str:
        self.begin(row)
        if row.op == "retire":  # an undo's customer or item, made inactive after its voids
            from ecom_ledger_desktop.sync import undo_retire

            return undo_retire.send(self, row)
        journal = self.ctx.state.journal
        linked: PostedRef | None = None
        target: PostedRef | None = None
        if row.op in ("update", "void", "payment"):
            target_row = journal.get(row.target_key or "")
            if target_row is None or target_row.state != "posted" or not target_row.ledger_id:
                return self._wait(row, "waiting for the original document to be posted")
            target = self._ref(target_row)
        if row.depends_on and row.depends_on.startswith("posting:"):
            before = journal.get(row.depends_on.removeprefix("posting:"))
            if before is None or before.state != "posted":
                return self._wait(row, "waiting for the previous document to be voided")
        elif row.record_kind == "refund" and row.depends_on:  # none: posted alone, no sale
            order_rows = journal.for_record(self.ctx.pair.id, "order", row.depends_on)
            sale = active_sale(order_rows)
            if sale is None and not self.ctx.state.errors.open_for_record(
                    self.ctx.pair.id, "order", row.depends_on):
                return self._flag(row, order_not_posted(row, self.ctx.pair.rules.start_date))
            if sale is None or sale.state != "posted" or not sale.ledger_id:
                number = sale.record_number if sale else f"id {row.depends_on}"
                return self._wait(row, f"waiting for order {number} to be posted first")
            linked = self._ref(journal.get(self._root(sale)) or sale)
        if row.op == "void" and row.state == "queued":  # an undo the ledger was not asked about
            from ecom_ledger_desktop.sync.undo_checks import check_before_void

            refused = check_before_void(self, row)
            if refused is not None:
                return refused
        payload = loads(row.payload)
        if row.state == "sending":
            try:
                found = self._find_existing(row, payload)
            except RecordError as error:
                return self._unsettled(row, error.problem)
            if found is not None:
                self._confirm(row, found, adopted=True)
                return "posted"
        ref = self._send(row, payload, target, linked)
        self._confirm(row, ref, adopted=False)
        return "posted"

    # -- sending ----------------------------------------------------------------------------
    def _send(self, row: PostingRow, payload: dict[str, object], target: PostedRef | None,
              linked: PostedRef | None) -> PostedRef:
        ledger = self.ctx.ledger
        if row.op == "void":
            assert target is not None
            self._mark_sending(row)
            return ledger.void_document(target, row.doc_kind, row.request_id)
        customer = LedgerCustomer.model_validate(payload["customer"])
        if row.op == "payment":
            assert target is not None
            payment = LedgerPayment.model_validate(payload["payment"])
            resolution = Resolution(customer_id=self._customer_id(customer), item_ids={})
            self._mark_sending(row)
            return ledger.create_payment(payment, target, resolution, row.request_id)
        document, resolution = self.prepare(payload)
        self._mark_sending(row)
        if row.op == "update":
            assert target is not None
            return ledger.update_document(target, document, resolution, row.request_id)
        return ledger.create_document(document, resolution, row.request_id, linked=linked)

    def _find_existing(self, row: PostingRow, payload: dict[str, object]) -> PostedRef | None:
        if row.op in ("update", "void"):
            return None  # updates and voids are idempotent by request id and SyncToken
        if row.op == "payment":
            return self.ctx.ledger.find_posted(
                row.posting_key, LedgerPayment.model_validate(payload["payment"]))
        return self.ctx.ledger.find_posted(
            row.posting_key, SalesDocument.model_validate(payload["document"]))

    def _mark_sending(self, row: PostingRow) -> None:
        with self.ctx.state.tx():
            self.ctx.state.journal.mark_sending(row.posting_key, self.run_id)

    # -- references -------------------------------------------------------------------------
    def _customer_id(self, customer: LedgerCustomer) -> str:
        chosen = self.ctx.state.mappings.customers(self.ctx.pair.id).get(customer.key)
        if chosen:
            return chosen
        refs, ledger_conn = self.ctx.state.ledger_refs, self.ctx.pair.ledger_id
        known = refs.get(ledger_conn, "customer", customer.key)
        if known:
            return known
        found = self.ctx.ledger.ensure_customer(customer, self._rid("customer", customer.key))
        with self.ctx.state.tx():
            refs.remember(ledger_conn, "customer", customer.key, found)
        return found

    def _customer(self, customer: LedgerCustomer) -> str:
        """The customer's id, its details brought up to the store's where the rules ask."""
        found = self._customer_id(customer)
        follow_customer(self.ctx, found, customer)
        return found

    def _item_id(self, item: LedgerItem) -> str:
        rules = self.ctx.pair.rules
        refs, ledger_conn = self.ctx.state.ledger_refs, self.ctx.pair.ledger_id
        known = refs.get(ledger_conn, "item", item.key)
        if known:
            return known
        found = self.ctx.ledger.ensure_item(item, rules.unmapped_sku_policy, rules.standard_item,
                                            self._rid("item", item.key))
        standard = (rules.unmapped_sku_policy == "standard_item"
                    and found == self.ctx.ledger.resolve_name("item", rules.standard_item))
        if not standard:  # a stand-in is not remembered: the real item may be created later
            with self.ctx.state.tx():
                refs.remember(ledger_conn, "item", item.key, found)
        return found

    def _resolve(self, document: SalesDocument, customer: LedgerCustomer,
                 items: list[LedgerItem]) -> Resolution:
        sku_map = self.ctx.state.mappings.skus(self.ctx.pair.id)
        by_key = {item.key: item for item in items}
        item_ids: dict[str, str] = {}
        for line in document.lines:
            ref = line.item
            if ref.ledger_id:
                continue
            if ref.ledger_name and ref.ledger_name not in item_ids:
                if line.kind in NON_PRODUCT_LINES:  # a gift card's item books to a liability
                    item_ids[ref.ledger_name] = self.ctx.ledger.ensure_line_item(
                        line.kind, ref.ledger_name, self.ctx.pair.rules.unmapped_sku_policy,
                        f"line-item:{line.kind}:{ref.ledger_name}")
                else:
                    item_ids[ref.ledger_name] = self.ctx.ledger.resolve_name(
                        "item", ref.ledger_name)
            if ref.item_key and ref.item_key not in item_ids:
                item = by_key.get(ref.item_key) or LedgerItem(
                    key=ref.item_key, sku=ref.item_key.removeprefix("sku:"),
                    name=ref.item_key.removeprefix("sku:"))
                mapped_name = sku_map.get(item.sku)
                if mapped_name:
                    item_ids[ref.item_key] = self.ctx.ledger.resolve_name("item", mapped_name)
                else:
                    item_ids[ref.item_key] = self._item_id(item)
        return Resolution(customer_id=self._customer(customer), item_ids=item_ids,
                          item_policy=self.ctx.pair.rules.unmapped_sku_policy)

    # the batch phase shares these steps
    def prepare(self, payload: dict[str, object]) -> tuple[SalesDocument, Resolution]:
        """A document posting's document as it is sent, and its resolved references (a daily
        summary with income lines gets them here: ``summary_income``)."""
        document = SalesDocument.model_validate(payload["document"])
        customer = LedgerCustomer.model_validate(payload["customer"])
        raw_items = payload.get("items")
        items = [LedgerItem.model_validate(item)
                 for item in (raw_items if isinstance(raw_items, list) else [])]
        if payload.get("income_lines"):
            return income_lines(self.ctx.ledger, self.ctx.pair.rules.standard_item, document,
                                lambda doc: self._resolve(doc, customer, items))
        return document, self._resolve(document, customer, items)

    def resolve(self, document: SalesDocument, customer: LedgerCustomer,
                items: list[LedgerItem]) -> Resolution:
        """Ledger ids for a document's customer, items and names."""
        return self._resolve(document, customer, items)

    @staticmethod
    def _root(row: PostingRow) -> str:
        return row.posting_key if row.op == "create" else (row.target_key or row.posting_key)

    @staticmethod
    def _ref(row: PostingRow) -> PostedRef:
        return PostedRef(ledger_id=row.ledger_id or "", doc_number=row.ledger_doc_number,
                         sync_token=row.ledger_sync_token,
                         extra={"doc_kind": row.doc_kind})
