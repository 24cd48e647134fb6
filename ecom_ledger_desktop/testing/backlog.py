"""The backlog benchmark: a first sync of many historical orders, batched vs one by one.

The simulators run in this process with the real QuickBooks limits on a compressed clock; each
strategy syncs in a child process (so its peak memory is its own) against fresh simulators.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.demo import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_COMPANY,
    REDIRECT_URI,
    STORE_TOKEN,
    configure_pair,
)
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.secrets.store import KeyringSecretStore
from ecom_ledger_desktop.testing.file_keyring import TestFileKeyring

BATCH_OPS_PER_MINUTE = 30 * 40  # 30 operations a batch, 40 batches a minute
#: Every kind of object a sync can create in QuickBooks: the floor counts each one it created.
WRITTEN_ENTITIES = ("Customer", "Item", "SalesReceipt", "Invoice", "Payment", "RefundReceipt",
                    "CreditMemo", "Account", "PaymentMethod", "TaxCode")
KEYRING_BACKEND = "ecom_ledger_desktop.testing.file_keyring.TestFileKeyring"


@dataclass
class BacklogResult:
    """Figures of one strategy."""

    strategy: str
    orders: int
    posted: int
    status: str
    wall_seconds: float
    bound_seconds: float
    requests: int
    queries: int
    peak_rss_mb: float

    @property
    def ratio(self) -> float:
        """Wall time over the lower bound the limits allow."""
        return self.wall_seconds / self.bound_seconds if self.bound_seconds else float("inf")

    def line(self) -> str:
        """One printable row."""
        return (f"{self.strategy:<6} posted {self.posted:>6}/{self.orders:<6} {self.status:<8} "
                f"wall {self.wall_seconds:7.1f} s  bound {self.bound_seconds:6.1f} s  "
                f"ratio {self.ratio:5.2f}x  calls/order {self.requests / self.orders:5.3f}  "
                f"lookups/order {self.queries / self.orders:5.3f}  "
                f"peak RSS {self.peak_rss_mb:6.1f} MB")


def _catalog(items: int) -> list[dict[str, Any]]:
    return [{"sku": f"SKU-{n:04d}", "name": f"Product {n:04d}", "price": f"{5 + n % 90}.{n % 100:02d}",
             "qty": 1000} for n in range(items)]


def _seed_orders(store: Any, catalog: list[dict[str, Any]], orders: int, customers: int,
                 rng: random.Random) -> None:
    now = store.clock.now()
    for n in range(orders):
        buyer = rng.randrange(customers)
        lines = [{"sku": p["sku"], "name": p["name"], "qty": rng.randint(1, 3),
                  "price": p["price"]} for p in rng.sample(catalog, rng.randint(1, 3))]
        created = now - timedelta(days=30, seconds=-n)
        stamp = created.strftime("%Y-%m-%d %H:%M:%S")
        store.add_order({"customer": {"email": f"customer{buyer}@example.com",
                                      "firstname": "Customer", "lastname": f"No {buyer}"},
                         "lines": lines, "shipping": "4.95", "currency": "USD",
                         "payment_method": "checkmo", "paid": True,
                         "created_at": stamp, "updated_at": stamp})


def run_strategy(workdir: Path, strategy: str, *, orders: int, customers: int, items: int,
                 scale: float, seed: int = 5) -> BacklogResult:
    """Fresh simulators, a seeded backlog, one child sync; returns its figures."""
    from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
    from ecom_ledger_desktop.sandbox.qbo import QboSimulator

    store = Magento2Simulator(token=STORE_TOKEN, seed=seed, seed_orders=0).start()
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=scale, limits=True,
                          company_profile=DEMO_COMPANY).start()
    try:
        catalog = _catalog(items)
        ledger.seed_items(catalog)
        _seed_orders(store, catalog, orders, customers, random.Random(seed))
        data = workdir / strategy
        data.mkdir(parents=True)
        keyring_file = workdir / f"{strategy}-keyring.json"
        os.environ["ECOM_TEST_KEYRING_FILE"] = str(keyring_file)
        start = (store.clock.now() - timedelta(days=60)).date()
        configure_pair(data / "ledger-sync.sqlite3", KeyringSecretStore(TestFileKeyring()),
                       ledger=ledger.demo_connection(), store_url=store.base_url,
                       store_token=STORE_TOKEN, start_date=start,
                       demo=False, rules=PostingRules(start_date=start, write_back_comment=False),
                       ledger_settings={"limits_time_scale": str(scale),
                                        "batch_requests": "on" if strategy == "batch" else "off"})
        before = ledger.stats()
        existing = _entity_counts(ledger)
        env = {**os.environ, "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
               "ECOM_TEST_KEYRING_FILE": str(keyring_file)}
        out = subprocess.run([sys.executable, "-m", "ecom_ledger_desktop.testing.backlog",
                              "--child", str(data)], env=env, capture_output=True, text=True,
                             check=True, timeout=7200)
        child = json.loads(out.stdout.strip().splitlines()[-1])
        after = ledger.stats()
        created = _entity_counts(ledger)
        ops = sum(created[name] - existing[name] for name in WRITTEN_ENTITIES)
        return BacklogResult(
            strategy=strategy, orders=orders, posted=int(child["posted"]),
            status=str(child["status"]), wall_seconds=float(child["wall"]),
            bound_seconds=ops / BATCH_OPS_PER_MINUTE * 60 / scale,
            requests=int(after["requests"] - before["requests"]),
            queries=int(after["query"] - before["query"]),
            peak_rss_mb=float(child["rss_mb"]))
    finally:
        store.stop()
        ledger.stop()


def _entity_counts(ledger: Any) -> dict[str, int]:
    return {name: len(ledger.entities(name)) for name in WRITTEN_ENTITIES}


def peak_rss_mb() -> float:
    """This process's own peak resident set size.

    Linux's ``VmHWM`` belongs to this program's memory alone; ``getrusage``'s ``ru_maxrss`` also
    counts the parent's resident set at the fork (here the bench, holding both simulators and
    every seeded order), so it is used only where ``/proc`` does not exist.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    per_mb = 2**20 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / per_mb


def _child(data_dir: Path) -> None:
    from ecom_ledger_desktop.connectors.registry import ConnectorFactory
    from ecom_ledger_desktop.sync.service import SyncService

    factory = ConnectorFactory()
    service = SyncService(data_dir / "ledger-sync.sqlite3", KeyringSecretStore(TestFileKeyring()),
                          store_factory=factory.store, ledger_factory=factory.ledger)
    started = time.monotonic()
    summary = service.run_pair(1, "backlog")
    wall = time.monotonic() - started
    rss_mb = peak_rss_mb()
    print(json.dumps({"wall": wall, "posted": summary.posted, "status": summary.status,
                      "message": summary.message, "rss_mb": rss_mb}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]))
