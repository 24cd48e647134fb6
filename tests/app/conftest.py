"""An app shell over the demo simulators, with scripted dialogs and captured notifications."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ecom_ledger_desktop.app.autostart import LinuxAutostart
from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.notifier import Notification
from ecom_ledger_desktop.app.qt_workarounds import shield_true
from ecom_ledger_desktop.app.settings import SettingsStore
from ecom_ledger_desktop.app.shell import AppShell
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import DemoEnvironment, start_demo
from ecom_ledger_desktop.secrets.store import KeyringStatus, MemorySecretStore
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.service import SyncService

WAIT_MS = 20_000
shield_true()  # as the app does at launch: a long test session emits many signals too


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnvironment]:
    """The demo simulators with 30 orders and a configured pair."""
    env = start_demo(tmp_path / "d", orders=30, events=EventBus())
    yield env
    env.close()


@pytest.fixture
def db_opened_on(demo: DemoEnvironment, monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """The threads on which the demo service opened the database (to prove the GUI never does)."""
    opened_on: list[threading.Thread] = []
    real_open = demo.service.open_state

    def recording_open():  # type: ignore[no-untyped-def]
        opened_on.append(threading.current_thread())
        return real_open()

    monkeypatch.setattr(demo.service, "open_state", recording_open)
    return opened_on


@pytest.fixture
def empty_service(tmp_path: Path) -> SyncService:
    """A service over a fresh database with nothing configured."""
    def never(*_args: object) -> object:
        raise AssertionError("no connector should be built")

    (tmp_path / "empty").mkdir()
    return SyncService(tmp_path / "empty" / "db.sqlite3", MemorySecretStore(),
                       store_factory=never, ledger_factory=never,  # type: ignore[arg-type]
                       events=EventBus())


@dataclass
class Harness:
    """A shell plus what the test inspects."""

    shell: AppShell
    dialogs: ScriptedDialogs
    notes: list[Notification] = field(default_factory=list)
    quits: list[int] = field(default_factory=list)
    run_threads: list[threading.Thread] = field(default_factory=list)

    @property
    def ctx(self) -> AppContext:
        return self.shell.ctx


@pytest.fixture
def make_shell(qtbot, tmp_path: Path, request: pytest.FixtureRequest
               ) -> Iterator[Callable[..., Harness]]:
    """Build shells; each is quit (waiting for its syncs) at the end of the test."""
    harnesses: list[Harness] = []

    def make(*, tray: bool = True, service: SyncService | None = None, start: bool = True,
             notifications: bool = True) -> Harness:
        service = service or request.getfixturevalue("demo").service
        dialogs = ScriptedDialogs()
        settings = SettingsStore(tmp_path / f"settings-{len(harnesses)}.json")
        settings.update(notifications=notifications)
        ctx = AppContext(
            service=service, background=Background(service), bridge=EventBridge(),
            tasks=TaskRunner(), dialogs=dialogs, settings=settings, data_dir=tmp_path,
            log_dir=tmp_path / "logs", demo=True,
            keyring_probe=lambda: KeyringStatus("keyring.backends.fail.Keyring", False, "none"),
            login_item=LinuxAutostart(tmp_path / "autostart", ["ecom-ledger-app", "--hidden"]))
        harness = Harness(shell=None, dialogs=dialogs)  # type: ignore[arg-type]
        harness.shell = AppShell(ctx, tray_available=tray, notify_sink=harness.notes.append,
                                 quit_app=lambda: harness.quits.append(1))
        real_run = service.run_pair

        def recording_run(pair_ref: int | str, trigger: str = "manual") -> object:
            harness.run_threads.append(threading.current_thread())
            return real_run(pair_ref, trigger)

        service.run_pair = recording_run  # type: ignore[method-assign]
        # not qtbot.addWidget: pytest-qt closes those before fixtures end, racing the quit below
        harnesses.append(harness)
        if start:
            harness.shell.start(show_window=True)
            qtbot.waitUntil(lambda: harness.shell.status.loaded, timeout=WAIT_MS)
        return harness

    yield make
    for harness in harnesses:
        shell = harness.shell
        if not shell.is_stopped:
            shell.request_quit()
            qtbot.waitUntil(lambda s=shell: s.is_stopped, timeout=WAIT_MS)
        shell.window.deleteLater()
