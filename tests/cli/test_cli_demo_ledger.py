"""``ecom-ledger demo --ledger KIND``: the demo posts to any ledger kind that declares a demo
simulator (protocol in ``ecom_ledger_desktop.demo``), named in the kind's own words; the ledger
simulator seeds the catalogue's items and the buyer it knows twice itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli import main
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    ConnectorFactory,
    demo_ledgers,
)
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import demo_ledger_name, demo_pair_name, start_ledger
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import MemorySecretStore

LEDGERS = [kind.name for kind in demo_ledgers()]
#: the ledgers the app reaches itself (OAuth); one whose own client calls the app (a companion,
#: e.g. the Web Connector) has its demo tested in test_cli_demo_qbd.py
REACHED = [kind.name for kind in demo_ledgers() if not kind.companion]


@pytest.mark.parametrize("ledger", REACHED)
def test_a_ledger_simulators_demo_connection_works_and_is_fresh_each_time(ledger: str) -> None:
    sim = start_ledger([{"sku": "MB-TOTE", "name": "Canvas Tote", "price": "24.00"}],
                       kind=ledger)
    try:
        settings, secrets = sim.demo_connection()
        again = sim.demo_connection()[1]
        assert again["refresh_token"] != secrets["refresh_token"]  # a fresh grant each time
        store = MemorySecretStore()
        for key, value in secrets.items():
            store.set("books", key, value)
        connector = ConnectorFactory().ledger(
            ConnectionConfig(name="books", kind=ledger, settings=settings), store)
        try:
            checks = connector.check()
            assert checks and all(check.ok for check in checks), checks
        finally:
            connector.close()
    finally:
        sim.stop()


@pytest.mark.parametrize("ledger", [name for name in REACHED if name != DEFAULT_DEMO_LEDGER])
def test_the_demo_posts_to_the_ledger_kind_the_merchant_picks(tmp_path: Path, capsys,
                                                              ledger: str) -> None:
    data_dir = tmp_path / "demo"
    code = main(["--data-dir", str(data_dir), "--json", "demo", "--ledger", ledger,
                 "--orders", "40"])
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 3) and report["ledger"] == ledger
    assert report["summary"]["posted"] > 20
    state = State(paths.database_path(data_dir))
    try:
        books = state.connections.connection(demo_ledger_name(ledger))
        pair = state.connections.pair(demo_pair_name(ledger))
    finally:
        state.close()
    assert books is not None and books.kind == ledger and books.demo
    assert pair is not None and pair.ledger_id == books.id
    # the planted problems: the books know the buyer twice and lack a few store SKUs
    assert report["flagged_by_problem"].get("duplicate_customer") == 1
    assert report["flagged_by_problem"].get("unmapped_sku", 0) >= 1


def test_the_demo_ledger_defaults_to_the_default_kind_and_lists_the_choices(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = capsys.readouterr().out
    assert f"default {DEFAULT_DEMO_LEDGER}" in help_text
    assert all(name in help_text for name in LEDGERS) and len(LEDGERS) >= 2


def test_the_serving_demo_takes_the_ledger_choice() -> None:
    from ecom_ledger_desktop.demo import serve_parser

    assert serve_parser().parse_args(["--serve"]).ledger == DEFAULT_DEMO_LEDGER
    for ledger in LEDGERS:
        assert serve_parser().parse_args(["--serve", "--ledger", ledger]).ledger == ledger
