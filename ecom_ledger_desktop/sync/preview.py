"""The exact preview: the run's own code path up to the point of sending, nothing kept.

A copy of the database (``State.snapshot``) gets the run's fetch → ingest → journal → dispatch,
with the ledger replaced by a ``RecordingLedger``: the dispatcher resolves references and sends
every posting exactly as it would, and the recorder notes each write instead of making it. What
was recorded, the flags the copy gained, and the postings left waiting become a ``Preview``;
the copy is thrown away.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ecom_ledger_desktop.connectors.freshness import AsOfLedger
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.ledger import LedgerCustomer, SalesDocument
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import root_key
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.posting_outcomes import payload_of
from ecom_ledger_desktop.sync.preview_ledger import RecordedWrite, RecordingLedger, recording_ledger
from ecom_ledger_desktop.sync.preview_model import (
    REFUND_KINDS,
    Preview,
    PreviewAmount,
    PreviewCustomer,
    PreviewDocument,
    PreviewFlag,
    PreviewLine,
)
from ecom_ledger_desktop.sync.reconcile import as_of_words
from ecom_ledger_desktop.sync.summary_journal import close_days
from ecom_ledger_desktop.sync.unpaid import sweep_unpaid


def run_preview(ctx: PairContext) -> Preview:
    """What the pair's next run would do, document by document; changes nothing anywhere."""
    from ecom_ledger_desktop.sync.engine import RunSummary, SyncEngine

    already_open = {entry.id for entry in ctx.state.errors.entries(ctx.pair.id, "open")}
    copy = ctx.state.snapshot()
    try:
        recorder = recording_ledger(ctx.ledger, ctx.ledger_label)
        # a bus of its own: nobody listening may take a previewed document for a posted one
        pctx = dataclasses.replace(ctx, state=copy, ledger=recorder, events=EventBus())
        engine = SyncEngine(pctx)
        summary = RunSummary(0, "preview")
        run_start = ctx.clock.now()
        engine._fetch_orders(summary, run_start)
        engine._reconcile(summary, run_start)
        engine._fetch_refunds(summary, run_start)
        with copy.tx():
            sweep_unpaid(pctx, 0)
            close_days(pctx, 0, ctx.clock.now())  # the closed days' summaries, as a run would
        dispatcher = Dispatcher(pctx, None)
        dispatcher.respect_hold = False  # show held postings too: what approving would send
        dispatcher.run(batched=True)
        preview = Preview(ctx.pair.id, ctx.pair.name, fetched=summary.fetched,
                          holding=approval.holding(ctx.pair))
        approved = ctx.state.approvals.approved(ctx.pair.id)
        by_request = {row.request_id: row for row in copy.journal.all(ctx.pair.id)}
        for write in recorder.writes:
            row = by_request.get(write.request_id)
            if row is not None:
                doc = _document(copy, ctx.pair.id, row, write, recorder)
                doc.approved = row.posting_key in approved
                preview.documents.append(doc)
        preview.customers_to_create = [c for c in recorder.customers.values()
                                       if c.action != "matched"]
        preview.items_to_create = list(recorder.new_items.values())
        preview.flags = [PreviewFlag(e.record_kind, e.record_ref, e.code, e.message,
                                     [fix.label for fix in e.fixes], e.id in already_open,
                                     _amount(copy.journal.get(e.posting_key or "")))
                         for e in reversed(copy.errors.entries(ctx.pair.id, "open"))]
        preview.waiting = [f"{row.record_number}: {row.last_error}"
                           for row in copy.journal.open_postings(ctx.pair.id)]
        if isinstance(ctx.ledger, AsOfLedger):  # matched against lists read earlier
            preview.ledger_read = as_of_words(ctx.ledger_label, ctx.ledger.read_as_of())
    finally:
        copy.close()
    return preview


def _document(state: State, pair_id: int, row: PostingRow, write: RecordedWrite,
              recorder: RecordingLedger) -> PreviewDocument:
    payload = payload_of(row)
    customer = _customer(state, pair_id, payload, write.customer_id, recorder)
    doc = write.document
    pay = write.payment
    number = doc.doc_number if doc else ""
    if write.op == "void":  # what it cancels: the document it voids, as posted
        target = state.journal.get(row.target_key or "")
        if target is not None:
            voided = payload_of(target).get("document")
            doc = SalesDocument.model_validate(voided) if isinstance(voided, dict) else None
            number = target.ledger_doc_number or (doc.doc_number if doc else "")
            customer = customer or _customer(state, pair_id, payload_of(target), "", recorder)
    lines = [] if doc is None or write.op == "void" else [
        PreviewLine(line.kind, line.item.item_key.removeprefix("sku:") if line.item.item_key
                    else (line.item.ledger_name or ""), line.description, line.qty,
                    line.unit_price, line.amount, line.tax_amount, line.tax_code, line.taxable,
                    line.item.ledger_name or "")
        for line in doc.lines]
    source = doc or pay
    previous = _posted_before(state, pair_id, row) if write.op == "update" else None
    total = row.amount if row.amount is not None and write.op != "void" else (
        doc.total if doc is not None else pay.amount if pay is not None else None)
    return PreviewDocument(
        posting_key=row.posting_key, record_kind=row.record_kind,
        record_number=row.record_number, source_id=row.source_id, op=write.op,
        doc_kind=row.doc_kind, doc_number=number,
        txn_date=source.txn_date if source else None,
        currency=source.currency if source else "",
        total=total if total is not None else _zero(),
        tax_total=doc.tax_total if doc and write.op != "void" else _zero(),
        payment_method=(source.payment_method or "") if source else "",
        deposit_account=(source.deposit_account or "") if source else "",
        customer=customer, lines=lines, previous=previous)


def _amount(row: PostingRow | None) -> PreviewAmount | None:
    """A document posting's day, method, currency and amounts, as journaled."""
    document = payload_of(row).get("document") if row is not None else None
    if row is None or not isinstance(document, dict):
        return None
    doc = SalesDocument.model_validate(document)
    total = row.amount if row.amount is not None else doc.total
    return PreviewAmount(doc.txn_date, doc.payment_method or "", doc.currency, total,
                         doc.tax_total, doc.kind in REFUND_KINDS)


def _posted_before(state: State, pair_id: int, row: PostingRow) -> PreviewAmount | None:
    """The document an update replaces, as it was last posted (its create or an update)."""
    chain = [p for p in state.journal.for_record(pair_id, row.record_kind, row.source_id)
             if p.id < row.id and p.state == "posted" and p.op in ("create", "update")
             and root_key(p) == row.target_key]
    return _amount(chain[-1]) if chain else None


def _customer(state: State, pair_id: int, payload: dict[str, object], customer_id: str,
              recorder: RecordingLedger) -> PreviewCustomer | None:
    raw = payload.get("customer")
    if not isinstance(raw, dict):
        return None
    if customer_id in recorder.customers:
        return recorder.customers[customer_id]
    customer = LedgerCustomer.model_validate(raw)
    chosen = state.mappings.customers(pair_id).get(customer.key)
    reason = ("matched: the customer you chose for it" if chosen
              else "matched: the customer its earlier documents went to")
    return PreviewCustomer(customer.key, customer.display_name, customer.email, "matched",
                           reason, customer_id)


def _zero() -> Decimal:
    return Decimal("0")
