"""QboLedger end to end over loopback HTTP against the QuickBooks Online simulator: the connection
(refresh-token rotation and revocation, throttling retried, stock changes by CDC, the connection
check in plain words)."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import (
    CONNECTION,
    RecordingTransport,
    make_ledger,
    make_tokens,
    mug_sku,
    recording_store,
)


def test_refresh_token_rotation_is_saved_before_use(sim: QboSimulator) -> None:
    events: list[tuple[str, str]] = []
    recorder = recording_store(sim, events)
    old_refresh = recorder.get(CONNECTION, "refresh_token")
    ledger = make_ledger(sim, recorder, transport=RecordingTransport(events))
    try:
        ledger.resolve_name("account", "Checking")
        assert events[0][0] == "saved" and events[0][1] != old_refresh
        assert events[1][0] == "api"
        assert recorder.get(CONNECTION, "refresh_token") == events[0][1]
        # A day on, the rotated-out token is dead: only the saved one can refresh now.
        sim.clock.advance(24 * 3600 + 1)
        stale = MemorySecretStore()
        stale.set(CONNECTION, "refresh_token", str(old_refresh))
        stale.set(CONNECTION, "client_secret", "sim-secret")
        with pytest.raises(FatalError):
            make_tokens(sim, stale).refresh()
    finally:
        ledger.close()


def test_revoked_refresh_token_needs_reauthorisation_and_leaks_no_secret(
        ledger: QboLedger, sim: QboSimulator, store: MemorySecretStore,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    refresh = str(store.get(CONNECTION, "refresh_token"))
    sim.revoke_refresh_tokens()
    with pytest.raises(FatalError) as caught:
        ledger.resolve_name("account", "Checking")
    error = caught.value
    assert error.needs_reauthorisation
    assert str(error) == ("QuickBooks no longer accepts this app's authorisation for company "
                          "Sandbox Company US. Reconnect QuickBooks in Connections.")
    for secret in (refresh, "sim-secret"):
        assert secret not in str(error)
        assert secret not in repr(error.__context__)
        assert secret not in caplog.text


def test_throttled_request_is_retried(ledger: QboLedger, sim: QboSimulator) -> None:
    ledger.tokens.access_token()
    sim.throttle_next(3)
    assert ledger.resolve_name("account", "Checking")
    assert sim.stats()["throttled"] == 3


def test_cdc_reports_qty_change(ledger: QboLedger, sim: QboSimulator) -> None:
    item_id = mug_sku(sim, qty=10)
    levels, cursor = ledger.changed_stock(None)  # first run: a full inventory query
    assert StockLevel(sku="MB-1", qty=Decimal(10)) in levels
    quiet, cursor = ledger.changed_stock(cursor)
    assert quiet == []
    sim.adjust_qty(item_id, 7)
    changed, later = ledger.changed_stock(cursor)
    assert changed == [StockLevel(sku="MB-1", qty=Decimal(7))]
    assert later >= cursor
    assert sim.stats()["cdc"] == 2


def test_check_reports_company_in_plain_words(ledger: QboLedger) -> None:
    results = ledger.check()
    assert all(result.ok for result in results)
    assert "Sandbox Company US" in results[1].detail
    assert results[2].label == "Company settings"
    assert results[2].detail == ("US company, automated sales tax off, home currency USD, "
                                 "multicurrency on")


def test_check_says_what_failed_when_authorisation_is_gone(ledger: QboLedger,
                                                          sim: QboSimulator) -> None:
    sim.revoke_refresh_tokens()
    [result] = ledger.check()
    assert not result.ok and "Reconnect QuickBooks" in result.detail
