"""The Preview page against the demo simulators: the exact preview, then approving held orders."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from ecom_ledger_desktop.app.views.preview_page import PreviewPage

from .conftest import WAIT_MS


def _previewed(qtbot, h) -> PreviewPage:  # type: ignore[no-untyped-def]
    h.shell.window.show_page("preview")
    page = h.shell.window.pages["preview"]
    assert isinstance(page, PreviewPage)
    qtbot.waitUntil(lambda: page.pair_box.count() == 1, timeout=WAIT_MS)
    page.preview = None
    page.preview_button.click()
    qtbot.waitUntil(lambda: page.preview is not None and not page.busy, timeout=WAIT_MS)
    return page


def test_the_page_shows_every_document_with_its_lines_and_changes_nothing(
        qtbot, make_shell, demo, db_opened_on) -> None:  # type: ignore[no-untyped-def]
    h = make_shell()
    db_opened_on.clear()
    before = demo.ledger_sim.stats()
    page = _previewed(qtbot, h)
    seen = page.preview
    assert seen is not None and seen.documents
    tree = page.documents
    assert tree.topLevelItemCount() == len(seen.documents)
    first = tree.topLevelItem(0)
    assert first.text(0) == seen.documents[0].record_number
    assert first.childCount() == len(seen.documents[0].lines) > 0
    assert seen.documents[0].currency in first.text(4)
    line = first.child(0)  # a line's amount and tax carry their currency too
    assert line.text(4).endswith(seen.documents[0].currency), line.text(4)
    assert line.text(5).split(" (")[0].endswith(seen.documents[0].currency), line.text(5)
    assert page.totals.rowCount() == len(seen.totals()) > 0
    assert page.totals.item(0, 2).text() == seen.totals()[0].currency
    assert "Customer" in page.creates.text()
    assert "Nothing was changed" in page.summary.text()
    assert not page.approve_all_button.isVisible()  # this pair posts automatically
    after = demo.ledger_sim.stats()
    assert all(after[k] == before[k] for k in ("create", "update", "batch", "void"))
    assert db_opened_on and threading.main_thread() not in db_opened_on, "never on the GUI thread"


def test_held_orders_are_approved_from_the_page_and_then_posted(
        qtbot, make_shell, demo) -> None:  # type: ignore[no-untyped-def]
    state = demo.service.open_state()
    try:
        [pair] = state.connections.pairs()
        with state.tx():
            state.connections.save_rules(pair.id, pair.rules.model_copy(
                update={"posting_approval": "hold"}))
    finally:
        state.close()
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as held_run:
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    assert held_run.args[0].posted == 0  # held, not posted
    page = _previewed(qtbot, h)
    seen = page.preview
    assert seen is not None and seen.holding and seen.held()
    words = page.summary.text()  # the held run journaled them: none new, not "0 records read"
    assert "waiting to be posted, none new from the store since the last sync)" in words, words
    assert "records read" not in words
    assert page.approve_all_button.isVisible() and page.approve_selected_button.isEnabled()
    first = page.documents.topLevelItem(0)
    chosen = seen.documents[0]
    assert first.text(0) == chosen.record_number and chosen.record_kind == "order"
    first.setCheckState(0, Qt.CheckState.Checked)
    page.preview = None
    page.approve_selected_button.click()
    qtbot.waitUntil(lambda: page.preview is not None and not page.busy, timeout=WAIT_MS)
    approved = [d for d in page.preview.documents if d.approved]
    assert [d.posting_key for d in approved] == [chosen.posting_key]
    assert page.documents.topLevelItem(0).text(6) in ("approved", "held")
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as posting_run:
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    assert posting_run.args[0].posted == 1
    page.preview = None
    page.run_preview()
    qtbot.waitUntil(lambda: page.preview is not None and not page.busy, timeout=WAIT_MS)
    assert chosen.posting_key not in {d.posting_key for d in page.preview.documents}
    assert len(page.preview.documents) == len(seen.documents) - 1  # the rest still held
    page.approve_all_button.click()
    qtbot.waitUntil(lambda: page.preview is not None and not page.preview.held(),
                    timeout=WAIT_MS)


def test_the_page_says_when_the_books_lists_were_read(
        qtbot, make_shell) -> None:  # type: ignore[no-untyped-def]
    from ecom_ledger_desktop.sync.preview_model import Preview

    h = make_shell()
    page = h.shell.window.pages["preview"]
    assert isinstance(page, PreviewPage)
    said = ("QuickBooks Desktop as read at 14:02 on 7 Dec (the Web Connector's last update); "
            "the next update reads it again.")
    page._show_preview(Preview(1, "shop-desk", ledger_read=said))
    assert f"Customers and items matched against {said}" in page.summary.text()
    page._show_preview(Preview(1, "shop-desk"))
    assert "matched against" not in page.summary.text()
