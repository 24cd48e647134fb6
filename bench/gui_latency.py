"""GUI latency: event-loop stalls during a big sync, idle memory, and start-to-window time.

Usage: ``python bench/gui_latency.py [--orders 10000] [--idle-seconds 3] [--inline-simulators]
[--trace-stalls] [--json]``.

Runs the desktop app headless (``QT_QPA_PLATFORM=offscreen``) in child processes and prints each
figure with its ratio to the target (a ratio above 1.00 misses it):

* **worst stall**: the app on the demo with N seeded orders syncs them all (sync at start); a 5 ms
  ``QTimer`` ticks throughout, and the largest gap between two ticks while the sync runs is the
  longest the window could not repaint or answer a click (target 50 ms). The demo's simulators
  run in a process of their own (``python -m ecom_ledger_desktop.demo --serve``, the app started
  with ``--demo-simulators``), as a real shop and QuickBooks would; ``--inline-simulators`` runs
  them inside the app's process instead (as ``make run`` does), sharing its interpreter lock
  and heap — an upper bound.
* **idle memory**: resident set size of the app after it sat idle (target 120 MB) — for a new
  user (empty data folder, real mode, the setup assistant open) and after the N-order sync.
* **start-to-window**: from the process start to the first paint of the window or the tray icon
  (target 1.5 s) — in real mode, and in demo mode.

``--trace-stalls`` also samples every thread's stack while no tick comes for 40 ms: where the GUI
thread was, and what the other threads were running meanwhile.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TICK_MS = 5
TARGET_STALL_MS = 50.0
TARGET_RSS_MB = 120.0
TARGET_START_S = 1.5
SYNC_TIMEOUT_S = 3600
SETTLE_S = 5  # app/gc_guard.py SETTLE_MS, for the report
WATCH_MS = 40  # --trace-stalls: where the GUI thread is when no tick came for this long


def rss_mb() -> float:
    """This process's resident set size now (not the peak)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import psutil

        return float(psutil.Process().memory_info().rss) / 2**20


# -- the child: one app process -------------------------------------------------------------
def watch_stalls(ticks: list[float], limit: float) -> dict[str, int]:
    """Sample every thread's stack whenever no tick came for ``limit`` seconds: the innermost
    project frames, counted — the GUI thread's says what it was doing, the others' who held the
    interpreter meanwhile (diagnosis only: it costs the GUI thread nothing)."""
    import threading
    import traceback
    from collections import Counter

    seen: Counter[str] = Counter()
    main_id = threading.main_thread().ident
    names = {}

    def where(frame: Any) -> str:
        stack = traceback.extract_stack(frame) if frame else []
        ours = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack
                if "ecom_ledger_desktop" in f.filename][-3:]
        return " < ".join(reversed(ours))

    def watch() -> None:
        me = threading.get_ident()
        while True:
            time.sleep(limit / 4)
            if not ticks or time.perf_counter() - ticks[-1] <= limit or main_id is None:
                continue
            frames = sys._current_frames()
            seen["GUI: " + (where(frames.get(main_id)) or "(Qt / library code)")] += 1
            if len(names) != threading.active_count():
                names.update((t.ident, t.name) for t in threading.enumerate())
            for ident, frame in frames.items():
                if ident not in (main_id, me) and (text := where(frame)):
                    seen[f"{names.get(ident, ident)}: {text}"] += 1

    threading.Thread(target=watch, daemon=True, name="stall-watch").start()
    return seen  # type: ignore[return-value]


def time_gc() -> list[tuple[float, float]]:
    """Every pause of Python's cyclic garbage collector (it stops every thread): (start, ms)."""
    pauses: list[tuple[float, float]] = []
    began: list[float] = []

    def callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            began[:] = [time.perf_counter()]
        elif began:
            pauses.append((began[0], (time.perf_counter() - began[0]) * 1000))

    import gc

    gc.callbacks.append(callback)
    return pauses


