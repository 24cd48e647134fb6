"""Adding, editing, testing and removing connections against the real simulators."""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.demo import CLIENT_ID, CLIENT_SECRET, DEMO_LEDGER, DEMO_STORE
from ecom_ledger_desktop.sync.connections_admin import ConnectionFormError, ConnectionsAdmin
from tests.sync.conftest import STORE_TOKEN, SyncBench


def _admin(bench: SyncBench) -> ConnectionsAdmin:
    factory = ConnectorFactory(policy=RetryPolicy(attempts=1, backoff_base=0.01, backoff_max=0.02))
    return ConnectionsAdmin(bench.service.open_state, bench.secrets,
                            store_factory=factory.store, ledger_factory=factory.ledger)


def _qbo_settings(bench: SyncBench, **extra: str) -> dict[str, str]:
    base = bench.ledger.base_url
    return {"client_id": CLIENT_ID, "api_base": base, "auth_url": f"{base}/connect/oauth2",
            "token_url": f"{base}/oauth2/v1/tokens/bearer",
            "revoke_url": f"{base}/v2/oauth2/tokens/revoke", "environment": "sandbox",
            "redirect_uri": "http://localhost:8765/callback", **extra}


def test_a_magento_shop_is_added_and_tested_in_plain_words(bench: SyncBench) -> None:
    admin = _admin(bench)
    added = admin.add("shop2", "magento2", {"base_url": bench.store.base_url + "/"},
                      {"token": STORE_TOKEN})
    assert added.settings == {"base_url": bench.store.base_url, "store_code": "default"}
    assert added.secrets_set == {"token": True} and added.role == "store"
    report = admin.test("shop2")
    assert report.ok and report.checks and all(c.label for c in report.checks)
    assert admin.get("shop2").status == "ok"


def test_a_wrong_token_fails_the_test_and_marks_the_connection(bench: SyncBench) -> None:
    admin = _admin(bench)
    admin.add("shop2", "magento2", {"base_url": bench.store.base_url}, {"token": "wrong"})
    report = admin.test("shop2")
    assert not report.ok
    text = " ".join(f"{c.label} {c.detail}" for c in report.checks) + report.error
    assert "token" in text.lower() or "access" in text.lower(), text
    assert "wrong" not in text, "the secret never appears in a message"
    assert admin.get("shop2").status in ("error", "needs_reauthorisation")


def test_a_quickbooks_connection_waits_for_sign_in_then_tests_ok(bench: SyncBench) -> None:
    admin = _admin(bench)
    added = admin.add("books2", "qbo", _qbo_settings(bench), {"client_secret": CLIENT_SECRET})
    assert added.status == "needs_reauthorisation"
    assert added.secrets_set == {"client_secret": True, "refresh_token": False}
    report = admin.test("books2")
    assert not report.ok and "refresh token" in report.error
    bench.secrets.set("books2", "refresh_token", bench.ledger.issue_tokens()["refresh_token"])
    admin.edit("books2", settings={"realm_id": bench.ledger.realm_id})
    assert admin.test("books2").ok
    assert admin.get("books2").status == "ok"


def test_a_sandbox_quickbooks_connection_defaults_to_the_sandbox_api() -> None:
    from ecom_ledger_desktop.sync.connections_admin import _clean

    assert _clean("qbo", {"environment": "sandbox"})["api_base"].startswith(
        "https://sandbox-quickbooks")
    assert "api_base" not in _clean("qbo", {"environment": "production"})


def test_every_bad_field_is_named(bench: SyncBench) -> None:
    admin = _admin(bench)
    with pytest.raises(ConnectionFormError) as bad:
        admin.add("", "qbo", {"environment": "production", "redirect_uri":
                              "http://localhost:8765/callback", "api_base": "ftp://x"}, {})
    problems = bad.value.problems
    assert set(problems) >= {"name", "client_id", "client_secret", "redirect_uri", "api_base"}
    assert "production" in problems["redirect_uri"]
    with pytest.raises(ConnectionFormError) as taken:
        admin.add(DEMO_STORE, "magento2", {"base_url": "not a url"}, {"token": "t"})
    assert set(taken.value.problems) == {"name", "base_url"}


def test_renaming_moves_the_secrets_and_removing_deletes_them(bench: SyncBench) -> None:
    admin = _admin(bench)
    admin.add("shop2", "magento2", {"base_url": bench.store.base_url}, {"token": STORE_TOKEN})
    renamed = admin.edit("shop2", new_name="shop3", secrets={"token": ""})
    assert renamed.name == "shop3" and renamed.secrets_set == {"token": True}
    assert bench.secrets.get("shop2", "token") is None
    admin.remove("shop3")
    assert bench.secrets.get("shop3", "token") is None
    assert [c.name for c in admin.list()] == sorted([DEMO_LEDGER, DEMO_STORE])


def test_a_connection_a_pair_uses_is_not_removed(bench: SyncBench) -> None:
    with pytest.raises(ConnectionFormError, match="remove the pair first"):
        _admin(bench).remove(DEMO_STORE)
    assert bench.secrets.get(DEMO_STORE, "token") == STORE_TOKEN
