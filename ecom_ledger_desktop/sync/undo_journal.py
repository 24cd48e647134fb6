"""The journal side of an undo: keys, the ``undone`` state, and numbers for a repost.

An undo is journaled like any posting: one ``void`` posting per ledger document (revision
``undo``, key ``<document's key>:undo``), chained by ``depends_on`` so payments go before their
invoice and refunds before their sale. When the ledger confirms one, ``settle`` moves the
document's postings to ``undone`` in the same transaction, so the order has no live document
and its next reading journals it afresh under a new revision key (and a new document number,
because a voided document keeps its number in the ledger).
"""

from __future__ import annotations

import dataclasses

from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.journal_repo import JournalRepo, PostingRow

UNDO_REVISION = "undo"
UNDONE = "undone"
DOC_NUMBER_MAX = 21  # QuickBooks Online's limit, the tightest of our ledgers


def undo_key(document: PostingRow) -> str:
    """The key of the void that undoes one ledger document (its root posting)."""
    return f"{document.posting_key}:{UNDO_REVISION}"


def is_undo(row: PostingRow) -> bool:
    """Whether a posting is the void of an undo."""
    return row.op == "void" and row.revision == UNDO_REVISION


def document_chain(postings: list[PostingRow], root: PostingRow) -> list[PostingRow]:
    """The postings that shaped one ledger document: its create and the updates of it."""
    if root.op == "payment":
        return [root]
    return [p for p in postings if p.posting_key == root.posting_key
            or (p.op == "update" and p.target_key == root.posting_key)]


def settle(journal: JournalRepo, row: PostingRow) -> None:
    """The ledger confirmed an undo's void: the document's postings are ``undone``.

    Call inside the transaction that journals the void as posted (crash-safe: both or neither).
    """
    if not is_undo(row) or not row.target_key:
        return
    root = journal.get(row.target_key)
    if root is None:
        return
    for posting in document_chain(journal.for_record(row.pair_id, root.record_kind,
                                                     root.source_id), root):
        if posting.state == "posted":
            journal.mark_state(posting.posting_key, UNDONE, f"undone by {row.posting_key}")


def repost_number(doc_number: str, postings: list[PostingRow]) -> str:
    """A document number free in the ledger for a record whose earlier documents were undone.

    The voided document keeps its number (QuickBooks refuses a second one), so the n-th repost
    after an undo carries ``<number>-U<n>``, shortened to fit the ledger's limit.
    """
    undone = sum(1 for p in postings if p.op == "create" and p.state == UNDONE)
    if not undone or not doc_number:
        return doc_number
    suffix = f"-U{undone}"
    return f"{doc_number[:DOC_NUMBER_MAX - len(suffix)]}{suffix}"


def refused_undo(row: PostingRow, problem: RecordProblem) -> RecordProblem:
    """The ledger refused an undo's void: say it is the undo, and offer only what fits it
    (the ledger's own fixes are about posting a change, e.g. "void and repost")."""
    if not is_undo(row):
        return problem
    return dataclasses.replace(
        problem, message=f"Undo of {row.record_kind} {row.record_number}: {problem.message} "
                         "It stays in the books until this is resolved.",
        fixes=[Fix("retry", "Try the undo again (e.g. once the period is reopened)"),
               Fix("ignore", "Keep it in the books")])
