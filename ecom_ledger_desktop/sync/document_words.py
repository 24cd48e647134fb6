"""What a ledger document is called, in the ledger's own words.

The engine's document kinds (``sales_receipt``, ``invoice``, ``refund_receipt``, ``credit_memo``,
``payment``) are named after QuickBooks Online's; a ledger kind whose documents are called
otherwise declares its words (``ConnectionKind.document_labels``: FreshBooks posts a sales
receipt as a paid invoice and a refund as a credit note), and every message about a document
says them: the undo preview, the write-back note, the history page.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.db.state import State

#: the words when the ledger kind declares none for a document kind
KIND_LABEL = {"sales_receipt": "Sales Receipt", "invoice": "Invoice",
              "refund_receipt": "Refund Receipt", "credit_memo": "Credit Memo",
              "payment": "Payment", "refund_payout": "Refund paid out"}


def document_label(doc_kind: str, labels: Mapping[str, str] | None = None) -> str:
    """``doc_kind`` in the ledger's words (``labels``: its kind's declaration), else ours."""
    return (labels or {}).get(doc_kind) or KIND_LABEL.get(doc_kind, doc_kind)


#: what an undo does when the ledger kind declares no words of its own
UNDO_WORDS = {"void": "void", "voided": "Voided", "inactive": "inactive"}


def undo_words(ledger_kind: str) -> dict[str, str]:
    """The undo's verbs in the words of the ledger kind named ``ledger_kind``."""
    kind = KINDS.get(ledger_kind)
    return {**UNDO_WORDS, **(kind.undo_words if kind is not None else {})}


def kind_labels(ledger_kind: str) -> Mapping[str, str]:
    """The document words declared by the ledger kind named ``ledger_kind`` (none: ours)."""
    kind = KINDS.get(ledger_kind)
    return kind.document_labels if kind is not None else {}


def pair_document_labels(state: State, pair_id: int) -> Mapping[str, str]:
    """The document words of the pair's ledger kind."""
    pair = state.connections.pair(pair_id)
    ledger = state.connections.connection(pair.ledger_id) if pair is not None else None
    return kind_labels(ledger.kind) if ledger is not None else {}
