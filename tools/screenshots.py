"""Screenshots of the desktop app on demo data, page by page, for looking at it.

    python tools/screenshots.py OUTPUT_FOLDER

Runs under a real X display; without one it re-runs itself under ``xvfb-run`` (install Xvfb
first). Saves: the dashboard during and after the first sync, every page, the tray menu, the
state icons, and the dashboard a brand-new user sees.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from ecom_ledger_desktop.app import icons
from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.main import build_context, launch, parse_args
from ecom_ledger_desktop.app.shell import AppShell


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    """Process events until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.4) -> None:
    """Let background reads land and the widgets repaint."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def grab(widget: QWidget, path: Path) -> None:
    """Save a widget's pixels."""
    widget.grab().save(str(path))
    print(f"saved {path}")


def icon_sheet(path: Path) -> None:
    """Every state icon at three sizes, on a light and a dark strip (tray backgrounds vary)."""
    sizes, pad = (16, 22, 32, 64), 12
    width = len(icons.STATES) * (sum(sizes) + pad * (len(sizes) + 1))
    sheet = QPixmap(width, 2 * (64 + 2 * pad))
    sheet.fill(QColor("#f5f7f8"))
    painter = QPainter(sheet)
    painter.fillRect(0, 64 + 2 * pad, width, 64 + 2 * pad, QColor("#263238"))
    for row in range(2):
        x = pad
        for state in icons.STATES:
            for size in sizes:
                y = row * (64 + 2 * pad) + pad + (64 - size) // 2
                painter.drawPixmap(x, y, icons.state_pixmap(state, size))
                x += size + pad
            x += pad
    painter.end()
    sheet.save(str(path))
    print(f"saved {path}")


def shoot_demo(out: Path, orders: int) -> None:
    """The demo app: first sync in progress, then each page and the tray menu."""
    shell = launch(["--demo", "--demo-orders", str(orders)], dialogs=ScriptedDialogs())
    assert shell is not None, "a demo instance is already running; quit it first"
    window = shell.window
    window.resize(1180, 800)
    try:  # catch the bar part-way through a long stretch of postings
        wait_until(lambda: any(p.total >= 20 and p.total // 3 < p.done < p.total * 2 // 3
                               for p in shell.status.running.values()), timeout=30)
    except TimeoutError:
        print("the sync finished before a mid-way moment came; the first shot shows its end")
    grab(window, out / "01-dashboard-syncing.png")
    wait_until(lambda: not shell.status.busy)
    settle(1.0)
    grab(window, out / "02-dashboard.png")
    for number, key in enumerate(["connections", "pairs", "preview", "mappings", "errors",
                                  "history", "settings"], start=3):
        window.show_page(key)
        settle(3.0 if key == "preview" else 0.6)  # the preview runs the sync up to sending
        grab(window, out / f"{number:02d}-{key}.png")
    window.show_page("dashboard")
    shell.tray.menu.popup(window.mapToGlobal(QPoint(300, 200)))
    settle(0.4)
    grab(shell.tray.menu, out / "10-tray-menu.png")
    shell.tray.menu.hide()
    shell.request_quit()
    wait_until(lambda: shell.is_stopped)


def shoot_new_user(out: Path) -> None:
    """The dashboard of a brand-new, empty data folder."""
    home = Path(tempfile.mkdtemp(prefix="ecom-ledger-new-user-"))
    try:
        ctx = build_context(parse_args(["--data-dir", str(home)]), ScriptedDialogs())
        shell = AppShell(ctx, tray_available=False, quit_app=lambda: None)
        shell.window.resize(1180, 800)
        shell.start()
        wait_until(lambda: shell.status.loaded)
        settle(0.6)
        grab(shell.window, out / "11-dashboard-new-user.png")
        shell.request_quit()
        wait_until(lambda: shell.is_stopped)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots into the folder given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    parser.add_argument("--orders", type=int, default=150, help="demo orders (default 150)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        if shutil.which("xvfb-run") is None:
            print("No display: install Xvfb (apt-get install xvfb) or set DISPLAY.",
                  file=sys.stderr)
            return 2
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1100x24", sys.executable,
                   *sys.argv]
        return subprocess.call(command)
    args.output.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["ecom-ledger-screenshots"])
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    shoot_demo(args.output, args.orders)
    shoot_new_user(args.output)
    icon_sheet(args.output / "12-state-icons.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
