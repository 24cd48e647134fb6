"""What the History page reads, off the GUI thread: runs, a run's events, an order's journey."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.document_words import document_label, pair_document_labels
from ecom_ledger_desktop.sync.error_details import NO_BRAND, ledger_brand
from ecom_ledger_desktop.sync.history_queries import (
    OrderTimeline,
    RunRecord,
    TimelineEvent,
    find_orders,
    order_timeline,
    recent_runs,
    run_events,
)
from ecom_ledger_desktop.sync.ingest import root_key
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.sync.summary_undo import order_summary
from ecom_ledger_desktop.sync.undo_journal import UNDONE


@dataclass(frozen=True)
class PostedDocument:
    """A live document in the books for an order."""

    kind: str
    number: str
    ledger_id: str
    voided: bool = False
    undone: bool = False  # voided by an undo: the order can be posted again
    summary: bool = False  # its day's summary document (the order is one of its orders)


@dataclass
class OrderLookup:
    """An order's timeline and documents — or, when the text matched no order, the near ones."""

    text: str
    timeline: OrderTimeline | None = None
    documents: list[PostedDocument] = field(default_factory=list)
    near: list[str] = field(default_factory=list)
    books: str = NO_BRAND  # the pair's ledger brand
    labels: Mapping[str, str] = field(default_factory=dict)  # its words for documents


@dataclass
class RunsData:
    """Runs (newest first) and the pairs they belong to."""

    runs: list[RunRecord]
    pairs: list[Pair]


def read_runs(service: SyncService) -> RunsData:
    """Every recent run, and the pairs (for the order search)."""
    state = service.open_state()
    try:
        return RunsData(recent_runs(state), state.connections.pairs())
    finally:
        state.close()


def read_run_events(service: SyncService, run_id: int) -> tuple[int, list[TimelineEvent]]:
    """(run id, its events oldest first)."""
    state = service.open_state()
    try:
        return run_id, run_events(state, run_id)
    finally:
        state.close()


def read_order(service: SyncService, pair_id: int, text: str) -> OrderLookup:
    """An order by number (or store id), with the documents it is posted as."""
    lookup = OrderLookup(text.strip())
    if not lookup.text:
        return lookup
    state = service.open_state()
    try:
        lookup.books = ledger_brand(state, pair_id)
        lookup.labels = pair_document_labels(state, pair_id)
        timeline = order_timeline(state, pair_id, lookup.text)
        if timeline is None:
            matches = find_orders(state, pair_id, lookup.text, limit=8)
            if len(matches) == 1:  # a partial number that names one order: show it
                timeline = order_timeline(state, pair_id, matches[0][0])
            else:
                lookup.near = [number for _, number in matches]
        if timeline is not None:
            lookup.timeline = timeline
            lookup.documents = posted_documents(
                state.journal.for_record(pair_id, "order", timeline.source_id))
            in_summary = order_summary(state.journal, pair_id, timeline.source_id)
            if in_summary is not None:  # in its day's summary document, or taken out of it
                summary, taken_out = in_summary
                lookup.documents.append(PostedDocument(
                    summary.doc_kind, summary.ledger_doc_number or summary.record_number,
                    summary.ledger_id or "", voided=taken_out, undone=taken_out, summary=True))
        return lookup
    finally:
        state.close()


def posted_documents(postings: list[PostingRow]) -> list[PostedDocument]:
    """One entry per ledger document (its latest number), voided ones marked, oldest first."""
    voided = {p.target_key for p in postings if p.op == "void" and p.state == "posted"}
    documents: dict[str, PostedDocument] = {}
    for row in postings:
        if row.op in ("create", "update") and row.state in ("posted", UNDONE) and row.ledger_id:
            documents[row.ledger_id] = PostedDocument(
                row.doc_kind, row.ledger_doc_number or "", row.ledger_id,
                root_key(row) in voided or row.state == UNDONE, row.state == UNDONE)
    return list(documents.values())


def state_words(document: PostedDocument) -> str:
    """What became of a document, for this order (after its reference): ", undone" …"""
    if document.summary:
        return ", the day's summary; this order was taken out of it by an undo" \
            if document.undone else ", the day's summary of this order and others"
    return ", undone" if document.undone else ", voided" if document.voided else ""


def document_words(kind: str, labels: Mapping[str, str] | None = None) -> str:
    """"sales_receipt" → "Sales receipt" — "Paid invoice" with FreshBooks' ``labels``."""
    return document_label(kind, labels).capitalize() if kind else "Document"
