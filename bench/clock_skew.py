"""Clock-skew trial: orders written while syncs run, the shop's clocks disagreeing.

Usage: ``python bench/clock_skew.py [--orders 40] [--skews -3600,-600,-30,600]``.

Per skew, a Magento simulator whose ``Date`` header runs ``skew`` seconds off the clock that stamps
``updated_at`` (a MySQL session not in UTC, a CDN), and this computer agreeing with the header.
Orders arrive while syncs run back to back (one in three committed up to 3 s after it was stamped,
like a slow checkout), so many land in the cursor's second after a read. Prints, per skew, orders
in the store, posted, lost and duplicated; exits non-zero unless every skew loses and duplicates 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.demo import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_COMPANY,
    REDIRECT_URI,
    STORE_TOKEN,
    configure_pair,
)
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.magento2.seed_catalog import DEMO_CATALOG
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService

WIRE = "%Y-%m-%d %H:%M:%S"


class OffsetClock:
    """This computer's clock, agreeing with the shop's ``Date`` header (``skew`` off updated_at)."""

    def __init__(self, skew: float) -> None:
        self.skew = timedelta(seconds=skew)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew


def _spec(n: int, rng: random.Random, stamp: datetime | None) -> dict[str, object]:
    product = rng.choice(DEMO_CATALOG[:8])
    spec: dict[str, object] = {
        "customer": {"email": f"skew{n}@example.com", "firstname": "Skew", "lastname": f"N{n}"},
        "lines": [{"sku": product["sku"], "name": product["name"], "qty": 1,
                   "price": str(product["price"])}],
        "shipping": "5.00", "currency": "USD", "payment_method": "checkmo", "paid": True}
    if stamp is not None:  # committed after it was stamped
        spec["created_at"] = spec["updated_at"] = stamp.strftime(WIRE)
    return spec


def trial(skew: int, orders: int, seed: int) -> tuple[int, int, int, int, int]:
    """One skew: returns (in store, posted, lost, duplicated, syncs)."""
    rng = random.Random(seed)
    store = Magento2Simulator(token=STORE_TOKEN, seed=seed, seed_orders=0).start()
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=1.0, limits=True,
                          company_profile=DEMO_COMPANY).start()
    ledger.seed_items([{"sku": p["sku"], "name": p["name"], "price": p["price"], "qty": 100}
                       for p in DEMO_CATALOG])
    store.configure(date_skew_seconds=skew)
    try:
        with tempfile.TemporaryDirectory(prefix="clock-skew-") as tmp:
            secrets = MemorySecretStore()
            db = Path(tmp) / "state.sqlite3"
            start = (store.clock.now() - timedelta(days=1)).date()
            pair = configure_pair(db, secrets, ledger=ledger.demo_connection(),
                                  store_url=store.base_url, store_token=STORE_TOKEN,
                                  start_date=start, demo=False)
            factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05))
            service = SyncService(db, secrets, store_factory=factory.store,
                                  ledger_factory=factory.ledger, clock=OffsetClock(skew))
            done = threading.Event()

            def produce() -> None:
                for n in range(orders):
                    late = n % 3 == 2
                    stamp = store.clock.now() - timedelta(seconds=rng.uniform(0, 3)) if late \
                        else None
                    store.add_order(_spec(n, rng, stamp))
                    time.sleep(rng.uniform(0, 0.25))
                done.set()

            producer = threading.Thread(target=produce, daemon=True)
            producer.start()
            syncs = 0
            while not done.is_set():
                service.run_pair(pair, "schedule")
                syncs += 1
            producer.join()
            for _ in range(2):  # the runs after the last order
                service.run_pair(pair, "schedule")
                syncs += 1
        numbers = {str(row["increment_id"]) for row in store.state.order_rows()}
        posted = Counter(str(d.get("DocNumber")) for d in ledger.entities("SalesReceipt")
                         if "Voided" not in str(d.get("PrivateNote", "")))
        duplicated = sum(count - 1 for count in posted.values() if count > 1)
        lost = len(numbers - set(posted))
        return len(numbers), len(set(posted) & numbers), lost, duplicated, syncs
    finally:
        store.stop()
        ledger.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--skews", default="-3600,-600,-30,600",
                        help="seconds the Date header runs ahead of updated_at (comma-separated)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    started = time.monotonic()
    print(f"{'skew (s)':>9} {'in store':>9} {'posted':>7} {'lost':>5} {'duplicated':>11} "
          f"{'syncs':>6}")
    failed = False
    for skew in (int(s) for s in args.skews.split(",")):
        in_store, posted, lost, duplicated, syncs = trial(skew, args.orders, args.seed)
        failed = failed or lost > 0 or duplicated > 0
        print(f"{skew:>9} {in_store:>9} {posted:>7} {lost:>5} {duplicated:>11} {syncs:>6}")
    print(f"wall time: {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
