"""What the merchant does with a reconciliation: export it for the accountant, or re-post a
document deleted or changed by hand in the ledger (or a refund's money paid back, deleted by
hand), through the journal (never a duplicate)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from json import dumps, loads
from pathlib import Path

from ecom_ledger_desktop.connectors.base import ReadBackLedger
from ecom_ledger_desktop.core.errors import LedgerAway
from ecom_ledger_desktop.db._common import iso
from ecom_ledger_desktop.db.journal_repo import PostingRow, request_id_for
from ecom_ledger_desktop.models.ledger import SalesDocument
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import root_key
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.reconcile import (
    CHANGED,
    DELETED,
    MOVED,
    PAYOUT_DELETED,
    Reconciliation,
    compare,
    confirmed_totals,
)
from ecom_ledger_desktop.sync.refund_payout import PAYOUT_KIND

HEADER = ["row", "day", "payment_method", "currency", "records", "gross", "discounts",
          "shipping", "tax", "refunds", "store_net", "ledger_net", "ledger_tax", "difference",
          "record_kind", "number", "reason", "ledger_id"]
KEY_IN_NOTE = re.compile(r"ecom-ledger key: \S+")
REDATED_REACH = timedelta(days=62)


def write_csv(result: Reconciliation, path: Path) -> int:
    """One ``day`` row per day/method/currency, then an ``order`` row per record behind a
    difference, and an ``unplaced`` row per record flagged before it could be posted; returns
    the rows written. Amounts are plain decimals in the row's currency. When the ledger's side
    is not from just now, a ``ledger_read`` row under the header says when it was read."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        if result.as_of is not None:
            out.writerow(["ledger_read", result.as_of.read_at.isoformat(), *[""] * 14,
                          result.read_note(), ""])
            rows += 1
        for line in result.lines:
            fig = line.store
            out.writerow(["day", line.key.day.isoformat(), line.key.method, line.key.currency,
                          fig.records, fig.gross, fig.discounts, fig.shipping, fig.tax,
                          fig.refunds, fig.net, line.ledger_net, line.ledger_tax,
                          line.difference, "", "", "", ""])
            rows += 1
            for finding in line.findings:
                out.writerow(["order", line.key.day.isoformat(), line.key.method,
                              line.key.currency, "", "", "", "", "", "", finding.store_amount,
                              finding.ledger_amount, "", finding.difference,
                              finding.record_kind, finding.number, finding.reason,
                              finding.ledger_id])
                rows += 1
        for finding in result.unplaced:
            out.writerow(["unplaced", "", "", "", "", "", "", "", "", "", "", "", "", "",
                          finding.record_kind, finding.number, finding.reason, ""])
            rows += 1
    return rows


class RepostRefused(Exception):
    """The record cannot be re-posted; the message says why and what to do."""


def repost(ctx: PairContext, ref: str) -> str:
    """Re-post order ``ref`` (its number or store id; a refund as ``refund:NUMBER``) if the
    ledger lost or changed its document; returns what was done, in plain words.

    Deleted: the create posting goes back in flight with a fresh request id, so the dispatch
    asks the ledger for its key first and creates the document only when it is absent.
    Changed: an update posting (its own journal key) brings the document back to the store's
    figures.
    """
    with _pair_locked(ctx):
        return _repost(ctx, ref)


@contextmanager
def _pair_locked(ctx: PairContext) -> Iterator[None]:
    """Hold the pair's run lock: a sync dispatching the same posting meanwhile (in this process
    or another) could post it twice."""
    if not ctx.state.runs.try_lock(ctx.pair.id, "repost"):
        raise RepostRefused("A sync of this pair is running; re-post when it has finished.")
    try:
        yield
    finally:
        ctx.state.runs.unlock(ctx.pair.id)