def child(mode: str, orders: int, idle_seconds: float, started_at: float,
          trace: bool = False, freeze: bool = False, simulators: str = "") -> int:
    """Start the app, measure, print one JSON line, quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from ecom_ledger_desktop.app.gc_guard import SETTLE_MS
    from ecom_ledger_desktop.app.main import launch

    figures: dict[str, Any] = {"mode": mode}
    gc_pauses = time_gc()
    if mode == "sync" and simulators:
        argv = ["--demo-simulators", simulators]
    elif mode == "sync":
        argv = ["--demo", "--demo-orders", str(orders)]
    else:
        argv = ["--data-dir", tempfile.mkdtemp(prefix="gui-latency-")]
    shell = launch(argv)
    if shell is None:
        print(json.dumps({"error": "another instance answered"}))
        return 1
    app = QApplication.instance()
    assert app is not None
    if freeze:  # what the app could do once started: keep the start-up heap out of collections
        import gc

        gc.freeze()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() in (QEvent.Type.Paint, QEvent.Type.Expose) \
                    and "start_s" not in figures:
                figures["start_s"] = time.time() - started_at
                figures["shown"] = "window"
            return False

    tray = QSystemTrayIcon.isSystemTrayAvailable()  # offscreen: no tray, the window shows
    painted = FirstPaint()
    shell.window.installEventFilter(painted)
    if tray:
        figures["shown"] = "tray"
        QTimer.singleShot(0, lambda: figures.setdefault("start_s", time.time() - started_at))

    ticks: list[float] = []
    phase: dict[str, float] = {}
    ticker = QTimer()
    ticker.setInterval(TICK_MS)

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(now)
        if "sync_start" not in phase and shell.status.busy:
            phase["sync_start"] = now

    ticker.timeout.connect(tick)
    ticker.start()
    stalls = watch_stalls(ticks, WATCH_MS / 1000) if trace else None

    def finish() -> None:
        ticker.stop()
        import gc

        begin, end = phase.get("sync_start", 0.0), phase.get("sync_end", float("inf"))
        figures["gc_longest_ms"] = max((ms for at, ms in gc_pauses if begin <= at <= end),
                                       default=0.0)
        figures["gc_longest_any_ms"] = max((ms for _at, ms in gc_pauses), default=0.0)
        gc.collect()
        figures["rss_mb"] = rss_mb()
        figures["settle_ms"] = shell.gc_guard.settled_ms
        during = [b - a for a, b in pairwise(ticks) if begin <= a <= end]
        before = [b - a for a, b in pairwise(ticks) if a < begin]
        if during:
            ordered = sorted(during)
            figures["stall_ms"] = ordered[-1] * 1000
            figures["p99_gap_ms"] = ordered[int(len(ordered) * 0.99)] * 1000
            figures["sync_s"] = end - begin
        if before:
            figures["startup_stall_ms"] = max(before) * 1000
        if stalls is not None:
            figures["stalled_in"] = dict(stalls.most_common(12))
        print(json.dumps(figures), flush=True)
        shell.request_quit()
        QTimer.singleShot(60_000, lambda: os._exit(3))  # a stuck quit must not hang the bench

    def idle_then_finish() -> None:
        # after a sync, long enough for the app's one settling collection (app/gc_guard.py)
        wait = max(idle_seconds, SETTLE_MS / 1000 + 1) if mode == "sync" else idle_seconds
        QTimer.singleShot(int(wait * 1000), finish)

    if mode == "sync":
        def completed(run: Any) -> None:
            phase["sync_end"] = time.perf_counter()
            figures.update(status=run.status, posted=run.posted, flagged=run.flagged)
            idle_then_finish()

        shell.status.run_completed.connect(completed)
        QTimer.singleShot(SYNC_TIMEOUT_S * 1000, finish)
    else:
        phase["sync_start"] = float("inf")  # nothing to sync: every gap counts as start-up
        idle_then_finish()
    return int(app.exec())


# -- the parent: run the children, print the figures ------------------------------------------
def start_simulators(orders: int) -> tuple[subprocess.Popen[str], str]:
    """The demo's simulators in their own process; it and their endpoints (one JSON line)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "ecom_ledger_desktop.demo", "--serve", "--orders", str(orders)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout is not None
    line = server.stdout.readline().strip()
    if not line.startswith("{"):
        server.kill()
        raise SystemExit(f"the simulators did not start (exit {server.wait()})")
    return server, line


