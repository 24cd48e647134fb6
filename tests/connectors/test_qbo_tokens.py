"""QBO OAuth over loopback HTTP: refresh before expiry and on a 401, connect, revoke."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import REFRESH_MARGIN
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import (
    CONNECTION,
    RecordingTransport,
    make_ledger,
    make_tokens,
    recording_store,
)


def test_unsaveable_rotation_stops_before_any_api_call(sim: QboSimulator) -> None:
    events: list[tuple[str, str]] = []
    recorder = recording_store(sim, events, fail=True)
    ledger = make_ledger(sim, recorder, transport=RecordingTransport(events))
    try:
        with pytest.raises(FatalError) as caught:
            ledger.resolve_name("account", "Checking")
        assert caught.value.needs_reauthorisation
        assert events == []
    finally:
        ledger.close()


def test_expired_access_token_is_refreshed_once_and_the_call_retried(
        ledger: QboLedger, sim: QboSimulator) -> None:
    ledger.resolve_name("account", "Checking")
    assert ledger.tokens.refresh_count == 1
    sim.expire_access_tokens()
    assert ledger.resolve_name("payment_method", "Visa")
    assert ledger.tokens.refresh_count == 2
    assert sim.stats()["auth_failed"] == 1


def test_access_token_is_refreshed_five_minutes_before_expiry(
        sim: QboSimulator, store: MemorySecretStore) -> None:
    clock = ManualClock()
    tokens = make_tokens(sim, store, clock)
    ledger = make_ledger(sim, store, tokens=tokens)
    try:
        ledger.resolve_name("account", "Checking")
        assert tokens.expires_at is not None
        clock.set(tokens.expires_at - REFRESH_MARGIN - timedelta(seconds=1))
        ledger.resolve_name("payment_method", "Visa")
        assert tokens.refresh_count == 1
        clock.advance(2)
        ledger.resolve_name("payment_method", "Cash")
        assert tokens.refresh_count == 2
        assert sim.stats()["auth_failed"] == 0
    finally:
        ledger.close()


def test_connect_flow_exchanges_code_and_revoke_forgets(sim: QboSimulator) -> None:
    store = MemorySecretStore()
    store.set(CONNECTION, "client_secret", "sim-secret")
    tokens = make_tokens(sim, store)
    url = tokens.authorization_url("csrf-123")
    assert url.startswith(f"{sim.base_url}/connect/oauth2?")
    assert "state=csrf-123" in url and "client_id=sim-client" in url
    grant = sim.authorize_code("http://127.0.0.1/callback")
    tokens.exchange_code(grant["code"], "http://127.0.0.1/callback")
    assert store.get(CONNECTION, "refresh_token")
    assert tokens.access_token()
    tokens.revoke()
    assert store.get(CONNECTION, "refresh_token") is None
    with pytest.raises(FatalError):
        tokens.access_token()


def test_token_refused_right_after_refresh_needs_reauthorisation(store: MemorySecretStore
                                                                 ) -> None:
    with QboSimulator(client_id="sim-client", client_secret="sim-secret",
                      access_token_ttl=0.0) as dead:
        store.set(CONNECTION, "refresh_token", dead.issue_tokens()["refresh_token"])
        ledger = make_ledger(dead, store)
        try:
            with pytest.raises(FatalError) as caught:
                ledger.resolve_name("account", "Checking")
            assert caught.value.needs_reauthorisation
            assert dead.stats()["auth_failed"] == 2  # the first try and the one retry, no more
        finally:
            ledger.close()
