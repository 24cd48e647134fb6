"""Fault soak, the long one: syncs through 5xx, 429 storms, slow answers, connection resets, expired
and revoked tokens while new orders, payments, edits and refunds keep arriving; then faults off,
drain, and count duplicates, lost orders and ledger-vs-journal mismatches (all must be 0).

Usage: ``python bench/soak.py [--store magento2] [--ledger qbo] [--minutes 10] [--orders 300]
[--seed 23] [-v]``.
Prints the figures and exits non-zero on any duplicate, loss, mismatch, unfinished posting or
transient failure left in the error queue. ``--store`` is any store kind with a driver in
``testing/store_drivers``, ``--ledger`` any ledger kind with one in ``testing/ledger_drivers``.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE
from ecom_ledger_desktop.testing.ledger_drivers import ledger_kinds
from ecom_ledger_desktop.testing.soak import SoakPlan, run_soak
from ecom_ledger_desktop.testing.store_drivers import store_kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=store_kinds(), default=DEFAULT_DEMO_STORE,
                        help=f"the store kind (default {DEFAULT_DEMO_STORE})")
    parser.add_argument("--ledger", choices=ledger_kinds(), default=DEFAULT_DEMO_LEDGER,
                        help=f"the ledger kind (default {DEFAULT_DEMO_LEDGER})")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="how long to keep the faults coming (default 10)")
    parser.add_argument("--orders", type=int, default=300,
                        help="orders in the shop before the soak starts (default 300)")
    parser.add_argument("--per-round", type=int, default=8, help="new orders per round")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--max-pause", type=float, default=2.0,
                        help="longest wait between rounds, seconds (tokens expire meanwhile)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log retries and faults")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(asctime)s %(name)s %(message)s")

    def pause(rng: random.Random) -> None:
        time.sleep(rng.uniform(0.0, args.max_pause))

    plan = SoakPlan(seed=args.seed, seed_orders=args.orders, new_orders_per_round=args.per_round,
                    deadline=time.monotonic() + args.minutes * 60, pause=pause,
                    revoke_round=3, final_runs=20)
    with tempfile.TemporaryDirectory(prefix="fault-soak-") as tmp:
        report = run_soak(Path(tmp), plan, log=print, store=args.store,
                            ledger=args.ledger)
    print()
    print(f"store: {args.store}; ledger: {args.ledger}")
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