def _repost(ctx: PairContext, ref: str) -> str:
    rows = _record_rows(ctx, ref)
    posted = [p for p in rows if p.op in ("create", "update") and p.state == "posted"
              and p.ledger_id]
    if not posted:
        raise RepostRefused(f"{ref} has no posted document to re-post; run a sync, or see the "
                            "error queue if it is flagged.")
    last_row = posted[-1]
    document = SalesDocument.model_validate(loads(last_row.payload)["document"])
    if not isinstance(ctx.ledger, ReadBackLedger):
        raise RepostRefused(f"{ctx.ledger_label} cannot be read back, so {ref} cannot be checked "
                            "before re-posting; post it again from the error queue instead.")
    # read around its day too: a document redated by hand is found (and put back), not posted
    # again; one moved further away is "deleted" and the resend adopts it by its key
    first, last = document.txn_date - REDATED_REACH, document.txn_date + REDATED_REACH
    try:
        held = ctx.ledger.documents_between(first, last)
    except LedgerAway as error:
        raise RepostRefused(f"{ref} cannot be checked in {ctx.ledger_label} now: {error}") from None
    lines = compare(rows, held, first, last, confirmed_totals(ctx))
    mine = [f for line in lines for f in line.findings if f.source_id == last_row.source_id]
    reasons = {f.reason for f in mine}
    dispatcher = Dispatcher(ctx, None)
    dispatcher.respect_hold = False  # it puts back a document already let through, as it was
    if DELETED in reasons:
        root = ctx.state.journal.get(root_key(last_row))
        if root is None:
            raise RepostRefused(f"{ref}: its first posting is missing from the journal.")
        with ctx.state.tx():
            ctx.state.journal.resend(root.posting_key, request_id_for(
                f"{root.posting_key}#repost:{iso(ctx.clock.now())}"))
            _audit(ctx, root, "re-post: deleted in the ledger by hand")
        outcome = dispatcher.dispatch(_get(ctx, root.posting_key))
        if last_row.posting_key != root.posting_key and outcome == "posted":
            outcome = dispatcher.dispatch(_update_posting(ctx, last_row, root.posting_key))
        if outcome == "away":
            return (f"{ref}: waits to be posted again when {ctx.ledger_label} is next "
                    "connected (looked up there first, so never posted twice)")
        return f"{ref}: {outcome} again"
    if reasons & {CHANGED, MOVED}:
        outcome = dispatcher.dispatch(_update_posting(ctx, last_row, root_key(last_row)))
        return f"{ref}: brought back to the store's figures ({outcome})"
    lost = {f.ledger_id for f in mine if f.reason == PAYOUT_DELETED}
    if lost:
        return _repost_payouts(ctx, ref, [p for p in rows if p.ledger_id in lost
                                          and p.doc_kind == PAYOUT_KIND], dispatcher)
    return f"{ref}: the ledger holds it as posted; nothing to re-post"


def _repost_payouts(ctx: PairContext, ref: str, payouts: list[PostingRow],
                    dispatcher: Dispatcher) -> str:
    """A refund's money paid back, deleted in the ledger by hand: its pay-out posting sent
    again under a fresh request id (looked up by its key first, as a deleted document is)."""
    outcomes = []
    for payout in payouts:
        with ctx.state.tx():
            ctx.state.journal.resend(payout.posting_key, request_id_for(
                f"{payout.posting_key}#repost:{iso(ctx.clock.now())}"))
            _audit(ctx, payout, "re-post: its money paid back was deleted in the ledger by hand")
        outcomes.append(dispatcher.dispatch(_get(ctx, payout.posting_key)))
    if "away" in outcomes:
        return (f"{ref}: its money paid back waits to be posted again when {ctx.ledger_label} is "
                "next connected (looked up there first, so never posted twice)")
    return f"{ref}: its money paid back {', '.join(outcomes)} again"


def repost_ref(record_kind: str, number: str) -> str:
    """How ``repost`` names a record: an order by its number, a refund as ``refund:NUMBER``
    (a store may number its refunds like its orders)."""
    return number if record_kind == "order" else f"{record_kind}:{number}"


def _record_rows(ctx: PairContext, ref: str) -> list[PostingRow]:
    kinds: tuple[str, ...] = ("order", "refund")
    if ref.startswith("refund:"):
        kinds, ref = ("refund",), ref.removeprefix("refund:")
    for kind in kinds:
        source_id = ctx.state.cursors.find_record(ctx.pair.id, kind, ref)
        if source_id is not None:
            return ctx.state.journal.for_record(ctx.pair.id, kind, source_id)
    raise RepostRefused(f"No order or refund {ref} in this pair; check its number in the store.")


def _get(ctx: PairContext, key: str) -> PostingRow:
    row = ctx.state.journal.get(key)
    assert row is not None
    return row


def _update_posting(ctx: PairContext, last: PostingRow, target: str) -> PostingRow:
    """Journal an update of the document to ``last``'s content under a new key."""
    existing = {p.posting_key for p in ctx.state.journal.for_record(
        ctx.pair.id, last.record_kind, last.source_id)}
    n = 1
    while f"{last.posting_key}.repost{n}" in existing:
        n += 1
    key = f"{last.posting_key}.repost{n}"
    payload = loads(last.payload)
    payload["document"]["private_note"] = KEY_IN_NOTE.sub(
        f"ecom-ledger key: {key}", str(payload["document"].get("private_note", "")))
    with ctx.state.tx():
        ctx.state.journal.enqueue(
            pair_id=ctx.pair.id, posting_key=key, op="update", doc_kind=last.doc_kind,
            record_kind=last.record_kind, source_id=last.source_id,
            record_number=last.record_number, revision=last.revision, payload=dumps(payload),
            amount=last.amount, target_key=target, run_id=None)
        _audit(ctx, last, f"re-post: update journaled as {key}")
    return _get(ctx, key)


def _audit(ctx: PairContext, row: PostingRow, detail: str) -> None:
    ctx.state.runs.audit("reposted", pair_id=ctx.pair.id, run_id=None,
                         record_kind=row.record_kind, source_id=row.source_id,
                         posting_key=row.posting_key, detail=detail)
