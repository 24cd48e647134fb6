"""Crash trials: SIGKILL ``ecom-ledger sync`` at random instants, restart, count duplicates.

Usage: ``python bench/crash_trials.py [--trials 100] [--orders 1000] [--ledger qbo|qbd]``. Prints
trials, duplicates, lost orders and ledger-vs-journal mismatches (all must be 0) and exits non-zero
otherwise. ``--ledger qbd`` kills ``ecom-ledger schedule`` (which hosts the Web Connector service)
*and* Web Connector sessions at random points (``testing/qbd_crash_trials.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.testing.crash_trials import CrashTrials
from ecom_ledger_desktop.testing.qbd_crash_trials import QbdCrashTrials


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--max-delay", type=float, default=4.0)
    parser.add_argument("--ledger", choices=("qbo", "qbd"), default="qbo")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crash-trials-") as tmp:
        harness: CrashTrials | QbdCrashTrials = (
            QbdCrashTrials(Path(tmp), orders=args.orders) if args.ledger == "qbd"
            else CrashTrials(Path(tmp), orders=args.orders))
        try:
            report = harness.run(args.trials, max_delay=args.max_delay, log=print)
        finally:
            harness.close()
    for line in report.lines():
        print(line)
    print(f"wall time: {time.monotonic() - started:.1f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
