"""An undo as a user asks for it: under the pair's run lock, preview first, then confirm.

Shared by the CLI and the desktop app: ``preview_undo`` only reads; ``undo`` plans again under
the lock (the journal may have moved since the preview), asks ``confirm`` with that plan, and
carries it out. ``post_again`` posts undone orders once more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.sync.summary_journal import post_day_again
from ecom_ledger_desktop.sync.undo import UndoPlan, UndoResult, carry_out, plan_undo, repost_orders

BUSY = ("a sync of this pair is running; undo after it has finished (nothing was changed)")


def _lock(ctx: PairContext, what: str) -> None:
    """Take the pair's run lock, or refuse while a sync (here or in another process) holds it."""
    if not ctx.state.runs.try_lock(ctx.pair.id, what):
        raise SyncError(BUSY.replace("undo", what))


def order_ids(ctx: PairContext, refs: Iterable[str]) -> list[str]:
    """Store ids of orders named by number or store id; an unknown one is refused by name."""
    found: list[str] = []
    for ref in refs:
        source_id = ctx.state.cursors.find_record(ctx.pair.id, "order", ref)
        if source_id is None:
            raise SyncError(f"order {ref} is not known to this pair; check the number "
                            "(nothing was changed)")
        found.append(source_id)
    return found


def preview_undo(service: SyncService, pair_ref: int | str, *, run_id: int | None = None,
                 orders: Iterable[str] = ()) -> UndoPlan:
    """What an undo would do; changes nothing."""
    with service.context(pair_ref) as ctx:
        return plan_undo(ctx, run_id=run_id, order_ids=order_ids(ctx, orders))


def undo(service: SyncService, pair_ref: int | str, *, run_id: int | None = None,
         orders: Iterable[str] = (),
         confirm: Callable[[UndoPlan], bool] = lambda plan: True
         ) -> tuple[UndoPlan, UndoResult | None]:
    """Plan under the run lock, ask ``confirm``, then void; (plan, None) when declined."""
    with service.context(pair_ref) as ctx:
        _lock(ctx, "undo")
        try:
            plan = plan_undo(ctx, run_id=run_id, order_ids=order_ids(ctx, orders))
            if not plan.has_work or not confirm(plan):
                return plan, None
            return plan, carry_out(ctx, plan)
        finally:
            ctx.state.runs.unlock(ctx.pair.id)


def _summary_again(ctx: PairContext, number: str) -> str | None:
    """Post an undone daily summary's day again (None: ``number`` is no summary's)."""
    with ctx.state.tx():
        day = post_day_again(ctx, number)
    if day is None:
        return None
    dispatcher = Dispatcher(ctx, None)
    sent = [dispatcher.dispatch(row) for row in ctx.state.journal.open_postings(ctx.pair.id)
            if row.record_kind == "summary" and row.source_id.startswith(f"{day}|")]
    if dispatcher.held:  # the pair holds its runs: it goes once the merchant approves it
        return dispatcher.held_words()
    # a ledger that calls in (the Web Connector) posts it at its next update: say so
    said = [dispatcher.waiting_words() if outcome == "away" else outcome for outcome in sent]
    return ", ".join(dict.fromkeys(said)) if said else "not undone: nothing to post again"


def post_again(service: SyncService, pair_ref: int | str,
               orders: Iterable[str]) -> dict[str, str]:
    """Post undone orders again, each once; order reference -> outcome."""
    with service.context(pair_ref) as ctx:
        _lock(ctx, "post again")
        try:
            refs = list(orders)
            days = {ref: _summary_again(ctx, ref) for ref in refs}  # daily summaries by number
            refs = [ref for ref in refs if days[ref] is None]
            if not refs:
                return {ref: str(outcome) for ref, outcome in days.items()}
            ids = order_ids(ctx, refs)
            outcomes = repost_orders(ctx, ids)
            return {**{ref: str(outcome) for ref, outcome in days.items() if outcome is not None},
                    **{ref: outcomes[sid] for ref, sid in zip(refs, ids, strict=True)}}
        finally:
            ctx.state.runs.unlock(ctx.pair.id)