def run_child(mode: str, orders: int, idle_seconds: float, extra: list[str],
              inline: bool = False) -> dict[str, Any]:
    """One app process in ``mode``; its figures. A sync runs against simulators in a process
    of their own unless ``inline``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    server: subprocess.Popen[str] | None = None
    if mode == "sync" and not inline:
        server, endpoints = start_simulators(orders)
        extra = [*extra, "--simulators", endpoints]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env["TMPDIR"] = tmp  # a private single-instance socket: a running app must not answer
            started = time.time()
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--orders", str(orders),
                 "--idle-seconds", str(idle_seconds), "--started-at", repr(started), *extra],
                env=env, capture_output=True, text=True, timeout=SYNC_TIMEOUT_S + 300,
                check=False)
    finally:
        if server is not None and server.stdin is not None:
            server.stdin.close()  # the simulators stop at the end of their input
            server.wait(timeout=60)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        log = Path(tempfile.mkstemp(prefix=f"gui-latency-{mode}-", suffix=".log")[1])
        log.write_text(done.stderr, encoding="utf-8")
        raise SystemExit(f"the {mode} run printed no figures (exit {done.returncode}); its "
                         f"stderr is in {log}:\n{done.stderr[:1500]}\n…\n{done.stderr[-1500:]}")
    return dict(json.loads(lines[-1]))


def ratio(value: float | None, target: float) -> str:
    """"0.42 × target" (or "n/a")."""
    return "n/a" if value is None else f"{value / target:.2f} × target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="call gc.freeze() again in the harness (the app already does once started)")
    parser.add_argument("--trace-stalls", action="store_true",
                        help=f"also say where the GUI thread was during gaps over {WATCH_MS} ms")
    parser.add_argument("--inline-simulators", action="store_true",
                        help="run the demo's simulators inside the app's process (as `make run` "
                             "does) instead of a process of their own")
    parser.add_argument("--child", choices=("start", "sync"), help=argparse.SUPPRESS)
    parser.add_argument("--simulators", default="", help=argparse.SUPPRESS)
    parser.add_argument("--started-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.orders, args.idle_seconds, args.started_at,
                     args.trace_stalls, args.gc_freeze, args.simulators)
    extra = [flag for flag, on in (("--trace-stalls", args.trace_stalls),
                                   ("--gc-freeze", args.gc_freeze)) if on]
    start = run_child("start", 0, args.idle_seconds, extra)
    sync = run_child("sync", args.orders, args.idle_seconds, extra, args.inline_simulators)
    if args.json:
        print(json.dumps({"orders": args.orders, "start": start, "sync": sync}, indent=2))
        return 0
    place = "inside the app's process" if args.inline_simulators else "in their own process"
    print(f"GUI latency (offscreen, {args.orders} demo orders, simulators {place}"
          f"{', gc.freeze() again after start' if args.gc_freeze else ''})")
    print(f"  worst stall during the sync   {sync.get('stall_ms', 0):8.1f} ms   "
          f"{ratio(sync.get('stall_ms'), TARGET_STALL_MS)} ({TARGET_STALL_MS:.0f} ms); "
          f"p99 gap {sync.get('p99_gap_ms', 0):.1f} ms; sync {sync.get('sync_s', 0):.1f} s, "
          f"{sync.get('status')}: posted {sync.get('posted')}, flagged {sync.get('flagged')}")
    print(f"  longest garbage-collector pause {sync.get('gc_longest_ms', 0):6.1f} ms   "
          f"during the sync ({sync.get('gc_longest_any_ms', 0):.1f} ms in the whole run; "
          "it stops every thread, the GUI thread too)")
    if sync.get("settle_ms") is not None:
        print(f"  settling collection after it  {sync['settle_ms']:8.1f} ms   "
              f"(once, {SETTLE_S:.0f} s after the sync, the app idle)")
    print(f"  worst stall while starting    {start.get('startup_stall_ms', 0):8.1f} ms   "
          f"(new user; demo start {sync.get('startup_stall_ms', 0):.1f} ms)")
    print(f"  idle RSS, new user            {start['rss_mb']:8.1f} MB   "
          f"{ratio(start['rss_mb'], TARGET_RSS_MB)} ({TARGET_RSS_MB:.0f} MB)")
    held = " (includes the simulators and their orders)" if args.inline_simulators else ""
    print(f"  idle RSS after the sync       {sync['rss_mb']:8.1f} MB   "
          f"{ratio(sync['rss_mb'], TARGET_RSS_MB)}{held}")
    print(f"  start to {start.get('shown', 'window'):6} (new user)    {start['start_s']:8.2f} s    "
          f"{ratio(start['start_s'], TARGET_START_S)} ({TARGET_START_S} s)")
    seeding = f" (includes seeding {args.orders} orders)" if args.inline_simulators else ""
    print(f"  start to {sync.get('shown', 'window'):6} (demo)        {sync['start_s']:8.2f} s    "
          f"{ratio(sync['start_s'], TARGET_START_S)}{seeding}")
    for where, count in sync.get("stalled_in", {}).items():
        print(f"  stalled {count:3d}× {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
