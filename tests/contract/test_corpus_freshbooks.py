"""The bad-input corpus against FreshBooks: every case of ``tests/corpus/<store>/`` played on a
FreshBooks business instead of a QuickBooks company, checking the ledger-neutral promises only
(the case files' ``expect`` details are QuickBooks' document shapes):

- no run fails, and a good order synced next to the bad one posts, equal to the store's total;
- nothing is dropped: each case order is a live FreshBooks invoice equal to the store's total
  to the cent, or has exactly one open entry naming it, with a fix; a case that expects a post
  posts (a case QuickBooks flags may post on FreshBooks where FreshBooks can hold it, e.g. an
  order in yen: a FreshBooks invoice carries any currency);
- one more sync posts nothing and changes nothing in FreshBooks.

Documents are found through the journal (FreshBooks' notes carry only a reference of the key).
Cases marked ``xfail`` (known bugs of the QuickBooks side) are left out; the default demo
store's cases only (CI time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_STORE, ConnectorFactory
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.engine import RunSummary
from ecom_ledger_desktop.sync.service import SyncService
from tests.contract.conftest import START
from tests.contract.corpus_cases import GOOD_EMAIL, bad_order, case_files, load
from tests.contract.harness import StoreHarness
from tests.sync.conftest import CATALOG, bench_rules

SALES = ("sales_receipt", "invoice")


@dataclass
class FreshCorpusBench:
    store: StoreHarness
    ledger: FreshBooksSimulator
    service: SyncService
    db_path: Path
    pair_id: int

    def sync(self) -> RunSummary:
        return self.service.run_pair(self.pair_id, "test")

    def open_errors(self) -> list[Any]:
        state = State(self.db_path)
        try:
            return state.errors.entries(self.pair_id, "open")
        finally:
            state.close()

    def invoices(self, source_id: str) -> list[dict[str, Any]]:
        """The live FreshBooks invoices the journal posted for one order."""
        state = State(self.db_path)
        try:
            ids = {row.ledger_id for row in state.journal.for_record(self.pair_id, "order",
                                                                      source_id)
                   if row.doc_kind in SALES and row.state == "posted" and row.ledger_id}
        finally:
            state.close()
        return [r for r in self.ledger.records("invoices")
                if str(r["id"]) in ids and r["vis_state"] == 0]

    def snapshot(self) -> list[tuple[str, Any, Any, Any]]:
        return sorted((resource, r["id"], r["vis_state"], (r.get("amount") or {}).get("amount"))
                      for resource in ("invoices", "payments", "credit_notes", "clients")
                      for r in self.ledger.records(resource))


@pytest.fixture
def bench(harness: StoreHarness, tmp_path: Path) -> Iterator[FreshCorpusBench]:
    ledger = FreshBooksSimulator().start()
    for product in CATALOG:
        ledger.add("items", {"name": product["name"], "sku": product["sku"],
                             "unit_cost": {"amount": product["price"]}})
    secrets = MemorySecretStore()
    db_path = tmp_path / "ledger-sync.sqlite3"
    pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                             ledger_kind="freshbooks", store_url="http://store.invalid",
                             store_token="unused", start_date=START, demo=False,
                             rules=bench_rules())
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                  breaker_reset=0.5))

    def store_factory(config: Any, secrets: Any) -> StoreConnector:
        return harness.connector()

    service = SyncService(db_path, secrets, store_factory=store_factory,
                          ledger_factory=factory.ledger, events=EventBus())
    try:
        yield FreshCorpusBench(harness, ledger, service, db_path, pair_id)
    finally:
        ledger.stop()


def params() -> list[Any]:
    """The default demo store's cases (one store is enough to prove the ledger side; every
    store's cases would multiply the CI time)."""
    return [pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}")
            for path in case_files()
            if path.parent.name == DEFAULT_DEMO_STORE and not load(path).get("xfail")]


def _posted_equal(bench: FreshCorpusBench, order_id: str) -> bool:
    invoices = bench.invoices(order_id)
    if not invoices:
        return False
    assert len(invoices) == 1, f"order {order_id} is in FreshBooks {len(invoices)} times"
    currency = bench.store.order_currency(order_id)
    total = round_money(bench.store.order_total(order_id), currency)
    assert Decimal(str(invoices[0]["amount"]["amount"])) == total, "the store's total"
    return True


@pytest.mark.slow  # ~40 s for the 79 Magento cases; -m "not slow" leaves it out
@pytest.mark.parametrize(("make_harness", "path"), params(), indirect=["make_harness"])
def test_corpus_case_on_freshbooks(bench: FreshCorpusBench, path: Path) -> None:
    case = load(path)
    store = bench.store
    orders = [bad_order(store, case)]
    good = store.case_order(None, None, email=GOOD_EMAIL, first_name="Good", last_name="Buyer")
    if "store_fault" in case:
        store.case_break_answers(int(case["store_fault"]["corrupt_next"]),
                                 str(case["store_fault"]["mode"]))
    summaries = []
    for step in case.get("steps", [{"do": "sync"}]):
        action = step["do"]
        if action == "sync":
            summaries.append(bench.sync())
        elif action == "edit":
            store.case_edit(orders[0], step["changes"])
        elif action == "cancel":
            store.cancel(orders[0])
        elif action == "invoice":
            store.case_invoice(orders[0])
        elif action == "refund":
            store.case_refund(orders[0], step["spec"], step.get("memo_changes"))
        elif action == "add_order":
            orders.append(bad_order(store, step))
        elif action == "raw_changes":
            store.case_rewrite(orders[0], step["changes"])
    assert summaries and all(s.status in ("ok", "flagged") for s in summaries), summaries
    assert _posted_equal(bench, good), "the good order posts whatever happens to the bad one"
    expect, errors = case["expect"], bench.open_errors()
    for order_id in orders:
        number = store.order_label(order_id)
        naming = [e for e in errors if e.record_kind == "order" and (
            e.source_id == str(order_id) or number in e.message)]
        if _posted_equal(bench, order_id):
            continue
        if "skipped" in expect and not naming:
            continue
        assert len(naming) == 1, (number, "posts" in expect, [e.message for e in errors])
        assert naming[0].fixes, "every entry offers a fix"
    if "posts" in expect:  # as many case orders post as on QuickBooks (the others: flagged)
        posted = sum(1 for o in orders if bench.invoices(o))
        assert posted >= expect["posts"].get("count", 1), [e.message for e in errors]
    before = bench.snapshot()
    again = bench.sync()
    assert again.status in ("ok", "flagged") and again.posted == 0, again
    assert bench.snapshot() == before
