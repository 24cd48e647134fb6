"""Idle poll cost: a scheduled sync with nothing new must cost <= 1 request per connection.

Usage: ``python bench/idle_poll.py [--polls 10] [--inventory]``. Seeds a shop, syncs it once, then
runs idle polls and prints requests per poll for the store and the ledger against the bound of 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.demo import STORE_TOKEN, configure_pair, start_simulators
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.request_counts import (
    ledger_requests,
    store_requests,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--polls", type=int, default=10)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--inventory", action="store_true",
                        help="the ledger is the inventory master (a CDC call per poll)")
    args = parser.parse_args()
    store, ledger = start_simulators(args.orders)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            secrets = MemorySecretStore()
            db = Path(tmp) / "state.sqlite3"
            start = (ledger.clock.now() - timedelta(days=90)).date()
            pair = configure_pair(db, store.base_url, ledger.base_url, ledger.realm_id, secrets,
                                  store_token=STORE_TOKEN,
                                  refresh_token=ledger.issue_tokens()["refresh_token"],
                                  start_date=start, rules=PostingRules(
                                      start_date=start,
                                      inventory_master="ledger" if args.inventory else "none"))
            factory = ConnectorFactory()
            clock = ManualClock(datetime.now(UTC))  # the schedule's clock: 15 minutes a poll
            service = SyncService(db, secrets, store_factory=factory.store,
                                  ledger_factory=factory.ledger, clock=clock)
            first = service.run_pair(pair, "first")
            print(f"first sync: {first.status}, posted {first.posted}, flagged {first.flagged}")
            clock.advance(15 * 60)
            service.run_pair(pair, "settle")  # re-reads what our own write-back comments touched
            store_before, ledger_before = store_requests(store), ledger_requests(ledger)
            for _ in range(args.polls):
                clock.advance(15 * 60)
                service.run_pair(pair, "schedule")
            per_store = (store_requests(store) - store_before) / args.polls
            per_ledger = (ledger_requests(ledger) - ledger_before) / args.polls
    finally:
        store.stop()
        ledger.stop()
    print(f"idle polls: {args.polls}")
    print(f"store requests per poll:  {per_store:.2f}  (bound 1, ratio {per_store:.2f})")
    print(f"ledger requests per poll: {per_ledger:.2f}  (bound 1, ratio {per_ledger:.2f})")
    return 0 if per_store <= 1 and per_ledger <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
