"""Undo from the History page on real widgets: preview dialog, progress signals, post again."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from ecom_ledger_desktop.app.models._table import ROW_ROLE
from ecom_ledger_desktop.app.views.history import HistoryPage

from .conftest import WAIT_MS


def _synced_page(qtbot, make_shell):
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    page = h.shell.window.pages["history"]
    assert isinstance(page, HistoryPage)
    h.shell.window.show_page("history")
    qtbot.waitUntil(lambda: page.runs_model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    return h, page


def _undo_postings(h) -> list[str]:
    state = h.ctx.service.open_state()
    try:
        return [p.posting_key for pair in state.connections.pairs()
                for p in state.journal.all(pair.id) if p.revision == "undo"]
    finally:
        state.close()


def test_declining_the_preview_changes_nothing(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    h.dialogs.answers = [False]
    assert page.undo_run_button.isEnabled()
    with qtbot.waitSignal(page.undo.finished, timeout=WAIT_MS) as done:
        page.undo_run_button.click()
    assert done.args == [None]
    [preview] = h.dialogs.texts("confirm")
    assert preview.startswith("Will void in") and "Sales Receipt 000000001" in preview
    assert _undo_postings(h) == []
    assert page.undo_run_button.isEnabled()


def test_undo_a_run_shows_progress_then_an_order_is_posted_again(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    steps: list[tuple[int, int]] = []
    page.undo.progress.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitSignal(page.undo.finished, timeout=60_000) as done:
        page.undo_run_button.click()
        assert not page.undo_run_button.isEnabled(), "one undo at a time"
    result = done.args[0]
    assert result is not None and result.undone
    assert steps and steps[-1][0] == steps[-1][1], steps
    [summary] = [t for t in h.dialogs.texts("inform")]
    assert "Voided:" in summary

    page.order_search.setText("000000010")
    page.order_button.click()
    qtbot.waitUntil(lambda: "undone" in page.order_result.text(), timeout=WAIT_MS)
    assert page.repost_button.isVisibleTo(page) and not page.undo_order_button.isVisibleTo(page)
    page.repost_button.click()
    qtbot.waitUntil(lambda: "order 000000010: posted" in page.undo_status.text(),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "posted as" in page.order_result.text(), timeout=WAIT_MS)
    assert page.undo_order_button.isVisibleTo(page) and not page.repost_button.isVisibleTo(page)


def test_undo_the_selected_orders_only(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    assert not page.undo_selected_button.isEnabled(), "nothing selected yet"
    proxy = page.events_table.model()
    posted_rows = [r for r in range(proxy.rowCount())
                   if proxy.index(r, 0).data(ROW_ROLE).event == "posted"][:2]
    selection = page.events_table.selectionModel()
    for r in posted_rows:
        selection.select(proxy.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    chosen = {proxy.index(r, 0).data(ROW_ROLE).record for r in posted_rows}
    assert page.undo_selected_button.isEnabled()
    with qtbot.waitSignal(page.undo.finished, timeout=WAIT_MS) as done:
        page.undo_selected_button.click()
    [preview] = h.dialogs.texts("confirm")
    listed = {line.split("(order ")[1].split(",")[0] for line in preview.splitlines()
              if "(order " in line}
    assert listed == chosen
    assert len(done.args[0].undone) == len(chosen)
