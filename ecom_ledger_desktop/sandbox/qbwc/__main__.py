"""``python -m ecom_ledger_desktop.sandbox.qbwc URL USER``: be a Web Connector for a while.

Reads the password from ``$QBWC_PASSWORD`` (never the command line), runs one update (or one every
``--every-minutes`` until interrupted) with an echoing QuickBooks, and prints each session's report
as a JSON line. ``--cafile`` trusts a self-signed endpoint certificate.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import ssl
import sys
import threading
from dataclasses import asdict
from datetime import UTC, datetime

from ecom_ledger_desktop.sandbox.qbwc.schedule import WebConnectorSchedule
from ecom_ledger_desktop.sandbox.qbwc.simulator import SessionReport, WebConnectorSimulator


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _print(report: SessionReport) -> None:
    sys.stdout.write(json.dumps(asdict(report)) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the update(s)."""
    parser = argparse.ArgumentParser(prog="python -m ecom_ledger_desktop.sandbox.qbwc")
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("--every-minutes", type=int, default=0, help="keep running on this schedule")
    parser.add_argument("--cafile", default=None, help="a certificate to trust (the endpoint's own)")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    password = os.environ.get("QBWC_PASSWORD", "")
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=args.cafile) if args.cafile else True
    with WebConnectorSimulator(args.url, args.username, password, verify=verify, timeout=args.timeout) as sim:
        if not args.every_minutes:
            report = sim.run_session()
            _print(report)
            return 0 if report.outcome in ("done", "no_work") else 1
        stop = threading.Event()
        with contextlib.suppress(KeyboardInterrupt):
            WebConnectorSchedule(sim, args.every_minutes, _WallClock()).run(stop, on_report=_print)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
