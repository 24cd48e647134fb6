"""What becomes of a journaled posting once the ledger has answered: confirmed (posted, or
adopted after a lost answer, its total compared with the store's), flagged for a person (a
stale remembered reference forgotten), unsettled (the look-up of an unconfirmed send failed), or
waiting. Each outcome is journaled, audited and put in the error queue in one transaction.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import PostedRef
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.core.events import Posted
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.undo_journal import refused_undo
from ecom_ledger_desktop.sync.undo_journal import settle as settle_undo

MAX_CONSECUTIVE_FAILURES = 3
# ledger answers meaning "a referenced customer/item is gone": remembered ids must be re-resolved
STALE_REFERENCE_CODES = ("inactive_reference", "invalid_reference")


class PostingOutcomes:
    """Journals a posting's outcome for one pair's run (``posting.Dispatcher`` is one)."""

    ctx: PairContext
    run_id: int | None

    def _confirm(self, row: PostingRow, ref: PostedRef, adopted: bool,
                 problem: RecordProblem | None = None) -> None:
        state = self.ctx.state
        label = self.ctx.document_label(row.doc_kind)
        mismatch = (row.op in ("create", "update") and ref.total is not None
                    and row.amount is not None and ref.total != row.amount)
        if mismatch and problem is None:
            problem = RecordProblem(
                "total_mismatch",
                f"{label} {ref.doc_number or ref.ledger_id} for {row.record_number} totals "
                f"{ref.total} in {self.ctx.ledger_label} but {row.amount} in the store; the ledger "
                "recalculated it (usually tax).",
                fixes=[Fix("void_and_repost", "Void it and post it again"),
                       Fix("ignore", "Accept the difference")])
        with state.tx():
            state.journal.mark_posted(row.posting_key, ref.ledger_id, ref.doc_number,
                                      ref.sync_token, ref.total)
            settle_undo(state.journal, row)  # an undo's void: its document is undone now
            state.errors.close_for_record(self.ctx.pair.id, row.record_kind, row.source_id,
                                          f"posted as {label} {ref.doc_number or ref.ledger_id}")
            state.runs.audit("adopted" if adopted else "posted", pair_id=self.ctx.pair.id,
                             run_id=self.run_id, record_kind=row.record_kind,
                             source_id=row.source_id, posting_key=row.posting_key,
                             detail=f"{row.op} {label} {ref.doc_number or ''} id {ref.ledger_id}"
                                    f" total {ref.total}")
            if problem is not None:
                state.errors.flag(pair_id=self.ctx.pair.id, record_kind=row.record_kind,
                                  source_id=row.source_id, record_ref=row.record_number,
                                  posting_key=row.posting_key, problem=problem)
        self.ctx.events.publish(Posted(self.run_id or 0, row.record_number,
                                       row.doc_kind, ref.doc_number,
                                       ref.total if isinstance(ref.total, Decimal) else None))

    def _flag(self, row: PostingRow, problem: RecordProblem) -> str:
        state = self.ctx.state
        problem = refused_undo(row, problem)
        if row.record_number and row.record_number not in problem.message:
            # a rejection met while preparing (e.g. creating the customer) still names the order
            what = "Order" if row.record_kind == "order" else row.record_kind.capitalize()
            problem = dataclasses.replace(
                problem, message=f"{what} {row.record_number}: {problem.message}")
        with state.tx():
            if problem.code in STALE_REFERENCE_CODES:
                self._forget_refs(row)
            state.journal.rotate_request_id(row.posting_key)
            state.journal.mark_state(row.posting_key, "flagged", problem.message)
            state.errors.flag(pair_id=self.ctx.pair.id, record_kind=row.record_kind,
                              source_id=row.source_id, record_ref=row.record_number,
                              problem=problem, posting_key=row.posting_key)
            state.runs.audit("flagged", pair_id=self.ctx.pair.id, run_id=self.run_id,
                             record_kind=row.record_kind, source_id=row.source_id,
                             posting_key=row.posting_key,
                             detail=f"{problem.code}: {problem.message}")
        return "flagged"

    def _unsettled(self, row: PostingRow, problem: RecordProblem) -> str:
        """The look-up of an unconfirmed send failed: say so, keep it ``sending`` and its id.

        Not a rejection: the write may have landed, so the posting is neither flagged nor given
        a new request id; the next run or a retry looks it up again before anything is sent.
        """
        label = self.ctx.document_label(row.doc_kind)
        what = "Order" if row.record_kind == "order" else row.record_kind.capitalize()
        unknown = RecordProblem(
            "outcome_unknown",
            f"{what} {row.record_number}: its {label} was sent to {self.ctx.ledger_label} but the "
            "answer was lost, and looking it up there failed "
            f"({problem.message.rstrip('.')}). It is kept as sent and looked up again on the "
            "next run or when you retry; it is never sent twice.",
            fixes=[Fix("retry", "Look it up again now")], detail=problem.detail)
        state = self.ctx.state
        with state.tx():
            state.journal.note_error(row.posting_key, unknown.message)
            state.errors.flag(pair_id=self.ctx.pair.id, record_kind=row.record_kind,
                              source_id=row.source_id, record_ref=row.record_number,
                              problem=unknown, posting_key=row.posting_key)
            state.runs.audit("uncertain", pair_id=self.ctx.pair.id, run_id=self.run_id,
                             record_kind=row.record_kind, source_id=row.source_id,
                             posting_key=row.posting_key, detail=unknown.message)
        return "flagged"

    def _forget_refs(self, row: PostingRow) -> None:
        """The ledger no longer knows a remembered id: resolve this posting's references afresh."""
        payload = payload_of(row)
        refs, ledger_conn = self.ctx.state.ledger_refs, self.ctx.pair.ledger_id
        customer = payload.get("customer")
        if isinstance(customer, dict):
            refs.forget(ledger_conn, "customer", str(customer.get("key")))
        for item in payload.get("items", []) or []:  # type: ignore[attr-defined]
            refs.forget(ledger_conn, "item", str(item.get("key")))

    def _wait(self, row: PostingRow, why: str) -> str:
        if row.last_error != why:
            with self.ctx.state.tx():
                self.ctx.state.journal.note_error(row.posting_key, why)
        return "waiting"

    # the batch phase (and an undo's retire postings) share these steps
    def wait(self, row: PostingRow, why: str) -> str:
        """A posting waits for another, saying why."""
        return self._wait(row, why)

    def flag(self, row: PostingRow, problem: RecordProblem) -> str:
        """Flag a posting for a person."""
        return self._flag(row, problem)

    def confirm(self, row: PostingRow, ref: PostedRef, adopted: bool,
                problem: RecordProblem | None = None) -> None:
        """Journal a posting as done (flagging it too when ``problem``)."""
        self._confirm(row, ref, adopted, problem)


def payload_of(row: PostingRow) -> dict[str, object]:
    """The decoded journal payload of a posting."""
    value = json.loads(row.payload)
    assert isinstance(value, dict)
    return value
