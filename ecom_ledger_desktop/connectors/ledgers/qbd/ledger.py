"""``QbdLedger``: the engine's ``PushLedger`` for QuickBooks Desktop, through the Web Connector.

Every operation is a qbXML message set put in the connection's ``Mailbox`` and answered when the
Web Connector session carries it to QuickBooks and back; without a session it raises
``LedgerAway`` at once (the posting waits, with the reason the app shows). QuickBooks Desktop has
no idempotency key: the journal key travels in each document's memo with the store number as
``RefNumber``, and ``find_posted`` settles an unknown outcome by a query (``qbxml.documents.settle``)
before anything is added again. The exchange itself is ``exchange.QbdExchange``; customers and
items (referenced by full name) are ``references.QbdReferences``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import (
    CheckResult,
    LedgerRecord,
    PostedRef,
    PostedWithProblem,
    Resolution,
    RetireOutcome,
)
from ecom_ledger_desktop.connectors.ledgers.qbd import errors, limits, undo_checks
from ecom_ledger_desktop.connectors.ledgers.qbd import retire as list_retire
from ecom_ledger_desktop.connectors.ledgers.qbd.lookups import QbdLookups
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import lists, parse, refunds, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks
from ecom_ledger_desktop.connectors.ledgers.qbd.references import same_customer
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem, SyncError
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    LedgerCustomer,
    LedgerPayment,
    SalesDocument,
)

log = logging.getLogger(__name__)

#: QuickBooks Desktop has no refund receipt among qbXML's sales forms: refunds are credit memos
TXN_KIND = {"sales_receipt": "SalesReceipt", "invoice": "Invoice", "credit_memo": "CreditMemo",
            "refund_receipt": "CreditMemo", "payment": "ReceivePayment",
            "refund_payout": refunds.KIND}
LABEL = {"SalesReceipt": "sales receipt", "Invoice": "invoice", "CreditMemo": "credit memo",
         "ReceivePayment": "payment", refunds.KIND: "refund"}


class QbdLedger(QbdLookups):
    """QuickBooks Desktop as a push ledger (implements ``connectors.base.PushLedger``)."""

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Sales documents dated ``start``..``end`` (``ReadBackLedger``): read live in a Web
        Connector session, else from the copy of the last update (``read_as_of``)."""
        return self._readback.documents_between(start, end)

    def refresh_copy(self) -> None:
        """Read what changed in QuickBooks into the copy (inside a Web Connector session)."""
        self._readback.refresh()

    def read_calls(self) -> int:
        """Web Connector round trips ``documents_between`` has made so far."""
        return self._readback.calls

    # -- undo -----------------------------------------------------------------------------------
    def retire(self, kind: str, ledger_id: str, created_since: datetime,
               request_id: str) -> RetireOutcome:
        """Make a customer or item an undo no longer needs inactive (``RetiringLedger``);
        ``LedgerAway`` while no Web Connector session is open (the journal keeps it waiting)."""
        return list_retire.retire(self._ask, kind, ledger_id, created_since, request_id)

    def undo_obstacles(self, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
        """What QuickBooks would not take back cleanly (``UndoCheckingLedger``)."""
        return undo_checks.undo_obstacles(self._ask, documents, self._rid("undo-check"))

    # -- documents ------------------------------------------------------------------------------
    def find_posted(self, posting_key: str, document: SalesDocument | LedgerPayment
                    ) -> PostedRef | None:
        """The document carrying ``posting_key`` in its memo, if QuickBooks has it (a batch
        whose answer was lost: from QuickBooks' kept answer when there is one)."""
        if not isinstance(document, LedgerPayment):
            kept = self.lost_batches.settle(posting_key, self.mailbox.exchange)
            if kept is None:
                return None  # QuickBooks never ran that batch
            if isinstance(kept, parse.Response) and kept.status_code == 0:
                [record] = parse.txn_records(kept)
                return posted_ref(record, TXN_KIND[document.kind])
            if isinstance(kept, parse.Response) and kept.severity == "Error":
                return None  # refused then: nothing was saved
        if isinstance(document, LedgerPayment) and document.refund_payout:
            query, kind = refunds.payouts_on(self._rid("find"), document.txn_date), refunds.KIND
        elif isinstance(document, LedgerPayment):
            query = transactions.txn_query("ReceivePayment", self._rid("find"), transactions.TxnQuery(
                txn_date_range_filter=transactions.TxnDateRangeFilter(document.txn_date,
                                                                      document.txn_date)))
            kind = "ReceivePayment"
        else:
            kind = TXN_KIND[document.kind]
            query = transactions.query_by_ref(kind, self._rid("find"),
                                              [limits.ref_number(document.doc_number)])
        [found] = self._ask(query, record="the earlier document")
        matches = docs.settle(parse.txn_records(found), posting_key)
        if len(matches) > 1:
            raise RecordError(RecordProblem(
                "duplicate_document",
                f"QuickBooks has {len(matches)} {LABEL[kind]}s carrying this posting's key: void "
                "the extra ones in QuickBooks, then retry.", [Fix("retry", "Retry")],
                detail=", ".join(m.txn_id for m in matches)))
        return posted_ref(matches[0], kind) if matches else None

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Live (not voided) documents of the document's kind with its RefNumber."""
        kind = TXN_KIND[document.kind]
        [found] = self._ask(transactions.query_by_ref(kind, self._rid("numbered"),
                                                      [limits.ref_number(document.doc_number)]))
        return [posted_ref(r, kind) for r in parse.txn_records(found) if not r.voided]

    def create_document(self, document: SalesDocument, resolution: Resolution, request_id: str,
                        linked: PostedRef | None = None) -> PostedRef:
        """Add a sales receipt / invoice / credit memo; QuickBooks' total is checked after."""
        books = self.books_for(document)
        request = docs.document_request(request_id, document, resolution.customer_id, books,
                                        self.item_names(resolution, books))
        kind = TXN_KIND[document.kind]
        [added] = self._ask(request, record=f"{LABEL[kind]} {document.doc_number}")
        [record] = parse.txn_records(added)
        posted = posted_ref(record, kind)
        problem = docs.check_posted(record, document)
        if problem is not None:
            raise PostedWithProblem(problem, posted)
        return posted

    def check_document(self, document: SalesDocument, resolution: Resolution) -> None:
        """Raise the ``RecordError`` ``create_document`` would raise before sending anything
        (``DocumentChecker``): the request is built, not sent — a store rate with no Sales Tax
        item, a total QuickBooks would compute otherwise, a number or name past its limits, a
        currency the company does not use. Between Web Connector updates the company's currency
        facts are the last session's; when none was seen in this process the currency is left
        to the run (QuickBooks is not asked)."""
        books = self.books_for(document) if self.facts_known() else self.settings_for(document)
        docs.document_add(document, resolution.customer_id, books,
                          self.item_names(resolution, books))

    def update_document(self, target: PostedRef, document: SalesDocument, resolution: Resolution,
                        request_id: str) -> PostedRef:
        """``…Mod``: the posted document becomes the store's edited one (its lines replaced).

        The ``EditSequence`` is read by a query first; a 3200 (someone changed the document in
        QuickBooks meanwhile) reads it again and retries once. QuickBooks' total is checked after.
        """
        books = self.books_for(document)
        kind = target.extra.get("txn_kind") or TXN_KIND[document.kind]
        label = f"{LABEL[kind]} {document.doc_number}"
        for attempt in (1, 2):
            current = self._current(kind, target.ledger_id, label)
            request = docs.document_mod_request(
                f"{request_id}-{attempt}", document, resolution.customer_id, books,
                self.item_names(resolution, books), current.txn_id, current.edit_sequence)
            try:
                [changed] = self._ask(request, record=label)
            except errors.StaleEditSequence:
                if attempt == 2:
                    raise
                continue
            [record] = parse.txn_records(changed)
            posted = posted_ref(record, kind)
            problem = docs.check_posted(record, document)
            if problem is not None:
                raise PostedWithProblem(problem, posted)
            return posted
        raise AssertionError("unreachable")  # pragma: no cover

    def _current(self, kind: str, txn_id: str, label: str) -> parse.TxnRecord:
        """The posted document as QuickBooks has it now (its EditSequence)."""
        [found] = self._ask(transactions.txn_query(kind, self._rid("current"),
                                                   transactions.TxnQuery(txn_id=[txn_id])),
                            record=label)
        records = parse.txn_records(found)
        if not records or records[0].voided:
            raise RecordError(RecordProblem(
                "document_missing",
                f"{label} is no longer in QuickBooks (deleted or voided there), so the store's "
                "change cannot be applied: post it again, or ignore the change.",
                [Fix("void_and_repost", "Post it again"), Fix("ignore", "Ignore the change")],
                detail=txn_id))
        return records[0]

    def void_document(self, target: PostedRef, kind: str, request_id: str) -> PostedRef:
        """``TxnVoid``: QuickBooks keeps the document, zeroed, its memo starting "VOID:"."""
        txn_kind = target.extra.get("txn_kind") or TXN_KIND.get(kind, kind)
        self._ask(transactions.void(request_id, txn_kind, target.ledger_id),
                  record=f"{LABEL.get(txn_kind, txn_kind)} {target.doc_number or ''}".strip())
        return PostedRef(ledger_id=target.ledger_id, doc_number=target.doc_number,
                         total=Decimal(0), extra={"txn_kind": txn_kind, "voided": "1"})

    def create_payment(self, payment: LedgerPayment, invoice: PostedRef, resolution: Resolution,
                       request_id: str) -> PostedRef:
        """``ReceivePaymentAdd`` applied to the posted invoice, dated when paid; a refund's
        pay-out (``refund_payout``) is ``ARRefundCreditCardAdd`` out of the posted credit memo."""
        number = invoice.doc_number or invoice.ledger_id
        if payment.refund_payout:
            request = refunds.payout_request(request_id, payment, resolution.customer_id,
                                             invoice.ledger_id, number, self.books())
            [added] = self._ask(request, record=f"the refund paid out of credit memo {number}")
            [record] = parse.txn_records(added)
            return posted_ref(record, refunds.KIND)
        request = docs.payment_request(request_id, payment, resolution.customer_id,
                                       invoice.ledger_id, number, self.books())
        [added] = self._ask(request, record=f"the payment for invoice {number}")
        [record] = parse.txn_records(added)
        return posted_ref(record, "ReceivePayment")

    # -- stock ----------------------------------------------------------------------------------
    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """Quantities on hand of every inventory item (its name is the store SKU)."""
        now = self._clock.now()
        levels: dict[str, Decimal] = {}
        iterator_id: str | None = None
        while True:
            [chunk] = self._ask(lists.iterate("ItemInventoryQueryRq", self._rid("stock"), 200,
                                              iterator_id), record="the stock query")
            levels.update(parse.stock_levels([chunk]))
            if not chunk.iterator_remaining or not chunk.iterator_id:
                break
            iterator_id = chunk.iterator_id
        return [StockLevel(sku=sku, qty=qty) for sku, qty in levels.items()], now

    # -- connection -----------------------------------------------------------------------------
    def check(self) -> list[CheckResult]:
        """Whether the Web Connector is connected now, and when it last called."""
        if not self.mailbox.open:  # what can be known until it calls
            service = CheckResult("Web Connector service", self.mailbox.hosted,
                                  "listening for the Web Connector" if self.mailbox.hosted else
                                  "it runs while the app (or 'ecom-ledger schedule') runs")
            return [service, CheckResult("Web Connector", self.mailbox.contact_ok(),
                                         self.mailbox.away_reason())]
        results = [CheckResult("Web Connector", True, "an update session is open")]
        try:
            facts = self.facts()
            results.append(CheckResult("Company settings", True,
                                       f"home currency {facts.home_currency}, multicurrency "
                                       f"{'on' if facts.multicurrency else 'off'}"))
        except SyncError as exc:
            results.append(CheckResult("Company settings", False, str(exc)))
        return results

    def close(self) -> None:
        """Nothing to release: the mailbox outlives one run."""

    # -- batches: many requests in one message set, one Web Connector exchange ------------------
    batch_size = 25

    @property
    def batching(self) -> bool:
        """Batches go out while a Web Connector session is open (else everything waits)."""
        return self.mailbox.open

    def prefetch(self) -> None:
        """Nothing to load: customers are matched by a name query per batch."""

    def find_customer(self, customer: LedgerCustomer) -> str | None:
        """The name chosen before, if QuickBooks has it (one exchange); a customer never seen
        is matched by ``create_customers``, a batch at a time (an existing one is adopted)."""
        chosen = self.mailbox.names.get("customer", customer.key)
        if chosen is None:
            return None
        existing = self._named(chosen[0])
        if existing is None or not same_customer(existing, customer):
            return None
        return self._active(existing, "customer").full_name  # undone before: active again

    def create_customers(self, customers: list[LedgerCustomer], request_id: str
                         ) -> dict[str, str | RecordProblem]:
        """Add up to ``batch_size`` customers in one message set (``qbd.batch``)."""
        from ecom_ledger_desktop.connectors.ledgers.qbd import batch

        return batch.create_customers(self, customers)

    def create_documents(self, documents: list[tuple[str, SalesDocument, Resolution]],
                         request_id: str) -> dict[str, PostedRef | RecordError]:
        """Add up to ``batch_size`` documents in one message set (``qbd.batch``)."""
        from ecom_ledger_desktop.connectors.ledgers.qbd import batch

        return batch.create_documents(self, documents)

    def item_names(self, resolution: Resolution, books: QbdBooks
                    ) -> Callable[[DocumentLine], str]:
        def item_name_of(line: DocumentLine) -> str:
            if line.kind == "item" and line.restock is False:
                return books.line_items["unreturned"]
            ref = line.item
            for key in (ref.item_key, ref.ledger_name):
                if key and key in resolution.item_ids:
                    return resolution.item_ids[key]
            return docs.default_item_name(line, books)

        return item_name_of


def posted_ref(record: parse.TxnRecord, kind: str) -> PostedRef:
    return PostedRef(ledger_id=record.txn_id, doc_number=record.ref_number or None,
                     sync_token=record.edit_sequence or None, total=record.total_amount,
                     extra={"txn_kind": kind})
