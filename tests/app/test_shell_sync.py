"""Sync now against the demo simulators: off the GUI thread, with progress and notifications."""

from __future__ import annotations

import threading

from ecom_ledger_desktop.app.icons import ATTENTION, IDLE, SYNCING
from ecom_ledger_desktop.app.notifier import ERROR_QUEUE_PAGE
from ecom_ledger_desktop.core.events import OrderProgress, RunStarted

from .conftest import WAIT_MS


def test_sync_now_runs_off_the_gui_thread_and_reports_back(qtbot, make_shell) -> None:
    h = make_shell()
    shell = h.shell
    assert shell.tray.icon_state == IDLE
    with qtbot.waitSignal(shell.status.run_completed, timeout=WAIT_MS) as finished:
        shell.tray.sync_action.trigger()
        assert shell.tray.icon_state == SYNCING  # at once, before the worker even starts
    run = finished.args[0]
    assert run.status == "flagged" and run.posted > 0 and run.flagged > 0
    assert h.run_threads and all(t is not threading.main_thread() for t in h.run_threads)
    qtbot.waitUntil(lambda: shell.tray.icon_state == ATTENTION, timeout=WAIT_MS)
    assert any("need your attention" in line for line in shell.status.status_lines())
    assert shell.window.nav.badge("errors") == run.flagged


def test_no_database_work_on_the_gui_thread(qtbot, make_shell, db_opened_on) -> None:
    """Every State the app opens — status, dashboard, sync — is opened on a worker thread."""
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    h.shell.window.show_page("settings")
    h.shell.window.show_page("dashboard")
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    assert db_opened_on
    assert threading.main_thread() not in db_opened_on


def test_progress_bar_follows_order_progress(qtbot, make_shell) -> None:
    h = make_shell()
    pair_id = h.shell.status.snapshot.pairs[0].id
    card = h.shell.window.pages["dashboard"].cards[pair_id]
    assert card.progress_row.isHidden()
    bridge = h.ctx.bridge
    bridge.forward(RunStarted(run_id=991, pair_id=pair_id, trigger="manual"))
    assert not card.progress_row.isHidden()
    assert card.progress.maximum() == 0  # reading the store: a moving bar
    bridge.forward(OrderProgress(run_id=991, done=12, total=33, eta_seconds=20.4))
    assert (card.progress.value(), card.progress.maximum()) == (12, 33)
    assert card.progress.text() == "Posting 12 of 33"
    assert card.eta_label.text() == "about 20 s left"
    assert not card.sync_button.isEnabled()
    assert h.shell.tray.status_actions[0].text() == "Syncing: 12 of 33 records"


def test_progress_from_a_real_run_reaches_the_bar(qtbot, make_shell) -> None:
    h = make_shell()
    pair_id = h.shell.status.snapshot.pairs[0].id
    card = h.shell.window.pages["dashboard"].cards[pair_id]
    seen: list[tuple[int, int]] = []
    h.shell.status.progress_changed.connect(
        lambda _pair: seen.append((card.progress.value(), card.progress.maximum())))
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        card.sync_button.click()
    determinate = [(value, maximum) for value, maximum in seen if maximum]
    assert determinate and all(0 <= value <= maximum for value, maximum in determinate)
    assert any(value == maximum for value, maximum in determinate)  # the bar reached its end
    qtbot.waitUntil(card.progress_row.isHidden, timeout=WAIT_MS)
    assert card.sync_button.isEnabled()


def test_flagged_run_notifies_and_the_click_opens_the_error_queue(qtbot, make_shell) -> None:
    h = make_shell()
    h.shell.window.show_page("settings")
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as finished:
        h.shell.sync_all()
    flagged = finished.args[0].flagged
    qtbot.waitUntil(lambda: bool(h.notes), timeout=WAIT_MS)
    note = h.notes[0]
    assert note.title == f"{flagged} records need your attention"
    assert note.page == ERROR_QUEUE_PAGE
    h.shell.tray.actions.open_page(note.page)  # what a click on the balloon does
    assert h.shell.window.current_key == "errors"
    assert h.shell.window.isVisible()


def test_a_clean_run_is_quiet(qtbot, make_shell) -> None:
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as second:
        h.shell.sync_all()  # nothing new: posts nothing, flags nothing
    assert second.args[0].flagged == 0
    assert len(h.notes) == 1  # only the first run's flagged records


def test_notifications_off_means_silence(qtbot, make_shell) -> None:
    h = make_shell(notifications=False)
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    assert h.notes == []
