"""Run the simulator in the foreground: prints one JSON line ``{"base_url", "token"}``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from ..server import SimClock
from .simulator import Magento2Simulator


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, start, print the connection line, serve until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m ecom_ledger_desktop.sandbox.magento2")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--token", default="sim-integration-token")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--bearer-disabled", action="store_true")
    parser.add_argument("--input-limits", action="store_true")
    args = parser.parse_args(argv)
    sim = Magento2Simulator(
        token=args.token,
        clock=SimClock(scale=args.time_scale),
        seed=args.seed,
        seed_orders=args.orders,
        bearer_enabled=not args.bearer_disabled,
        input_limits=args.input_limits,
        port=args.port,
        host=args.host,
    )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sim.start()
    sys.stdout.write(json.dumps({"base_url": sim.base_url, "token": args.token}) + "\n")
    sys.stdout.flush()
    stop.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
