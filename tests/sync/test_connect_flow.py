"""Connecting QuickBooks Online through the simulator's real consent endpoint and a loopback listener."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.connect_flow import OAuthConnect
from ecom_ledger_desktop.sync.oauth_callback import (
    ConnectError,
    LoopbackListener,
    parse_pasted_redirect,
    redirect_mode,
    relay_target,
)

REPO = Path(__file__).resolve().parents[2]
RELAY = "https://relay.example.com/oauth-relay/"
CLIENT_ID, CLIENT_SECRET = "desk-client", "desk-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Setup:
    sim: QboSimulator
    db: Path
    secrets: MemorySecretStore
    direct_uri: str

    def state(self) -> State:
        return State(self.db)

    def add(self, name: str, redirect_uri: str, environment: str, **extra: str) -> None:
        base = self.sim.base_url
        settings = {"client_id": CLIENT_ID, "redirect_uri": redirect_uri, "api_base": base,
                    "environment": environment, "auth_url": f"{base}/connect/oauth2",
                    "token_url": f"{base}/oauth2/v1/tokens/bearer",
                    "revoke_url": f"{base}/v2/oauth2/tokens/revoke", **extra}
        state = self.state()
        try:
            with state.tx():
                state.connections.add_connection(ConnectionConfig(
                    name=name, kind="qbo", settings=settings, status="needs_reauthorisation"))
        finally:
            state.close()
        self.secrets.set(name, "client_secret", CLIENT_SECRET)

    def flow(self, name: str) -> OAuthConnect:
        return OAuthConnect(self.state, self.secrets, name)

    def connection(self, name: str) -> ConnectionConfig:
        state = self.state()
        try:
            config = state.connections.connection(name)
        finally:
            state.close()
        assert config is not None
        return config


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    direct = f"http://127.0.0.1:{_free_port()}/callback"
    sim = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       redirect_uris=(direct, RELAY), limits=False)
    sim.start()
    try:
        yield Setup(sim, tmp_path / "db.sqlite3", MemorySecretStore(), direct)
    finally:
        sim.stop()


def _consent(url: str) -> str:
    """What Intuit's consent page answers: the redirect target (not followed)."""
    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    values = {k: v[0] for k, v in parse_qs(parts.query).items()}
    values.update(changes)
    return urlunsplit(parts._replace(query=urlencode(values)))


def test_sandbox_keys_redirect_to_localhost_and_the_tokens_land_in_the_keyring(setup: Setup) -> None:
    setup.add("books", setup.direct_uri, "sandbox")
    flow = setup.flow("books")
    url = flow.begin()
    assert flow.mode == "direct" and f"state={flow.state}" in url
    page = httpx.get(url, follow_redirects=True, timeout=10)  # the browser, end to end
    assert page.status_code == 200 and "You can close this window" in page.text
    outcome = flow.wait(timeout=10)
    assert outcome.realm_id == setup.sim.realm_id
    assert setup.secrets.get("books", "refresh_token")
    config = setup.connection("books")
    assert config.status == "ok" and config.settings["realm_id"] == setup.sim.realm_id
    ledger = ConnectorFactory().ledger(config, setup.secrets)
    try:
        assert all(check.ok for check in ledger.check())
    finally:
        ledger.close()


def test_production_keys_go_through_the_https_relay_page_carrying_the_port_in_state(
        setup: Setup) -> None:
    setup.add("books", RELAY, "production")
    flow = setup.flow("books")
    url = flow.begin()
    assert flow.mode == "relay"
    landing = _consent(url)
    assert landing.startswith(RELAY)
    port = int(flow.state.split(".")[0])
    target = relay_target(landing)  # what the relay page's script does
    assert target.startswith(f"http://127.0.0.1:{port}/callback?")
    assert httpx.get(target, timeout=10).status_code == 200
    assert flow.wait(timeout=10).realm_id == setup.sim.realm_id
    assert setup.secrets.get("books", "refresh_token")


def test_a_forged_callback_is_refused_and_the_real_sign_in_still_completes(setup: Setup) -> None:
    setup.add("books", setup.direct_uri, "sandbox")
    flow = setup.flow("books")
    landing = _consent(flow.begin())
    forged = httpx.get(_with_query(landing, state="forged"), timeout=10)
    assert forged.status_code == 400 and "did not match" in forged.text
    denied = httpx.get(_with_query(landing, state="forged", error="access_denied"), timeout=10)
    assert denied.status_code == 400, "a forged refusal cannot end the sign-in either"
    assert setup.secrets.get("books", "refresh_token") is None, "nothing was exchanged"
    assert setup.connection("books").status == "needs_reauthorisation"

    real = httpx.get(landing, timeout=10)  # the merchant's own browser, after the forgeries
    assert real.status_code == 200 and "You can close this window" in real.text
    assert flow.wait(timeout=10).realm_id == setup.sim.realm_id
    assert setup.secrets.get("books", "refresh_token")
    assert setup.connection("books").status == "ok"


def test_only_forged_callbacks_end_in_a_timeout_that_says_one_was_ignored() -> None:
    listener = LoopbackListener()
    listener.start("right")
    base = f"http://127.0.0.1:{listener.port}/callback"
    assert httpx.get(f"{base}?code=C1&state=wrong", timeout=10).status_code == 400
    assert not listener.done
    with pytest.raises(ConnectError, match="did not belong to this sign-in") as late:
        listener.wait(timeout=0.2)
    assert late.value.reason == "timeout"


