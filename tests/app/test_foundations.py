"""Tasks, the event bridge, icons, dialogs and the entry point."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future

import pytest
import shiboken6
from PySide6.QtCore import QObject

from ecom_ledger_desktop import __version__
from ecom_ledger_desktop.app import icons
from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.main import main, parse_args
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.core.events import EventBus, OrderProgress, RunFinished


class Receiver(QObject):
    """A GUI-thread object whose bound methods receive results."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple[object, threading.Thread]] = []

    def take(self, value: object) -> None:
        self.got.append((value, threading.current_thread()))


def test_task_results_come_back_on_the_gui_thread(qtbot) -> None:
    tasks, receiver = TaskRunner(), Receiver()
    worker_threads: list[threading.Thread] = []

    def work(x: int) -> int:
        worker_threads.append(threading.current_thread())
        return x * 2

    with qtbot.waitSignal(tasks.idle, timeout=5000):
        tasks.run(work, 21, on_done=receiver.take)
    assert receiver.got == [(42, threading.main_thread())]
    assert worker_threads[0] is not threading.main_thread()
    with qtbot.waitSignal(tasks.idle, timeout=5000):
        tasks.run(lambda: 1 / 0, on_error=receiver.take)
    assert isinstance(receiver.got[-1][0], ZeroDivisionError)
    tasks.shutdown(wait=True)
    assert tasks.run(work, 1).cancelled()  # after shutdown nothing starts


def test_a_result_for_a_page_already_closed_is_dropped_quietly(qtbot, caplog) -> None:
    """A page closed while its background work ran (the app quitting, a test ending) must not
    get the result: its widgets are gone, and touching them raises from deep in Qt."""
    from PySide6.QtWidgets import QLabel

    class Page(QLabel):
        def show_result(self, value: object) -> None:
            self.setText(str(value))

    tasks, page = TaskRunner(), Page()
    release = threading.Event()
    tasks.run(release.wait, 5, on_done=page.show_result)
    page.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page), timeout=5000)
    with qtbot.waitSignal(tasks.idle, timeout=5000):
        release.set()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    tasks.shutdown()


def test_watching_a_future_made_elsewhere(qtbot) -> None:
    tasks, receiver = TaskRunner(), Receiver()
    future: Future[object] = Future()
    tasks.watch(future, on_done=receiver.take)
    thread = threading.Thread(target=future.set_result, args=("done",))
    with qtbot.waitSignal(tasks.idle, timeout=5000):
        thread.start()
    thread.join()
    assert receiver.got == [("done", threading.main_thread())]
    tasks.shutdown()


def test_bridge_reemits_worker_events_on_the_gui_thread(qtbot) -> None:
    bus, bridge, receiver = EventBus(), EventBridge(), Receiver()
    bridge.attach(bus)
    bridge.progress.connect(receiver.take)
    bridge.run_finished.connect(receiver.take)
    def publish_two() -> None:
        bus.publish(OrderProgress(1, 2, 3, None))
        bus.publish(RunFinished(1, "ok", 2, 0, 0))

    worker = threading.Thread(target=publish_two)
    with qtbot.waitSignal(bridge.run_finished, timeout=5000):
        worker.start()
    worker.join()
    assert [type(v).__name__ for v, _ in receiver.got] == ["OrderProgress", "RunFinished"]
    assert {t for _, t in receiver.got} == {threading.main_thread()}
    bridge.detach()
    bus.publish(RunFinished(2, "ok", 0, 0, 0))
    qtbot.wait(20)
    assert len(receiver.got) == 2


def test_state_icons_differ_and_scale(qapp) -> None:
    images = {state: icons.state_pixmap(state, 32).toImage() for state in icons.STATES}
    assert len({img.pixelColor(16, 4).name() for img in images.values()}) == len(icons.STATES)
    for state in icons.STATES:
        icon = icons.state_icon(state)
        assert {s.width() for s in icon.availableSizes()} >= {16, 22, 32, 64, 256}
    assert not icons.app_icon().isNull()
    with pytest.raises(ValueError, match="unknown state"):
        icons.state_icon("sleepy")


def test_scripted_dialogs_answer_and_record() -> None:
    dialogs = ScriptedDialogs(answers=[False], default=True)
    assert dialogs.confirm("Quit?", "Really?") is False
    assert dialogs.confirm("Quit?", "Really?") is True
    dialogs.busy("wait").close()
    assert dialogs.busy_handles[0].closed
    assert dialogs.texts("busy") == ["wait"]


def test_version_and_arguments(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"ecom-ledger-app {__version__}"
    args = parse_args(["--demo", "--hidden"])
    assert args.demo and args.hidden and args.data_dir is None


def test_chart_ticks_are_round_numbers() -> None:
    from ecom_ledger_desktop.app.views.posted_chart import nice_step

    assert nice_step(17_666.82) == 5000
    assert nice_step(145) == 50
    assert nice_step(4) == 1
    assert nice_step(0) == 1
