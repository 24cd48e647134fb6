"""Undo from the History page: preview on a worker, ask, void on a worker, progress by signals.

The preview is what the merchant agrees to: the undo itself plans again under the pair's lock
and goes ahead only if that plan voids the very documents previewed (a sync may have posted
more meanwhile; then it stops and says so).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.sync.undo import UNDO_PHASE, UndoPlan, UndoResult
from ecom_ledger_desktop.sync.undo_run import preview_undo, undo


class UndoFlow(QObject):
    """One undo at a time: ``preview`` → confirm dialog → ``progress`` … → ``finished``."""

    busy_changed = Signal(bool)
    progress = Signal(int, int)  # documents voided so far, of how many
    finished = Signal(object)  # UndoResult, or None when nothing was done

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.last_plan: UndoPlan | None = None
        ctx.bridge.progress.connect(self._on_progress)

    def start(self, pair_id: int, *, run_id: int | None = None,
              orders: tuple[str, ...] = ()) -> None:
        """Read what an undo would do, then ask."""
        if self.busy:
            return
        self._set_busy(True)
        self.ctx.tasks.run(partial(preview_undo, run_id=run_id, orders=orders),
                           self.ctx.service, pair_id,
                           on_done=lambda plan: self._ask(pair_id, run_id, orders, plan),
                           on_error=self._failed)

    def _ask(self, pair_id: int, run_id: int | None, orders: tuple[str, ...],
             plan: UndoPlan) -> None:
        self.last_plan = plan
        if not plan.has_work:
            self.ctx.dialogs.inform("Nothing to undo", "\n".join(plan.lines()))
            self._done(None)
            return
        count = len(plan.steps)
        if not self.ctx.dialogs.confirm(
                "Undo in your books?", "\n".join(plan.lines()),
                accept=f"Void {count} document{'s' if count != 1 else ''}" if count else "Go on",
                reject="Keep them"):
            self._done(None)
            return
        wanted = plan.identity()
        same = partial(undo, run_id=run_id, orders=orders,
                       confirm=lambda fresh: fresh.identity() == wanted)
        self.ctx.tasks.run(same, self.ctx.service, pair_id, on_done=self._show_result,
                           on_error=self._failed)

    def _show_result(self, outcome: tuple[UndoPlan, UndoResult | None]) -> None:
        plan, result = outcome
        if result is None:
            self.ctx.dialogs.warn("Nothing was undone",
                                  "Your books changed since the preview (a sync ran). Nothing "
                                  "was voided; choose Undo again to see what it would do now.")
        else:
            lines = result.lines() + [f"NOT undone: order {b.record_number}: {b.reason}"
                                      for b in plan.blocked]
            title = "Undone" if not (result.refused or result.waiting) else "Partly undone"
            self.ctx.dialogs.inform(title, "\n".join(lines))
        self._done(result)

    def _failed(self, error: BaseException) -> None:
        self.ctx.dialogs.warn("Undo", f"The undo could not be done: {error}")
        self._done(None)

    def _on_progress(self, event: OrderProgress) -> None:
        if self.busy and event.phase == UNDO_PHASE:
            self.progress.emit(event.done, event.total)

    def _done(self, result: UndoResult | None) -> None:
        self._set_busy(False)
        self.finished.emit(result)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)
