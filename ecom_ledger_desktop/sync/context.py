"""Everything one pair's run needs, in one place."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.document_words import UNDO_WORDS, document_label


@dataclass
class PairContext:
    """A pair with its live connectors, state and event bus."""

    pair: Pair
    store: StoreConnector
    ledger: PushLedger
    state: State
    events: EventBus
    clock: Clock
    document_labels: Mapping[str, str] = field(default_factory=dict)  # the kind's words
    undo_words: Mapping[str, str] = field(default_factory=lambda: dict(UNDO_WORDS))
    ledger_label: str = "the books"  # the ledger kind's system, set by the service
    refunds_paid_out: bool = False  # the kind's declaration: a refund's pay-out is journaled
    # set to end the run at the next safe point (between chunks and postings); resumes next run
    stop: threading.Event = field(default_factory=threading.Event)
    counts: dict[str, int] = field(default_factory=lambda: {
        "fetched": 0, "posted": 0, "flagged": 0, "skipped": 0})

    def document_label(self, doc_kind: str) -> str:
        """``doc_kind`` as the pair's ledger calls it ("Paid invoice" in FreshBooks)."""
        return document_label(doc_kind, self.document_labels)

    def posting_key(self, record_kind: str, source_id: str, *parts: str) -> str:
        """The deterministic journal key: pair, record, and what is posted."""
        return ":".join((str(self.pair.id), record_kind, source_id, *parts))
