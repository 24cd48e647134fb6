"""``ecom-ledger connections authorize`` for FreshBooks: the business comes from the signed-in
user (FreshBooks' redirect names none), in FreshBooks' words; a user of several businesses types
the number of the one to post to."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli import main
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore

CLIENT_ID, CLIENT_SECRET = "fb-cli", "fb-cli-secret"
REDIRECT = "https://relay.example.com/oauth-relay/"


@pytest.fixture(autouse=True)
def keyring(monkeypatch) -> MemorySecretStore:
    """One in-memory keyring for every command of a test (in this process)."""
    store = MemorySecretStore()
    monkeypatch.setattr("ecom_ledger_desktop.cli.context.open_secret_store", lambda: store)
    return store


@pytest.fixture
def sim() -> Iterator[FreshBooksSimulator]:
    with FreshBooksSimulator(CLIENT_ID, CLIENT_SECRET, (REDIRECT,),
                             other_businesses=(("XYZ321", "Side Shop"),)) as running:
        yield running


def _add(data_dir: Path, sim: FreshBooksSimulator, monkeypatch) -> None:
    """Added without a browser (as the CLI does), then its business forgotten: the merchant
    signs in to say which."""
    base = sim.base_url
    monkeypatch.setenv("FB_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("FB_REFRESH", str(sim.issue_tokens()["refresh_token"]))
    assert main(["--data-dir", str(data_dir), "connections", "add", "books", "--kind",
                 "freshbooks", "--client-id", CLIENT_ID, "--client-secret-env", "FB_SECRET",
                 "--refresh-token-env", "FB_REFRESH", "--account-id", "ACM123",
                 "--business-name", "Acme Goods", "--redirect-uri", REDIRECT,
                 "--api-base", base, "--auth-url", f"{base}/oauth/authorize",
                 "--token-url", f"{base}/auth/oauth/token"]) == 0
    state = State(paths.database_path(data_dir))
    try:
        config = state.connections.connection("books")
        assert config is not None and config.id is not None
        kept = {k: v for k, v in config.settings.items()
                if k not in ("account_id", "business_name")}
        with state.tx():
            state.connections.update_settings(config.id, kept)
            state.connections.set_connection_status(config.id, "needs_reauthorisation", "")
    finally:
        state.close()


def _authorize(data_dir: Path, monkeypatch, typed: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    return main(["--data-dir", str(data_dir), "--json", "connections", "authorize", "books"])


def _settings(data_dir: Path) -> dict[str, str]:
    state = State(paths.database_path(data_dir))
    try:
        config = state.connections.connection("books")
    finally:
        state.close()
    assert config is not None
    return {**config.settings, "status": config.status}


def test_a_user_of_several_businesses_types_the_number_of_one(tmp_path, sim, monkeypatch,
                                                              capsys) -> None:
    data_dir = tmp_path / "data"
    _add(data_dir, sim, monkeypatch)
    capsys.readouterr()
    code = sim.oauth.issue_code(REDIRECT)  # what the relay page shows after signing in
    assert _authorize(data_dir, monkeypatch, f"{code}\n2\n") == 0
    captured = capsys.readouterr()
    assert "belongs to 2 businesses" in captured.err and "2. Side Shop (account XYZ321)" in \
        captured.err
    assert "Intuit" not in captured.err + captured.out and "realm" not in captured.out
    assert json.loads(captured.out)["account_id"] == "XYZ321"
    settings = _settings(data_dir)
    assert (settings["account_id"], settings["business_name"], settings["status"]) == (
        "XYZ321", "Side Shop", "ok")
    assert "✓" in _test(data_dir, capsys)


def test_a_number_out_of_range_connects_nothing_and_says_so(tmp_path, sim, monkeypatch,
                                                            capsys) -> None:
    data_dir = tmp_path / "data"
    _add(data_dir, sim, monkeypatch)
    code = sim.oauth.issue_code(REDIRECT)
    assert _authorize(data_dir, monkeypatch, f"{code}\n7\n") == 1
    assert "'7' is not one of the numbers 1 to 2" in capsys.readouterr().err
    assert _settings(data_dir)["status"] != "ok" and "account_id" not in _settings(data_dir)


def _test(data_dir: Path, capsys) -> str:
    main(["--data-dir", str(data_dir), "connections", "test", "books"])
    return capsys.readouterr().out
