"""Crash trials: SIGKILL ``ecom-ledger sync`` at random instants, restart, count duplicates.

Usage: ``python bench/crash_trials.py [--store magento2] [--ledger qbo] [--trials 100]
[--orders 1000]``. Prints trials, duplicates, lost orders and ledger-vs-journal mismatches (all
must be 0) and exits non-zero otherwise. ``--store`` is any store kind with a driver in
``testing/store_drivers``, ``--ledger`` any ledger kind with a driver in ``testing/ledger_drivers``
or ``qbd``: that one kills ``ecom-ledger schedule`` (which hosts the Web Connector service) *and*
Web Connector sessions at random points (``testing/qbd_crash_trials.py``), with any ``--store``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE
from ecom_ledger_desktop.testing.crash_trials import CrashTrials
from ecom_ledger_desktop.testing.ledger_drivers import ledger_kinds
from ecom_ledger_desktop.testing.qbd_crash_trials import QbdCrashTrials
from ecom_ledger_desktop.testing.store_drivers import store_kinds

WEB_CONNECTOR = "qbd"  # trials that also kill Web Connector sessions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=store_kinds(), default=DEFAULT_DEMO_STORE,
                        help=f"the store kind (default {DEFAULT_DEMO_STORE})")
    parser.add_argument("--ledger", choices=[*ledger_kinds(), WEB_CONNECTOR],
                        default=DEFAULT_DEMO_LEDGER,
                        help=f"the ledger kind (default {DEFAULT_DEMO_LEDGER})")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--max-delay", type=float, default=4.0)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crash-trials-") as tmp:
        harness: CrashTrials | QbdCrashTrials = (
            QbdCrashTrials(Path(tmp), orders=args.orders, store=args.store)
            if args.ledger == WEB_CONNECTOR
            else CrashTrials(Path(tmp), orders=args.orders, store=args.store,
                             ledger=args.ledger))
        try:
            report = harness.run(args.trials, max_delay=args.max_delay, log=print)
        finally:
            harness.close()
    print(f"store: {args.store}; ledger: {args.ledger}")
    for line in report.lines():
        print(line)
    print(f"wall time: {time.monotonic() - started:.1f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
