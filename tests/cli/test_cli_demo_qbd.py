"""``ecom-ledger demo --ledger qbd``: the demo's orders reach a simulated QuickBooks Desktop
company through a simulated Web Connector calling the app's own Web Connector service, with
no QuickBooks installed; only the planted problems are flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli import main
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import demo_ledger_name, start_ledger

#: what the demo plants (the books lack a product or two; an order stays unpaid past 30 days; a
#: refund of it waits for it), and a store bundle taxed without a rate, which QuickBooks Desktop
#: cannot put on a Sales Tax item without one
PLANTED = {"unmapped_sku", "unpaid_order", "waiting", "unmapped_tax_rate"}


@pytest.mark.parametrize("store", ["magento2", "prestashop"])
def test_the_demo_posts_through_the_web_connector(tmp_path: Path, capsys, store: str) -> None:
    data_dir = tmp_path / "demo"
    code = main(["--data-dir", str(data_dir), "--json", "demo", "--ledger", "qbd", "--store",
                 store, "--orders", "40"])
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 3) and report["ledger"] == "qbd"
    assert report["summary"]["posted"] > 25
    assert set(report["flagged_by_problem"]) <= PLANTED, report["flagged_by_problem"]
    assert report["flagged_by_problem"].get("unmapped_sku", 0) >= 1
    state = State(paths.database_path(data_dir))
    try:
        books = state.connections.connection(demo_ledger_name("qbd"))
        assert books is not None and books.kind == "qbd" and books.demo
        assert "webconnector_password" not in json.dumps(books.settings)
        # nothing left waiting for QuickBooks; only what waits for a flagged record
        waiting = report["flagged_by_problem"].get("waiting", 0)
        # (a refund's pay-out waits with its refund, which the queue names)
        assert len([p for p in state.journal.open_postings(1)
                    if p.doc_kind != "refund_payout"]) == waiting
    finally:
        state.close()


def test_the_demo_web_connector_calls_on_its_schedule_and_waits_for_the_service() -> None:
    """Before the app's service listens, the simulated Web Connector's update finds nobody and
    the next one is due a minute later (as QBWC's schedule does)."""
    books = start_ledger([{"sku": "MB-TOTE", "name": "Canvas Tote", "price": "24.00"},
                          {"sku": "MB-MUG", "name": "Mug", "price": "9.00"}], kind="qbd")
    try:
        settings, secrets = books.demo_connection()
        assert settings["port"] == str(books.port) and settings["scheduler_minutes"] == "1"
        assert secrets == {"webconnector_password": books.password}
        report = books.call_in()
        assert report.outcome == "unreachable"
        assert books.schedule.interval.total_seconds() == 60
        items = {r.name for r in books.company.company.all("ItemInventory")}
        assert items == {"MB-TOTE"}  # the last product is the planted unknown one
    finally:
        books.stop()
