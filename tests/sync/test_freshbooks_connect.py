"""Connecting FreshBooks in the browser: the simulator's consent endpoint, the loopback listener,
and the business read from the signed-in user (FreshBooks' redirect names no account)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.connect_flow import OAuthConnect
from ecom_ledger_desktop.sync.oauth_callback import ConnectError, redirect_mode

CLIENT_ID, CLIENT_SECRET = "fb-desk", "fb-desk-secret"


@dataclass
class Setup:
    db: Path
    secrets: MemorySecretStore
    redirect: str

    def state(self) -> State:
        return State(self.db)

    def add(self, sim: FreshBooksSimulator, **extra: str) -> OAuthConnect:
        base = sim.base_url
        state = self.state()
        try:
            with state.tx():
                state.connections.add_connection(ConnectionConfig(
                    name="books", kind="freshbooks", status="needs_reauthorisation",
                    settings={"client_id": CLIENT_ID, "redirect_uri": self.redirect,
                              "api_base": base, "auth_url": f"{base}/oauth/authorize",
                              "token_url": f"{base}/auth/oauth/token",
                              # a test app may send the browser to localhost directly
                              "environment": "sandbox", **extra}))
        finally:
            state.close()
        self.secrets.set("books", "client_secret", CLIENT_SECRET)
        return OAuthConnect(self.state, self.secrets, "books")

    def connection(self) -> ConnectionConfig:
        state = self.state()
        try:
            config = state.connections.connection("books")
        finally:
            state.close()
        assert config is not None
        return config


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return Setup(tmp_path / "db.sqlite3", MemorySecretStore(),
                 f"http://127.0.0.1:{port}/callback")


def simulator(setup: Setup, *others: tuple[str, str]) -> Iterator[FreshBooksSimulator]:
    with FreshBooksSimulator(CLIENT_ID, CLIENT_SECRET, (setup.redirect,),
                             other_businesses=others) as sim:
        yield sim


def test_signing_in_saves_the_users_business_and_the_rotating_token(setup: Setup) -> None:
    for sim in simulator(setup):
        flow = setup.add(sim)
        page = httpx.get(flow.begin(), follow_redirects=True, timeout=10)  # the browser
        assert page.status_code == 200
        outcome = flow.wait(timeout=10)
        assert outcome.realm_id == sim.account_id
        assert outcome.message == f"Connected 'books' to FreshBooks business {sim.account_id}."
        config = setup.connection()
        assert config.status == "ok"
        assert (config.settings["account_id"], config.settings["business_name"]) == (
            sim.account_id, "Acme Goods")
        assert setup.secrets.get("books", "refresh_token")
        ledger = ConnectorFactory().ledger(config, setup.secrets)
        try:
            assert all(check.ok for check in ledger.check())
        finally:
            ledger.close()


def test_a_user_of_several_businesses_is_asked_to_choose(setup: Setup) -> None:
    for sim in simulator(setup, ("XYZ321", "Side Shop")):
        flow = setup.add(sim)
        httpx.get(flow.begin(), follow_redirects=True, timeout=10)
        with pytest.raises(ConnectError, match="belongs to 2 businesses") as refused:
            flow.wait(timeout=10)
        assert "'Side Shop' (account XYZ321)" in str(refused.value)
        assert setup.connection().status != "ok"


def test_the_connections_own_business_is_kept_when_the_user_has_several(setup: Setup) -> None:
    for sim in simulator(setup, ("XYZ321", "Side Shop")):
        flow = setup.add(sim, account_id="XYZ321")
        httpx.get(flow.begin(), follow_redirects=True, timeout=10)
        assert flow.wait(timeout=10).realm_id == "XYZ321"
        assert setup.connection().settings["business_name"] == "Side Shop"


def test_the_business_picked_after_signing_in_is_saved_without_signing_in_again(
        setup: Setup) -> None:
    for sim in simulator(setup, ("XYZ321", "Side Shop")):
        flow = setup.add(sim)
        httpx.get(flow.begin(), follow_redirects=True, timeout=10)
        with pytest.raises(ConnectError) as asked:
            flow.wait(timeout=10)
        assert asked.value.reason == "choose"
        labels = [label for label, _ in asked.value.choices]
        assert labels == ["Acme Goods (account ACM123)", "Side Shop (account XYZ321)"]
        tokens_before = sim.stats().get("oauth", 0)
        outcome = flow.choose(asked.value.choices[1][1])
        assert outcome.realm_id == "XYZ321"
        assert outcome.message == "Connected 'books' to FreshBooks business XYZ321."
        assert sim.stats().get("oauth", 0) == tokens_before
        config = setup.connection()
        assert config.status == "ok" and config.settings["business_name"] == "Side Shop"


def test_refusals_speak_of_freshbooks_not_intuit(setup: Setup) -> None:
    for sim in simulator(setup):
        flow = setup.add(sim)
        flow.begin()
        flow.cancel()
        with pytest.raises(ConnectError) as cancelled:
            flow.wait(timeout=10)
        assert str(cancelled.value).startswith("FreshBooks did not connect")
    with pytest.raises(ConnectError, match=r"^FreshBooks does not accept a localhost"):
        redirect_mode("http://localhost:8765/callback", "production", "FreshBooks")
