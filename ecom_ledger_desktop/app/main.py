"""``ecom-ledger-app``: the desktop tray app.

``--demo`` runs on the embedded simulators in a temporary data folder (labelled "Demo data"
everywhere; ``--demo-store KIND`` picks the pretend shop, else the default demo store); without it
the app uses the real data folder and, before anything is connected, shows what to do first.
"""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ecom_ledger_desktop import __version__
from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.dialogs import DialogService, QtDialogService
from ecom_ledger_desktop.app.icons import app_icon
from ecom_ledger_desktop.app.qt_workarounds import shield_true
from ecom_ledger_desktop.app.settings import SettingsStore
from ecom_ledger_desktop.app.single_instance import SingleInstance, instance_key
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    demo_ledgers,
    demo_stores,
)
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.core.logging_setup import configure_logging

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.shell import AppShell

log = logging.getLogger(__name__)
DEMO_ORDERS = 120


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="ecom-ledger-app",
                                     description="Keeps your online store and your books in step.")
    parser.add_argument("--demo", action="store_true",
                        help="run on a pretend shop and books on this computer")
    stores = demo_stores()
    parser.add_argument("--demo-store", metavar="KIND", choices=[kind.name for kind in stores],
                        help="the pretend shop of the demo (implies --demo): "
                             + ", ".join(f"{kind.name} ({kind.brand})" for kind in stores)
                             + f"; default {DEFAULT_DEMO_STORE}")
    ledgers = demo_ledgers()
    parser.add_argument("--demo-ledger", metavar="KIND", choices=[kind.name for kind in ledgers],
                        help="the pretend books of the demo (implies --demo): "
                             + ", ".join(f"{kind.name} ({kind.brand})" for kind in ledgers)
                             + f"; default {DEFAULT_DEMO_LEDGER}")
    parser.add_argument("--demo-orders", type=int, default=DEMO_ORDERS, help=argparse.SUPPRESS)
    # the JSON line of `python -m ecom_ledger_desktop.demo --serve`: demo on simulators that run in
    # another process (implies --demo; benchmarks use it)
    parser.add_argument("--demo-simulators", metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--hidden", action="store_true",
                        help="start in the system tray without opening the window (used at login)")
    parser.add_argument("--data-dir", help="data folder (default: $ECOM_LEDGER_HOME or the "
                                           "platform's data folder)")
    parser.add_argument("--version", action="version", version=f"ecom-ledger-app {__version__}")
    args = parser.parse_args(argv)
    if args.demo_simulators or args.demo_store or args.demo_ledger:
        args.demo = True
    args.demo_store = args.demo_store or DEFAULT_DEMO_STORE
    args.demo_ledger = args.demo_ledger or DEFAULT_DEMO_LEDGER
    return args


def build_context(args: argparse.Namespace, dialogs: DialogService | None = None) -> AppContext:
    """The core service, its background runner and the app helpers, real or demo."""
    bridge, tasks = EventBridge(), TaskRunner()
    dialogs = dialogs or QtDialogService()
    if args.demo:
        from ecom_ledger_desktop.demo import DemoEndpoints, start_demo
        from ecom_ledger_desktop.sync.background import Background

        temporary = Path(tempfile.mkdtemp(prefix="ecom-ledger-demo-"))
        data_dir = temporary / "data"
        endpoints = DemoEndpoints.from_json(args.demo_simulators) if args.demo_simulators else None
        env = start_demo(data_dir, orders=args.demo_orders, events=EventBus(), endpoints=endpoints,
                         store=args.demo_store, ledger=args.demo_ledger)
        configure_logging(paths.log_dir(data_dir))
        ctx = AppContext(service=env.service, background=Background(env.service), bridge=bridge,
                         tasks=tasks, dialogs=dialogs, settings=SettingsStore.in_folder(data_dir),
                         data_dir=data_dir, log_dir=paths.log_dir(data_dir), demo=True,
                         notices=list(env.notices))
        ctx.on_close.append(env.close)
        ctx.on_close.append(lambda: shutil.rmtree(temporary, ignore_errors=True))
        return ctx
    from ecom_ledger_desktop.app.lazy_core import (
        LazyBackground,
        LazyConnectorFactory,
        LazySecretStore,
    )
    from ecom_ledger_desktop.sync.service import SyncService

    data_dir = paths.data_dir(args.data_dir)
    configure_logging(paths.log_dir(data_dir))
    factory = LazyConnectorFactory(data_dir)  # the connectors and the keyring load when first used
    service = SyncService(paths.database_path(data_dir), LazySecretStore(),
                          store_factory=factory.store, ledger_factory=factory.ledger,
                          events=EventBus())
    return AppContext(service=service, background=LazyBackground(service), bridge=bridge,
                      tasks=tasks, dialogs=dialogs, settings=SettingsStore.in_folder(data_dir),
                      data_dir=data_dir, log_dir=paths.log_dir(data_dir))


