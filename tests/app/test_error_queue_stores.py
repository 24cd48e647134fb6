"""The error queue page, per store kind: an order the store's connector cannot read is shown as
the merchant knows it in that store, with where to correct it in that store's back office."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from ecom_ledger_desktop.app.views.error_queue import ErrorQueuePage
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import KINDS, ConnectorFactory
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService
from tests.contract.conftest import HARNESSES, START
from tests.contract.harness import StoreHarness
from tests.sync.conftest import bench_ledger, bench_rules

from .conftest import WAIT_MS


@pytest.fixture(params=["prestashop", "xcart"])
def store(request: pytest.FixtureRequest) -> Iterator[StoreHarness]:
    harness = HARNESSES[request.param]()
    yield harness
    harness.stop()


@pytest.fixture
def service(store: StoreHarness, tmp_path: Path) -> Iterator[SyncService]:
    """A pair of ``store``'s kind (its connector the harness's own) and QuickBooks Online."""
    ledger = bench_ledger()
    secrets = MemorySecretStore()
    db_path = tmp_path / "ledger-sync.sqlite3"
    pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                             store_url="http://store.invalid", store_token="unused",
                             start_date=START, demo=False, rules=bench_rules(),
                             store_kind=store.name)
    assert pair_id
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05))

    def store_factory(_config: Any, _secrets: Any) -> Any:
        return store.connector()

    yield SyncService(db_path, secrets, store_factory=store_factory,
                      ledger_factory=factory.ledger, events=EventBus())
    ledger.stop()


def test_an_unreadable_order_shows_its_number_lines_and_where_to_correct_it(
        qtbot, make_shell, store: StoreHarness, service: SyncService) -> None:
    kind = KINDS[store.name]
    bad = store.case_order(None, store.unreadable_total, email="ann.lee@example.com",
                           first_name="Ann", last_name="Lee")
    number = store.order_number(bad)
    h = make_shell(service=service)
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    page = h.shell.window.pages["errors"]
    assert isinstance(page, ErrorQueuePage)
    h.shell.window.show_page("errors")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    [entry] = page.model.rows()
    assert entry.code == "invalid_data" and entry.record_ref == number
    assert page.select_entry(entry.id)
    qtbot.waitUntil(lambda: page.detail.view is not None
                    and page.detail.view.details.entry.id == entry.id, timeout=WAIT_MS)
    assert number in page.detail.heading.text()
    shown = page.detail.order.text()
    assert "Ann Lee" in shown and "ann.lee@example.com" in shown
    assert "MB-TOTE-BLK" in shown and "WB-BOTTLE" in shown
    fixes = page.detail.fixes
    assert fixes is not None
    words = [label.text() for label in fixes.findChildren(QLabel)]
    advice = (f"Open the order in your {kind.brand} admin ({kind.orders_in_back_office} › "
              f"#{number}), correct it and save")
    assert any(text.startswith(advice) for text in words), words
    assert "retry" in fixes.buttons and "ignore" in fixes.buttons
