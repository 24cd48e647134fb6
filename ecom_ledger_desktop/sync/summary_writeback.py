"""The store-order note of summary posting: once a day's summary is in the books, each order in
it is noted "Posted to <ledger> in the daily summary S261112-6bc", as a per-order document's
order is noted with its own document (rule ``write_back_comment``)."""

from __future__ import annotations

import logging

from ecom_ledger_desktop.core.errors import FatalError, RetriableError
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.summary_journal import IN_SUMMARY

log = logging.getLogger(__name__)


def write_back_summaries(ctx: PairContext, run_id: int | None) -> int:
    """Note every order of each posted, not yet noted summary; returns how many orders were
    noted. Stops (the rest waits for the next run) when the store cannot be written now."""
    state, pair_id = ctx.state, ctx.pair.id
    noted = 0
    posted = [row for row in state.journal.by_state(pair_id, "posted")
              if row.record_kind == "summary" and row.op in ("create", "update")
              and not row.writeback_done]
    for summary in posted:
        note = (f"Posted to {ctx.ledger_label} in the daily summary "
                f"{summary.ledger_doc_number or summary.record_number} (id {summary.ledger_id}).")
        for kind, source_id in loads(summary.payload).get("members", []):
            if kind != "order":
                continue
            rows = [r for r in state.journal.for_record(pair_id, kind, source_id)
                    if r.state == IN_SUMMARY and r.op in ("create", "update")]
            if not rows or rows[-1].writeback_done:
                continue
            try:
                ctx.store.write_back(source_id, note)
            except (RetriableError, FatalError) as error:
                log.warning("write-back for %s deferred: %s", rows[-1].record_number, error)
                return noted
            with state.tx():
                state.journal.mark_written_back(rows[-1].posting_key)
                state.runs.audit("written_back", pair_id=pair_id, run_id=run_id,
                                 record_kind="order", source_id=source_id,
                                 posting_key=rows[-1].posting_key, detail=note)
            noted += 1
        with state.tx():
            state.journal.mark_written_back(summary.posting_key)
    return noted
