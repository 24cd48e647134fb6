"""The desktop app on the QuickBooks Desktop demo books: the app's background serves the Web
Connector, the demo's simulated Web Connector calls in (as its schedule does every minute) and
the orders reach the company file, with no QuickBooks installed (real widgets, real simulators)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import DemoEnvironment, start_demo

from .conftest import WAIT_MS


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnvironment]:
    """The demo on QuickBooks Desktop books (overrides the conftest's QuickBooks Online one)."""
    env = start_demo(tmp_path / "d", orders=20, events=EventBus(), ledger="qbd")
    yield env
    env.close()


def test_the_demo_web_connector_posts_the_orders_through_the_apps_service(
        qtbot, make_shell, demo) -> None:
    h = make_shell()
    qtbot.waitUntil(lambda: bool(h.ctx.background.companions), timeout=WAIT_MS)
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()  # the app's scheduled sync: the orders wait for the Web Connector
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    company = demo.ledger_sim.company.company
    assert not list(company.all("SalesReceipt", "Invoice"))
    reports: list[object] = []
    caller = threading.Thread(target=lambda: reports.append(demo.ledger_sim.call_in()))
    caller.start()  # the Web Connector's update (every minute in the demo)
    qtbot.waitUntil(lambda: bool(reports), timeout=60_000)
    caller.join()
    assert getattr(reports[0], "outcome", "") == "done", reports
    assert len(list(company.all("SalesReceipt", "Invoice"))) > 5
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)
