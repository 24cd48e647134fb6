"""The History page against the demo simulators: runs, a run's events, an order's journey."""

from __future__ import annotations

import threading

from ecom_ledger_desktop.app.views.history import HistoryPage
from ecom_ledger_desktop.app.views.history_events import RunEventsModel, detail_words
from ecom_ledger_desktop.app.views.history_work import posted_documents, read_order

from .conftest import WAIT_MS


def _synced_page(qtbot, make_shell):
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as finished:
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    page = h.shell.window.pages["history"]
    assert isinstance(page, HistoryPage)
    h.shell.window.show_page("history")
    qtbot.waitUntil(lambda: page.runs_model.rowCount() == 1, timeout=WAIT_MS)
    return h, page, finished.args[0]


def test_the_run_is_listed_with_its_counts_and_events(qtbot, make_shell) -> None:
    _h, page, run = _synced_page(qtbot, make_shell)
    model = page.runs_model
    texts = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert texts[1] and texts[2] == "Sync now" and texts[3] == "Done, needs you"
    assert texts[5] == str(run.posted) and texts[6] == str(run.flagged)
    assert texts[0].startswith("today") and texts[8].endswith("s")
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    heading = page.events_card.heading.text()
    assert heading.startswith("Sync now, today") and f"{run.posted} posted" in heading
    events = page.events_model.rows()
    assert {"posted", "flagged"} <= {e.event for e in events}
    assert any(e.event == "posted" and e.doc_number for e in events)
    assert "Double-click" in page.run_summary.text()


def test_an_order_shows_its_journey_and_document_number(qtbot, make_shell) -> None:
    _h, page, _run = _synced_page(qtbot, make_shell)
    page.order_search.setText("000000010")
    page.order_button.click()
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() > 0, timeout=WAIT_MS)
    timeline = page.timeline_model.timeline
    assert timeline is not None and timeline.number == "000000010"
    steps = [e.event for e in page.timeline_model.rows()]
    assert steps[0] == "downloaded" and "posted" in steps
    [number] = timeline.documents
    model = page.timeline_model
    posted_row = steps.index("posted")
    assert model.data(model.index(posted_row, model.COL_DOCUMENT)) == number
    result = page.order_result.text()
    assert "posted as" in result and number in result and "QuickBooks Id" in result


def test_a_flagged_order_and_partial_numbers(qtbot, make_shell) -> None:
    h, page, _run = _synced_page(qtbot, make_shell)
    page.order_search.setText("000000026")  # GIFT-WRAP: flagged, not posted
    page.order_search.returnPressed.emit()
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() > 0, timeout=WAIT_MS)
    assert "not in your books yet" in page.order_result.text()
    assert "Error queue" in page.order_result.text()
    page.order_result.linkActivated.emit("#errors")
    assert h.shell.window.current_key == "errors"
    h.shell.window.show_page("history")
    assert "Flagged for you" in [e.label for e in page.timeline_model.rows()]
    page.order_search.setText("00002")  # several orders contain it: links to each
    page.order_button.click()
    qtbot.waitUntil(lambda: "Several orders match" in page.order_result.text(), timeout=WAIT_MS)
    assert not page.timeline_table.isVisible()
    page.order_result.linkActivated.emit("000000021")
    qtbot.waitUntil(lambda: page.timeline_model.timeline is not None
                    and page.timeline_model.timeline.number == "000000021", timeout=WAIT_MS)
    page.order_search.setText("nope")
    page.order_button.click()
    qtbot.waitUntil(lambda: "No order numbered nope" in page.order_result.text(),
                    timeout=WAIT_MS)


def test_double_clicking_an_event_follows_its_order(qtbot, make_shell) -> None:
    _h, page, _run = _synced_page(qtbot, make_shell)
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    row = next(i for i, e in enumerate(page.events_model.rows()) if e.event == "posted")
    page.events_table.doubleClicked.emit(page.events_model.index(row, 0))
    record = page.events_model.row_at(row).record
    qtbot.waitUntil(lambda: page.timeline_model.timeline is not None
                    and page.timeline_model.timeline.number == record, timeout=WAIT_MS)


def test_a_new_user_sees_what_the_page_is_for(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    page = h.shell.window.pages["history"]
    h.shell.window.show_page("history")
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT_MS)
    assert page.empty.isVisible() and not page.runs_card.isVisible()
    assert not page.order_card.isVisible()


def test_posted_documents_mark_voided_ones(demo) -> None:
    service = demo.service
    pair_id = service.pairs()[0].id
    service.run_pair(pair_id)
    lookup = read_order(service, pair_id, "000000010")
    assert lookup.timeline is not None and len(lookup.documents) == 1
    doc = lookup.documents[0]
    assert doc.number == lookup.timeline.documents[0] and doc.ledger_id and not doc.voided
    assert posted_documents([]) == []


def test_history_never_touches_the_database_on_the_gui_thread(qtbot, make_shell, db_opened_on) -> None:
    h, page, _run = _synced_page(qtbot, make_shell)
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    page.order_search.setText("000000010")
    page.order_button.click()
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    assert db_opened_on
    assert threading.main_thread() not in db_opened_on


def test_the_step_filter_and_details_in_words(qtbot, make_shell) -> None:
    _h, page, run = _synced_page(qtbot, make_shell)
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    everything = page.events_proxy.rowCount()
    page.step_filter.setCurrentIndex(2)  # Flagged for you
    assert page.events_proxy.rowCount() == run.flagged < everything
    flagged = page.events_proxy.index(0, RunEventsModel.COL_DETAIL).data()
    assert not flagged.startswith(("unmapped_sku", "duplicate_customer", "Order ")), flagged
    page.step_filter.setCurrentIndex(0)
    assert page.events_proxy.rowCount() == everything
    queued = next(e for e in page.events_model.rows() if "sales_receipt" in e.detail)
    assert "sales receipt" in detail_words(queued) and "_" not in detail_words(queued)


def test_a_long_sync_heading_wraps_instead_of_widening_the_page(qtbot, make_shell) -> None:
    """At the window's usual size the page needs no sideways scrolling: the chosen sync's heading
    ("Sync now, today 05:52 — done, needs you: 164 fetched, …") wraps."""
    _h, page, _run = _synced_page(qtbot, make_shell)
    qtbot.waitUntil(lambda: page.events_model.rowCount() > 0, timeout=WAIT_MS)
    heading = page.events_card.heading
    heading.setText(heading.text() + ", 1 awaiting payment, 3 refunds read, 2 stock levels sent")
    assert page.events_card.minimumSizeHint().width() < 900, "the heading must not set the width"
