"""``ecom-ledger demo --store KIND``: the demo runs on any store kind that declares a demo
simulator, named in the kind's own words; the choices are read from the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli import main
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_STORE, KINDS, registered
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from tests.support.acme_shop import ACME_SHOP


def _connections(data_dir: Path) -> dict[str, tuple[str, dict[str, str], bool]]:
    state = State(paths.database_path(data_dir))
    try:
        return {c.name: (c.kind, dict(c.settings), c.demo) for c in state.connections.connections()}
    finally:
        state.close()


def test_the_demo_runs_on_the_store_kind_the_merchant_picks(tmp_path: Path, capsys) -> None:
    data_dir = tmp_path / "demo"
    with registered(ACME_SHOP):
        code = main(["--data-dir", str(data_dir), "--json", "demo", "--store", "acmeshop",
                     "--orders", "12"])
        report = json.loads(capsys.readouterr().out)
        connections = _connections(data_dir)
    assert code in (0, 3)
    assert report["store"] == "acmeshop"
    assert report["summary"]["posted"] > 0 and report["summary"]["fetched"] >= 13
    # the connection is the kind's, named in its words, with the simulator's own settings
    kind, settings, demo = connections["Demo Acme shop"]
    assert (kind, demo) == ("acmeshop", True)
    assert set(settings) == {"shop_url"} and settings["shop_url"].startswith("http://127.0.0.1:")
    # the demo's planted problems come from the simulator's seed, not from the demo
    assert report["flagged_by_problem"].get("duplicate_customer") == 1


def test_the_demo_store_defaults_to_the_default_kind_and_lists_the_choices(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = capsys.readouterr().out
    assert f"default {DEFAULT_DEMO_STORE}" in help_text
    assert KINDS[DEFAULT_DEMO_STORE].system in help_text
    with registered(ACME_SHOP), pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "acmeshop (Acme Shop)" in capsys.readouterr().out


def test_a_store_without_a_demo_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(tmp_path / "d"), "demo", "--store", "nosuchshop"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nosuchshop'" in capsys.readouterr().err


def test_the_serving_demo_takes_the_same_choice_and_hands_over_the_stores_connection() -> None:
    from ecom_ledger_desktop.demo import DemoEndpoints, serve_parser

    assert serve_parser().parse_args(["--serve"]).store == DEFAULT_DEMO_STORE
    with registered(ACME_SHOP):
        assert serve_parser().parse_args(["--serve", "--store", "acmeshop"]).store == "acmeshop"
    endpoints = DemoEndpoints("acmeshop", {"shop_url": "http://127.0.0.1:1"}, {"api_key": "k"},
                              {"checkmo": "Check"}, "acmebooks",
                              {"api_base": "http://127.0.0.1:2"}, {"refresh_token": "refresh"})
    assert DemoEndpoints.from_json(endpoints.to_json()) == endpoints


@pytest.mark.parametrize(("store", "offline_words"), [
    ("prestashop", "bank wire, cash on delivery or check"),
    ("xcart", "phone ordering, purchase order or wire transfer"),
])
def test_the_demo_on_each_new_store_flags_only_its_planted_problems(
        tmp_path: Path, capsys, store: str, offline_words: str) -> None:
    code = main(["--data-dir", str(tmp_path / "demo"), "--json", "demo", "--store", store,
                 "--orders", "40"])
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 3) and report["store"] == store
    assert report["summary"]["posted"] >= 30
    flagged = report["flagged_by_problem"]
    assert set(flagged) <= {"unmapped_sku", "duplicate_customer", "unpaid_order"}, flagged
    assert flagged.get("duplicate_customer") == 1 and 1 <= flagged.get("unmapped_sku", 0) <= 4
    unpaid = next(line for line in report["books"] if line.startswith("Unpaid orders"))
    assert offline_words in unpaid, "the books name the store's own offline payment methods"
    assert "check / money order" not in unpaid, "not Magento's"
