"""Closing, quitting and the single instance."""

from __future__ import annotations

import uuid

from ecom_ledger_desktop.app.shell import FINISHING
from ecom_ledger_desktop.app.single_instance import SingleInstance, instance_key

from .conftest import WAIT_MS


def test_closing_the_window_hides_it_when_there_is_a_tray(qtbot, make_shell) -> None:
    h = make_shell(tray=True)
    window = h.shell.window
    assert window.isVisible()
    window.close()
    assert not window.isVisible()
    assert not h.shell.quitting and h.quits == []
    assert h.dialogs.texts("confirm") == []
    h.shell.tray.open_action.trigger()
    assert window.isVisible()


def test_without_a_tray_closing_asks_then_quits(qtbot, make_shell) -> None:
    h = make_shell(tray=False)
    window = h.shell.window
    h.dialogs.answers = [False]  # "Keep running"
    window.close()
    assert window.isVisible() and not h.shell.quitting
    assert h.dialogs.asked[-1][1] == "Quit Ecom Ledger?"
    h.dialogs.answers = [True]
    window.close()
    qtbot.waitUntil(lambda: h.shell.is_stopped, timeout=WAIT_MS)
    assert h.quits == [1]
    assert not window.isVisible()


def test_without_a_tray_notifications_show_in_the_window(qtbot, make_shell) -> None:
    from ecom_ledger_desktop.app.notifier import Notification

    h = make_shell(tray=False)
    h.shell.window.show_notice(Notification("3 records need your attention", "Fix them.",
                                            page="errors"))
    notice = h.shell.window.notice
    assert notice.isVisible() and notice.open_button.text() == "Open Error queue"
    notice.open_button.click()
    assert h.shell.window.current_key == "errors"
    assert not h.shell.window.notice.isVisible()


def test_quit_waits_for_the_running_sync(qtbot, make_shell, demo) -> None:
    h = make_shell()
    finished_runs: list[int] = []
    h.ctx.bridge.run_finished.connect(lambda event: finished_runs.append(event.run_id))
    with qtbot.waitSignal(h.ctx.bridge.run_started, timeout=WAIT_MS) as started:
        h.shell.tray.sync_action.trigger()
    run_id = started.args[0].run_id
    h.shell.tray.quit_action.trigger()
    assert h.shell.quitting
    assert h.dialogs.texts("busy") == [FINISHING]
    assert h.shell.tray.status_actions[0].text() == "Finishing the current sync…"
    assert not h.shell.tray.sync_action.isEnabled()
    qtbot.waitUntil(lambda: h.shell.is_stopped, timeout=WAIT_MS)
    assert h.quits == [1] and h.dialogs.busy_handles[0].closed
    state = demo.service.open_state()
    try:
        run = state.runs.get(run_id)
        in_flight = [p for p in state.journal.all(run.pair_id if run else 1)
                     if p.state == "sending"]
    finally:
        state.close()
    # ended at a safe point (or finished): recorded, and never cut in the middle of a posting
    assert run is not None and run.status in ("ok", "flagged", "stopped")
    assert run.finished_at is not None
    assert in_flight == []


def test_quit_when_idle_says_nothing_about_finishing(qtbot, make_shell) -> None:
    h = make_shell()
    h.shell.request_quit()
    qtbot.waitUntil(lambda: h.shell.is_stopped, timeout=WAIT_MS)
    assert h.dialogs.texts("busy") == []
    h.shell.sync_pair(1)  # ignored once quitting
    assert not h.shell.status.requested


def test_second_instance_forwards_show(qtbot) -> None:
    key = instance_key(f"test-{uuid.uuid4()}")
    first = SingleInstance(key)
    assert not first.forward()  # nobody is running yet
    assert first.listen()
    second = SingleInstance(key)
    with qtbot.waitSignal(first.message_received, timeout=5000) as received:
        assert second.forward()
    assert received.args == ["show"]
    first.close()
    assert not SingleInstance(key).forward()


def test_a_show_message_brings_the_window_forward(qtbot, make_shell) -> None:
    key = instance_key(f"test-{uuid.uuid4()}")
    h = make_shell()
    instance = SingleInstance(key)
    assert instance.listen()
    h.shell.instance = instance
    instance.message_received.connect(h.shell._on_instance_message)
    h.shell.window.hide()
    with qtbot.waitSignal(instance.message_received, timeout=5000):
        SingleInstance(key).forward()
    assert h.shell.window.isVisible()


def test_instance_keys_are_per_scope() -> None:
    assert instance_key("demo") == instance_key("demo")
    assert instance_key("demo") != instance_key("/home/me/data")
    assert len(instance_key("x")) < 40  # short enough for a Unix socket path
