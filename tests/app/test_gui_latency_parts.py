"""What keeps the GUI thread free and the idle app small: coalesced progress, pages built on first
use, the demo's simulators in a process of their own, connectors loaded on first use."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.lazy_core import LazyBackground, LazyConnectorFactory, LazySecretStore
from ecom_ledger_desktop.app.main import parse_args
from ecom_ledger_desktop.app.notifier import Notification
from ecom_ledger_desktop.core.events import EventBus, OrderProgress, RunFinished
from ecom_ledger_desktop.demo import DemoEndpoints, start_demo

WAIT_MS = 30_000


def test_progress_is_coalesced_and_the_final_counts_arrive(qtbot) -> None:
    bus, bridge = EventBus(), EventBridge()
    bridge.attach(bus)
    got: list[object] = []
    bridge.progress.connect(got.append)
    bridge.run_finished.connect(got.append)

    def publish(first: int, last: int, finish: bool) -> None:
        for done in range(first, last + 1):
            bus.publish(OrderProgress(1, done, 200, None))
        if finish:
            bus.publish(RunFinished(1, "ok", last, 0, 0))

    # the GUI thread hears nothing until the worker is done: 100 events, one delivery
    worker = threading.Thread(target=publish, args=(1, 100, False))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT_MS)
    assert isinstance(got[0], OrderProgress) and got[0].done == 100
    # the run's last progress is delivered before it finishes, however soon that is
    worker = threading.Thread(target=publish, args=(101, 200, True))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(got) == 3, timeout=WAIT_MS)
    assert [type(e).__name__ for e in got] == ["OrderProgress", "OrderProgress", "RunFinished"]
    assert got[1].done == 200  # type: ignore[attr-defined]
    qtbot.wait(150)  # the coalescing timer may still fire: it has nothing left to say
    assert len(got) == 3
    bridge.detach()


def test_progress_published_on_the_gui_thread_shows_at_once(qtbot) -> None:
    bridge = EventBridge()
    got: list[object] = []
    bridge.progress.connect(got.append)
    for done in (1, 2, 3):
        bridge.forward(OrderProgress(5, done, 3, None))
    assert [e.done for e in got] == [1, 2, 3]  # type: ignore[attr-defined]


def test_pages_are_built_when_first_needed(qtbot, make_shell) -> None:
    h = make_shell()
    window = h.shell.window
    assert set(window.pages.built) == {"dashboard"}, "only the page on screen exists"
    assert list(window.pages) == ["dashboard", "connections", "pairs", "preview", "mappings",
                                  "errors", "history", "settings"]
    window.show_notice(Notification("A sync failed", "See why.", "critical", "history"))
    assert window.notice.open_button.text() == "Open History"
    assert "history" not in window.pages.built, "naming a page does not build it"
    window.notice.open_button.click()
    assert window.current_key == "history" and "history" in window.pages.built
    history = window.pages["history"]
    assert window.stack.currentWidget() is history and history.isVisible()
    settings = window.pages["settings"]  # asked for by key: built, placed, not shown
    assert window.stack.indexOf(settings) >= 0 and window.current_key == "history"
    settings.navigate.emit("errors")  # a lazily built page still navigates
    assert window.current_key == "errors"


def test_connectors_are_imported_when_the_first_one_is_made(demo) -> None:
    factory = LazyConnectorFactory()
    assert factory._factory is None
    state = demo.service.open_state()
    try:
        config = state.connections.connection("Demo Magento shop")
    finally:
        state.close()
    assert config is not None
    store = factory.store(config, demo.secrets)
    assert factory._factory is not None and store is not None


def test_the_keyring_is_asked_when_a_secret_is_first_needed(monkeypatch) -> None:
    from ecom_ledger_desktop.secrets import store as secret_store

    opened: list[object] = []

    def open_memory() -> secret_store.SecretStore:
        opened.append(1)
        return secret_store.MemorySecretStore("kept in memory")

    monkeypatch.setattr(secret_store, "open_secret_store", open_memory)
    secrets = LazySecretStore()
    assert not secrets.opened and not opened
    assert secrets.get("shop", "token") is None
    secrets.set("shop", "token", "t0k3n")
    assert secrets.get("shop", "token") == "t0k3n" and secrets.description == "kept in memory"
    secrets.delete("shop", "token")
    assert secrets.get("shop", "token") is None and opened == [1]


def test_the_demo_simulators_serve_from_their_own_process(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "ecom_ledger_desktop.demo", "--serve", "--orders", "12"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        endpoints = DemoEndpoints.from_json(line)
        assert DemoEndpoints.from_json(endpoints.to_json()) == endpoints
        args = parse_args(["--demo-simulators", line.strip()])
        assert args.demo, "--demo-simulators implies the demo"
        env = start_demo(tmp_path / "data", endpoints=endpoints, events=EventBus())
        assert env.store_sim is None and env.ledger_sim is None
        summary = env.service.run_pair(1)
        assert summary.fetched >= 12 and summary.posted > 0
        env.close()  # leaves the other process's simulators alone
    finally:
        assert server.stdin is not None
        server.stdin.close()  # end of input: the simulators stop
        assert server.wait(timeout=60) == 0


def test_the_schedule_is_built_once_there_is_something_to_run(demo, empty_service) -> None:
    idle = LazyBackground(empty_service)
    idle.pause()
    idle.start()  # no pair: nothing is built (APScheduler not even needed)
    assert not idle.built and idle.next_run(1) is None
    idle.stop()
    background = LazyBackground(demo.service)
    background.pause()  # chosen before the schedule existed
    background.reschedule(1, 15, enabled=False)  # taking a pair off builds nothing
    assert not background.built
    background.start()  # the demo pair is enabled: built and scheduled, still paused
    assert background.built and background.next_run(1) is not None
    background.resume()
    assert background.sync_now(1).result(timeout=60) is not None
    background.stop()


def test_a_pair_put_on_the_schedule_later_starts_the_clock(empty_service) -> None:
    background = LazyBackground(empty_service)
    background.start()
    assert not background.built
    background.reschedule(7, 30)  # e.g. the setup assistant made the first pair
    assert background.built and background.next_run(7) is not None
    background.stop()


def test_signal_emits_cannot_use_up_true(qtbot) -> None:
    from ecom_ledger_desktop.app.qt_workarounds import PROBES, emit_leaks_true, shield_true

    leaky = emit_leaks_true()
    assert shield_true() == leaky  # the reserve is given only where emits leak
    if leaky:
        assert sys.getrefcount(True) > 2 ** 39
    bridge = EventBridge()
    got: list[int] = []
    bridge.progress.connect(lambda event: got.append(event.done))
    for done in range(PROBES * 100):  # more emits than True had references before
        bridge.forward(OrderProgress(1, done, 1, None))
    assert got[-1] == PROBES * 100 - 1 and sys.getrefcount(True) > 1_000


def test_a_new_user_gets_the_setup_assistant_without_building_other_pages(
        qtbot, make_shell, empty_service) -> None:
    from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant

    h = make_shell(service=empty_service, start=False)
    h.ctx.demo = False
    h.shell.window._offer_setup()  # what the window does when built in real mode
    h.shell.start(show_window=True)
    window = h.shell.window
    qtbot.waitUntil(lambda: isinstance(window.setup_assistant, SetupAssistant), timeout=WAIT_MS)
    assert window.setup_assistant is not None and window.setup_assistant.isVisible()
    assert set(window.pages.built) == {"dashboard"}
    window.setup_assistant.reject()


def test_the_heap_is_frozen_during_a_sync_and_settled_after(qtbot, make_shell) -> None:
    import gc

    h = make_shell()
    guard, status = h.shell.gc_guard, h.shell.status
    assert not guard.freezing
    guard._settler.setInterval(10)  # the app waits a few seconds
    status.mark_requested(1)  # a sync is asked for: busy
    assert guard.freezing and gc.get_freeze_count() > 0
    status.request_done(1)
    assert not guard.freezing and guard.settled_ms is None
    qtbot.waitUntil(lambda: guard.settled_ms is not None, timeout=WAIT_MS)  # idle: settled
    assert guard.settled_ms is not None and gc.get_freeze_count() > 0


def test_the_page_list_names_each_page_as_its_class_does() -> None:
    from ecom_ledger_desktop.app.pages import PAGE_SPECS

    for spec in PAGE_SPECS:
        page_type = spec.load()
        assert (page_type.key, page_type.title) == (spec.key, spec.title)


def test_per_record_events_reach_those_who_listen(qtbot) -> None:
    from ecom_ledger_desktop.core.events import Posted

    bridge = EventBridge()
    bridge.forward(Posted(1, "000000001", "SalesReceipt", "42", None))  # nobody listens: no emit
    got: list[object] = []
    bridge.posted.connect(got.append)
    bridge.forward(Posted(1, "000000002", "SalesReceipt", "43", None))
    assert [e.order_ref for e in got] == ["000000002"]  # type: ignore[attr-defined]
