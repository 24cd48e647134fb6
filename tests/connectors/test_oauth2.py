"""The shared OAuth token holder (``connectors.oauth2``) as each browser sign-in ledger uses it,
against that ledger's simulator over loopback: the same promises, each provider's own data."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
from ecom_ledger_desktop.connectors.oauth2 import OAuthTokens
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import CONNECTION, make_tokens, new_sim

SECRET = "sim-secret"  # both simulators' test secret


@dataclass
class Provider:
    name: str
    holder: Callable[[MemorySecretStore, ManualClock], OAuthTokens]
    grant: Callable[[], str]  # a fresh refresh token from the provider
    lifetime: timedelta


@pytest.fixture(params=["qbo", "freshbooks"])
def provider(request: pytest.FixtureRequest) -> Iterator[Provider]:
    if request.param == "qbo":
        qbo = new_sim()
        try:
            yield Provider("QuickBooks", lambda store, clock: make_tokens(qbo, store, clock),
                           lambda: str(qbo.issue_tokens()["refresh_token"]), timedelta(hours=1))
        finally:
            qbo.stop()
        return
    with FreshBooksSimulator() as fresh:
        def holder(store: MemorySecretStore, clock: ManualClock) -> OAuthTokens:
            return FreshBooksTokens(CONNECTION, "sim-client", store, clock=clock,
                                    token_url=f"{fresh.base_url}/auth/oauth/token")
        yield Provider("FreshBooks", holder, lambda: str(fresh.issue_tokens()["refresh_token"]),
                       timedelta(hours=12))


def signed_in(provider: Provider) -> tuple[MemorySecretStore, str]:
    store = MemorySecretStore()
    store.set(CONNECTION, "client_secret", SECRET)
    token = provider.grant()
    store.set(CONNECTION, "refresh_token", token)
    return store, token


def test_revoking_ends_the_grant_at_the_provider_and_here(provider: Provider) -> None:
    store, _ = signed_in(provider)
    clock = ManualClock()
    tokens = provider.holder(store, clock)
    tokens.access_token()
    rotated = str(store.get(CONNECTION, "refresh_token"))

    tokens.revoke()

    assert store.get(CONNECTION, "refresh_token") is None
    with pytest.raises(FatalError, match=f"{provider.name} is not connected"):
        tokens.access_token()
    stale = MemorySecretStore()  # the revoked token, put back: the provider refuses it
    stale.set(CONNECTION, "client_secret", SECRET)
    stale.set(CONNECTION, "refresh_token", rotated)
    with pytest.raises(FatalError, match=f"Reconnect {provider.name} in Connections"):
        provider.holder(stale, clock).access_token()


def test_an_access_token_lives_the_providers_lifetime_and_is_renewed_before_its_end(
        provider: Provider) -> None:
    store, _ = signed_in(provider)
    clock = ManualClock()
    tokens = provider.holder(store, clock)
    first = tokens.access_token()
    assert tokens.expires_at is not None
    assert abs(tokens.expires_at - (clock.now() + provider.lifetime)) < timedelta(seconds=5)
    clock.set(tokens.expires_at - timedelta(minutes=6))
    assert tokens.access_token() == first and tokens.refresh_count == 1
    clock.advance(120)
    assert tokens.access_token() != first and tokens.refresh_count == 2


def test_a_refused_refresh_names_the_provider_and_leaks_no_secret(
        provider: Provider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = MemorySecretStore()
    store.set(CONNECTION, "client_secret", SECRET)
    store.set(CONNECTION, "refresh_token", "not-a-token-the-provider-issued")
    with pytest.raises(FatalError) as refused:
        provider.holder(store, ManualClock()).access_token()
    assert refused.value.needs_reauthorisation and refused.value.role == "ledger"
    assert str(refused.value).startswith(f"{provider.name} no longer accepts")
    for secret in (SECRET, "not-a-token-the-provider-issued"):
        assert secret not in str(refused.value) and secret not in caplog.text


def test_a_throttled_token_endpoint_is_retried_later_not_a_reconnection() -> None:
    """Neither simulator throttles its token endpoint; an answer made here stands for it: a 429
    whose body reads like an OAuth refusal is still only "later"."""
    from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
    from ecom_ledger_desktop.core.errors import RetriableError

    throttled = httpx.MockTransport(lambda request: httpx.Response(
        429, json={"error": "invalid_grant", "error_description": "Too many requests"}))
    for make in (QboTokens, FreshBooksTokens):
        store = MemorySecretStore()
        store.set(CONNECTION, "client_secret", SECRET)
        store.set(CONNECTION, "refresh_token", "kept")
        tokens = make(CONNECTION, "sim-client", store, token_url="https://example.test/auth/"
                      "oauth/token", transport=throttled)
        with pytest.raises(RetriableError, match="sign-in service is unavailable"):
            tokens.access_token()
        assert store.get(CONNECTION, "refresh_token") == "kept"
