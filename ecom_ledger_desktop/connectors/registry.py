"""Builds live connectors from saved connection settings plus secrets from the keyring.

Adding a store or ledger means adding a builder here (and its module + simulator); the engine
does not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore

# Settings every connection kind understands; URLs default to the real services.
STORE_SECRET = {"magento2": "token"}
QBO_SANDBOX_API_BASE = "https://sandbox-quickbooks.api.intuit.com"
QBO_DEFAULTS = {
    "api_base": "https://quickbooks.api.intuit.com",
    "auth_url": "https://appcenter.intuit.com/connect/oauth2",
    "token_url": "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    "revoke_url": "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
}


def _require(config: ConnectionConfig, key: str) -> str:
    value = config.settings.get(key, "")
    if not value:
        raise FatalError(f"connection '{config.name}' has no {key.replace('_', ' ')}; set it with "
                         f"'ecom-ledger connections add {config.name} ...'")
    return value


def _secret(config: ConnectionConfig, secrets: SecretStore, key: str) -> str:
    value = secrets.get(config.name, key)
    if not value:
        hint = ("this demo connection only lives while 'ecom-ledger demo' runs" if config.demo
                else f"add it again with 'ecom-ledger connections add {config.name} ...'")
        raise FatalError(f"no {key.replace('_', ' ')} is stored for '{config.name}' "
                         f"({secrets.description}); {hint}")
    return value


@dataclass
class ConnectorFactory:
    """Creates connectors; ``policy`` and ``clock`` are injectable for tests and the demo.

    ``lock_dir`` (the data folder) holds the lock files that keep two processes from refreshing
    one QuickBooks token at once; without it only this process's threads are kept apart.
    """

    policy: RetryPolicy | None = None
    clock: Clock | None = None
    lock_dir: Path | None = None
    # access tokens live in memory for the life of the process, not of one run: a token
    # holder per connection is kept and reused (it refreshes itself when needed)
    _tokens: dict[tuple[str, ...], Any] = field(default_factory=dict)
    # what each QuickBooks company is (country, tax, currencies), read once per connection;
    # "Test connection" reads it again
    _companies: dict[tuple[str, str], Any] = field(default_factory=dict)
    # likewise what a store connection remembers between runs (its time zone, invoices)
    _store_caches: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def store(self, config: ConnectionConfig, secrets: SecretStore) -> StoreConnector:
        """A store connector for ``config``."""
        if config.kind == "magento2":
            from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
            from ecom_ledger_desktop.connectors.stores.magento2.context import StoreCache

            settings = config.settings
            cache = self._store_caches.setdefault(
                (config.name, settings.get("base_url", ""), settings.get("store_code", "")),
                StoreCache())
            include_tax = {"yes": True, "no": False}.get(settings.get("prices_include_tax", ""))
            return Magento2Store(_require(config, "base_url"), _secret(config, secrets, "token"),
                                 store_code=settings.get("store_code", "default"),
                                 policy=self.policy, name=config.name,
                                 timezone=settings.get("timezone") or None,
                                 prices_include_tax=include_tax,
                                 restock=settings.get("refund_restock") or "auto",
                                 cache=cache)
        raise FatalError(f"'{config.name}' is a {config.kind} connection, not a store")

    def ledger(self, config: ConnectionConfig, secrets: SecretStore) -> PushLedger:
        """A ledger connector for ``config``."""
        if config.kind == "qbo":
            from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger, QboTokens
            from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyCache

            settings = {**QBO_DEFAULTS, **config.settings}
            _secret(config, secrets, "refresh_token")
            key = (config.name, _require(config, "client_id"), settings["token_url"],
                   settings["auth_url"], settings.get("redirect_uri", ""), str(id(secrets)))
            tokens = self._tokens.get(key)
            if tokens is None:
                tokens = QboTokens(config.name, key[1], secrets, company=config.name,
                                   redirect_uri=settings.get("redirect_uri", ""),
                                   auth_url=settings["auth_url"], token_url=settings["token_url"],
                                   revoke_url=settings["revoke_url"], clock=self.clock,
                                   lock_dir=self.lock_dir)
                self._tokens[key] = tokens
            # a simulator with a compressed clock says how much faster its minute runs
            scale = float(settings.get("limits_time_scale", "1") or 1)
            realm = _require(config, "realm_id")
            company = self._companies.setdefault((config.name, realm), CompanyCache())
            return QboLedger(tokens, realm, api_base=settings["api_base"],
                             policy=self.policy, clock=self.clock, limits_scale=scale,
                             batching=settings.get("batch_requests", "on") != "off",
                             company=company)
        raise FatalError(f"'{config.name}' is a {config.kind} connection, not a ledger")