def test_a_denied_consent_says_so_in_plain_words(setup: Setup) -> None:
    setup.add("books", setup.direct_uri, "sandbox")
    setup.sim.oauth.deny_consent = True
    flow = setup.flow("books")
    httpx.get(flow.begin(), follow_redirects=True, timeout=10)
    with pytest.raises(ConnectError, match="cancelled or access was not granted"):
        flow.wait(timeout=10)


def test_pasting_the_address_completes_the_connection(setup: Setup) -> None:
    setup.add("books", RELAY, "production")
    flow = setup.flow("books")
    landing = _consent(flow.begin())  # the relay could not reach the app: the merchant pastes
    outcome = flow.finish_pasted(landing)
    assert outcome.realm_id == setup.sim.realm_id
    assert setup.connection("books").status == "ok"


def test_a_bare_code_needs_a_known_company(setup: Setup) -> None:
    setup.add("books", setup.direct_uri, "sandbox")
    flow = setup.flow("books")
    code = parse_qs(urlsplit(_consent(flow.begin())).query)["code"][0]
    with pytest.raises(ConnectError, match="whole address"):
        flow.finish_pasted(code)


def test_signing_in_to_another_company_is_refused_when_a_pair_posts_to_this_one(
        setup: Setup) -> None:
    setup.add("books", setup.direct_uri, "sandbox", realm_id="111")
    state = setup.state()
    try:
        with state.tx():
            store_id = state.connections.add_connection(ConnectionConfig(
                name="shop", kind="magento2", settings={"base_url": "http://x"}))
            from datetime import date

            from ecom_ledger_desktop.models.rules import PostingRules
            ledger_id = setup.connection("books").id
            assert ledger_id is not None
            state.connections.add_pair("p", store_id, ledger_id,
                                       PostingRules(start_date=date(2026, 1, 1)))
    finally:
        state.close()
    flow = setup.flow("books")
    with pytest.raises(ConnectError, match="another QuickBooks company"):
        flow.finish_pasted(_consent(flow.begin()))


def test_cancel_and_timeout_end_the_wait() -> None:
    listener = LoopbackListener()
    listener.start("s")
    listener.cancel()
    with pytest.raises(ConnectError) as cancelled:
        listener.wait(timeout=10)
    assert cancelled.value.reason == "cancelled"
    idle = LoopbackListener()
    idle.start("s")
    with pytest.raises(ConnectError) as late:
        idle.wait(timeout=0.01)
    assert late.value.reason == "timeout"


def test_the_listener_ignores_other_paths_until_the_callback_comes() -> None:
    listener = LoopbackListener(company_param="realmId")
    listener.start("abc")
    base = f"http://127.0.0.1:{listener.port}"
    assert httpx.get(f"{base}/favicon.ico", timeout=10).status_code == 404
    assert not listener.done
    assert httpx.get(f"{base}/callback?code=C1&state=abc&realmId=9", timeout=10).status_code == 200
    result = listener.wait(timeout=10)
    assert (result.code, result.realm_id) == ("C1", "9")


def test_parse_pasted_redirect_accepts_address_query_or_code() -> None:
    assert parse_pasted_redirect("http://127.0.0.1:5/callback?code=A&state=s&realmId=1",
                                 "s", company_param="realmId").realm_id == "1"
    # a provider whose redirect names no company: its parameter is not read
    assert parse_pasted_redirect("http://127.0.0.1:5/callback?code=A&state=s&realmId=1",
                                 "s").realm_id is None
    assert parse_pasted_redirect("?code=A&state=s", "s").code == "A"
    assert parse_pasted_redirect("  AB1xyz ", "s").code == "AB1xyz"
    with pytest.raises(ConnectError, match="did not match"):
        parse_pasted_redirect("https://relay/?code=A&state=other", "s")
    with pytest.raises(ConnectError, match="Nothing was pasted"):
        parse_pasted_redirect("  ", "s")


@pytest.mark.parametrize(("uri", "environment", "expected"), [
    ("http://localhost:8765/callback", "sandbox", "direct"),
    ("http://127.0.0.1:8765/callback", "sandbox", "direct"),
    ("https://example.com/relay/", "production", "relay"),
    ("http://localhost:8765/callback", "production", "QuickBooks does not accept"),
    ("https://203.0.113.5/relay", "production", "cannot be used"),
    ("http://example.com/relay", "sandbox", "cannot be used"),
])
def test_redirect_mode(uri: str, environment: str, expected: str) -> None:
    if expected in ("direct", "relay"):
        assert redirect_mode(uri, environment, "QuickBooks") == expected
    else:
        with pytest.raises(ConnectError, match=expected):
            redirect_mode(uri, environment, "QuickBooks")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_relay_page_script_forwards_like_its_python_twin() -> None:
    page = (REPO / "resources" / "oauth-relay" / "index.html").read_text(encoding="utf-8")
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert script is not None
    cases = ["?code=C&state=54321.nonce&realmId=77", "?error=access_denied&state=40000.n",
             "?code=C&state=80.n", "?code=C&state=notaport.n", "?code=C"]
    harness = (script.group(1) + "\nconsole.log(JSON.stringify(" + json.dumps(cases)
               + ".map(module.exports.relayTarget)));")
    out = subprocess.run(["node", "-e", "var module = {};" + harness], capture_output=True,
                         text=True, timeout=30, check=True)
    from_js = json.loads(out.stdout)
    for case, js_target in zip(cases, from_js, strict=True):
        try:
            expected: str | None = relay_target("https://relay.example.com/" + case)
        except ConnectError:
            expected = None
        assert js_target == expected, case
