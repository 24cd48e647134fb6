"""Why a record's ledger amount differs from the store's, in the words the merchant reads (the
reconciliation's findings, ``sync/reconcile.py``)."""

from __future__ import annotations

import shlex
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import LedgerRecord
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.refund_payout import PAYOUT_KIND, live_payout
from ecom_ledger_desktop.sync.undo_journal import UNDONE

ROUNDING = Decimal("0.01")
DELETED = "deleted in the ledger by hand"
CHANGED = "changed in the ledger by hand"
VOIDED = "voided in the ledger by hand"
MOVED = "redated in the ledger by hand"
IN_NEXT_SUMMARY = "waits for its day's summary (posted once the day is over)"
VOID_WAITING = "cancelled in the store; its void is not posted yet"
UNVOIDED = "cancelled and voided, but live again in the ledger: void it there"
HAND_MADE = "posted by hand in the ledger"
FLAGGED = "flagged: waiting for you in the error queue"
WAITING = "not posted yet (waiting for the next run)"
HELD = "held for your approval: posted once you approve it on the Preview page"
EDITED = "edited in the store after posting; the new version is not posted yet"
IGNORED = "ignored by you"
ROUNDED = "rounding"
RECALCULATED = "the ledger computed another total when it was posted (usually tax): see the error queue"
UNREAD = "flagged before it could be posted: its day and amount are not known"
UNDONE_BY_YOU = "undone by you"  # the start of ``undone_words``
PAYOUT_DELETED = ("its money paid back is missing in the ledger (deleted by hand): the customer "
                  "is left with an open credit")
PAYOUT_VOIDED = ("its money paid back was voided in the ledger by hand: the customer is left with "
                 "an open credit; pay it back there, or undo and post the order again")
#: findings about a refund's pay-out: its day's sales figures agree, the receivables do not
OFF_NET = frozenset({PAYOUT_DELETED, PAYOUT_VOIDED})
REPOSTABLE = frozenset({DELETED, CHANGED, MOVED, PAYOUT_DELETED})


def payout_reasons(rows: list[PostingRow], payouts: dict[str, LedgerRecord]
                   ) -> list[tuple[str, PostingRow]]:
    """A record's live pay-outs that the ledger (``payouts``: its read-back pay-outs by id) no
    longer holds as paid: deleted or voided by hand."""
    out: list[tuple[str, PostingRow]] = []
    for row in rows:
        if not live_payout(row, rows) or not row.ledger_id:
            continue
        held = payouts.get(row.ledger_id)
        if held is None or held.voided:
            out.append((PAYOUT_DELETED if held is None else PAYOUT_VOIDED, row))
    return out


def undone_words(number: str, pair_name: str, refund: bool = False) -> str:
    """An order the merchant undid (per order, or taken out of its day's summary): out of the
    books on purpose until they post it again, and how (a refund: with its order ``number``)."""
    command = (f"`ecom-ledger post-again {shlex.quote(pair_name or 'PAIR')} --order "
               f"{shlex.quote(number)}` or the History page")
    if refund:
        return f"{UNDONE_BY_YOU} with order {number}: post the order again with {command}"
    return f"{UNDONE_BY_YOU}: post it again with {command}"


def why(latest: PostingRow, posted: PostingRow | None, doc: LedgerRecord | None,
        cancelled: bool, rows: list[PostingRow], confirmed: Decimal | None,
        pair_name: str = "", order_number: str = "") -> str:
    """The reason for one record whose ledger amount is not the store's (``order_number``: a
    refund's order)."""
    if posted is None:
        if latest.state == UNDONE:
            refund = latest.record_kind == "refund"
            return undone_words(order_number if refund and order_number
                                else latest.record_number, pair_name, refund)
        return {"flagged": FLAGGED, "ignored": IGNORED}.get(latest.state, WAITING)
    if doc is None:
        if cancelled:
            return WAITING  # the void is still to be sent
        return DELETED
    if cancelled and not doc.voided:
        void = next(p for p in reversed(rows) if p.op == "void" and p.doc_kind != PAYOUT_KIND)
        return VOID_WAITING if void.state != "posted" else UNVOIDED
    if doc.voided:
        return VOIDED
    if confirmed is not None and doc.total != confirmed:
        return CHANGED  # not what the ledger answered when it was posted
    if posted.amount is not None and doc.total != posted.amount:
        if abs(doc.total - posted.amount) <= ROUNDING:
            return ROUNDED
        return RECALCULATED if confirmed is not None else CHANGED
    if latest.id != posted.id or cancelled:
        return FLAGGED if latest.state == "flagged" else EDITED
    return ROUNDED
