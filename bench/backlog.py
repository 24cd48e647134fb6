"""Backlog throughput: a first sync of historical orders, batched vs naive, side by side.

Usage: ``python bench/backlog.py [--orders 10000] [--customers 2000] [--items 500] [--scale 10]``.
The QuickBooks simulator enforces the real limits (500 requests/min, 10 at once, 40 batches/min,
30 operations a batch) on a clock ``--scale`` times faster. Prints, per strategy: wall time as a
ratio to the lower bound those limits allow for the operations needed, API calls and lookups per
order, and peak RSS of the syncing process. Targets: <= 1.1x, <= 0.1 lookups/order, <= 250 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.testing.backlog import run_strategy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--strategies", default="batch,naive")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="backlog-") as tmp:
        for strategy in args.strategies.split(","):
            result = run_strategy(Path(tmp), strategy, orders=args.orders,
                                  customers=args.customers, items=args.items, scale=args.scale)
            print(result.line(), flush=True)
            results.append(result)
    batch = next((r for r in results if r.strategy == "batch"), None)
    if batch is None:
        return 0
    ok = batch.ratio <= 1.1 and batch.queries / batch.orders <= 0.1 and batch.peak_rss_mb <= 250
    print("targets met" if ok else "targets NOT met (see ratio, lookups/order, peak RSS)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