def database_ready(db_path: Path, dialogs: DialogService) -> bool:
    """Before anything reads the database: if SQLite cannot read it, say so in a plain dialog
    and offer to put back the newest good copy the app kept. False: the app should not start.

    Damage deeper in the file shows when a sync reads it, with the same advice.
    """
    from ecom_ledger_desktop.db.health import header_problem

    problem = header_problem(db_path)
    if problem is None:
        return True
    from datetime import UTC, datetime

    from ecom_ledger_desktop.db.backups import RestoreError, check_file, list_backups, restore
    from ecom_ledger_desktop.db.health import DAMAGED_PREFIX, damaged_message

    log.error("the database %s cannot be read: %s", db_path, problem)
    good = next((b for b in list_backups(db_path) if check_file(b.path) == "ok"), None)
    if good is None:
        dialogs.warn("Ecom Ledger cannot open its data", damaged_message(db_path, problem))
        return False
    question = (
        f"{DAMAGED_PREFIX} ({db_path}; SQLite says: {problem}), so nothing can be synced until "
        f"it is restored.\n\nThe newest good copy the app kept is from {good.label}. Restore "
        "it now? The damaged file is kept in the backups folder, not deleted. Orders synced "
        "since that copy are read again: check the error queue after the next sync for anything "
        "your books already have.")
    if not dialogs.confirm("Ecom Ledger's data is damaged", question,
                           accept="Restore the copy", reject="Quit"):
        return False
    try:
        aside = restore(db_path, good.path, datetime.now(UTC))
    except (RestoreError, OSError) as error:
        dialogs.warn("The copy could not be restored",
                     f"{error}. Nothing was changed; send the log files to support.")
        return False
    log.warning("restored the database from %s; the damaged files are in %s", good.path, aside)
    return True


def _folder_unusable(dialogs: DialogService, folder: str | None, error: OSError) -> None:
    where = folder or "the app's data folder"
    dialogs.warn("Ecom Ledger cannot use its data folder", (
        f"Ecom Ledger cannot write to {where}: {error.strerror or error}"
        f"{f' ({error.filename})' if error.filename else ''}. Check that the folder belongs to "
        "you and can be written to and that the disk is not full, then start the app again."))


def launch(argv: list[str], dialogs: DialogService | None = None) -> AppShell | None:
    """Create (or reuse) the QApplication and start the shell; None when another instance
    of the app was brought forward instead, or its data cannot be used (this one should exit)."""
    from ecom_ledger_desktop.app.shell import AppShell

    args = parse_args(argv)
    shield_true()  # PySide6 6.12.0: every signal emit would cost True a reference
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Ecom Ledger")
    app.setOrganizationName("ecom-ledger-desktop")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    dialogs = dialogs or QtDialogService()
    try:
        home = str(paths.data_dir(args.data_dir))  # another data folder is another installation
    except OSError as error:
        _folder_unusable(dialogs, args.data_dir, error)
        return None
    scope = f"demo:{home}" if args.demo else home
    instance = SingleInstance(instance_key(scope))
    if instance.forward():
        return None  # the running app shows its window
    instance.listen()
    if not args.demo and not database_ready(paths.database_path(args.data_dir), dialogs):
        instance.close()
        return None
    tray_available = QSystemTrayIcon.isSystemTrayAvailable()
    app.setQuitOnLastWindowClosed(False)  # the shell decides when to quit
    try:
        ctx = build_context(args, dialogs)
    except OSError as error:  # the log folder cannot be written (read-only, full, not a folder)
        _folder_unusable(dialogs, home, error)
        instance.close()
        return None
    shell = AppShell(ctx, tray_available=tray_available, instance=instance)
    # the session is ending (log out, shut down): quit without asking
    app.commitDataRequest.connect(shell.session_ending)
    app.aboutToQuit.connect(shell.shutdown_now)
    shell.start(show_window=not args.hidden, sync_at_start=args.demo)
    _quit_on_terminate(app, shell)
    # Everything built so far lives as long as the app: keep the garbage collector from walking
    # it again and again, which is what stalled the event loop during large syncs.
    gc.freeze()
    log.info("desktop app started (demo=%s, tray=%s)", args.demo, tray_available)
    return shell


def _quit_on_terminate(app: QApplication, shell: AppShell) -> None:
    """SIGTERM/SIGINT (a service manager, Ctrl+C in a terminal) quit like the Quit menu: the
    running sync finishes first. Python only sees signals when it runs, hence the idle timer."""
    def on_signal(_number: int, _frame: object) -> None:
        QTimer.singleShot(0, shell.request_quit)

    for name in ("SIGTERM", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(500)


def main(argv: list[str] | None = None) -> int:
    """Start the app (or bring the running one forward) and run until Quit."""
    shell = launch(sys.argv[1:] if argv is None else argv)
    if shell is None:
        return 0
    return int(QApplication.exec())
