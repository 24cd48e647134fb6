"""Adding, editing, testing and removing connections: what the Connections page calls.

Secrets go to the ``SecretStore`` (the OS keyring), settings to the database; nothing secret is
ever written to SQLite. Every refusal names the field it is about, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.registry import QBO_SANDBOX_API_BASE
from ecom_ledger_desktop.core.errors import FatalError, SyncError
from ecom_ledger_desktop.core.redaction import redact
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ROLE_OF_KIND, ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore, SecretUnavailable
from ecom_ledger_desktop.sync.service import LedgerFactory, StoreFactory

ENVIRONMENTS = ("sandbox", "production")
SECRET_KEYS: dict[str, tuple[str, ...]] = {"magento2": ("token",),
                                          "qbo": ("client_secret", "refresh_token")}
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {"magento2": ("token",), "qbo": ("client_secret",)}
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {"magento2": ("base_url",), "qbo": ("client_id",)}
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    # timezone: IANA name overriding the store's; prices_include_tax: yes/no (else guessed);
    # refund_restock: auto/always/never (see connectors/stores/magento2/memos.py)
    "magento2": ("base_url", "store_code", "environment", "timezone", "prices_include_tax",
                 "refund_restock"),
    "qbo": ("client_id", "realm_id", "redirect_uri", "environment", "api_base", "auth_url",
            "token_url", "revoke_url"),
}
_URL_SETTINGS = ("base_url", "api_base", "auth_url", "token_url", "revoke_url", "redirect_uri")
_LABELS = {"base_url": "shop address", "store_code": "store code", "client_id": "client id",
           "timezone": "time zone", "realm_id": "company id", "redirect_uri": "redirect address",
           "token": "access token",
           "client_secret": "client secret", "refresh_token": "refresh token"}


class ConnectionFormError(ValueError):
    """The form cannot be saved; ``problems`` maps each bad field to why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class ConnectionSummary:
    """A connection as the Connections page lists it (never its secrets, only whether set)."""

    id: int
    name: str
    kind: str
    role: str
    environment: str
    status: str
    status_message: str
    demo: bool
    settings: dict[str, str]
    secrets_set: dict[str, bool] = field(default_factory=dict)


@dataclass
class TestReport:
    """The plain-words outcome of "Test connection"."""

    __test__ = False  # not a pytest class

    ok: bool
    checks: list[CheckResult]
    error: str = ""


_CHOICES = {"prices_include_tax": ("yes", "no"), "refund_restock": ("auto", "always", "never")}


def _store_setting_problems(kind: str, settings: Mapping[str, str]) -> dict[str, str]:
    """A Magento connection's time zone must be an IANA name; the switches take their words."""
    if kind != "magento2":
        return {}
    problems: dict[str, str] = {}
    zone = settings.get("timezone", "").strip()
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems["timezone"] = "use an IANA time zone such as America/New_York, or leave " \
                                   "it empty to use the store's"
    for key, choices in _CHOICES.items():
        value = settings.get(key, "").strip()
        if value and value not in choices:
            problems[key] = f"choose one of {', '.join(choices)}, or leave it empty"
    return problems


def validate_settings(kind: str, settings: Mapping[str, str]) -> dict[str, str]:
    """Per-field problems with a connection's settings (empty when they are fine)."""
    problems: dict[str, str] = {}
    for key in REQUIRED_SETTINGS.get(kind, ()):
        if not settings.get(key, "").strip():
            problems[key] = f"the {_LABELS.get(key, key)} is needed"
    environment = settings.get("environment", "production")
    if environment not in ENVIRONMENTS:
        problems["environment"] = "choose sandbox or production"
    for key in _URL_SETTINGS:
        value = settings.get(key, "")
        if value and key not in problems:
            why = _url_problem(value)
            if why:
                problems[key] = why
    redirect = settings.get("redirect_uri", "")
    if kind == "qbo" and redirect and "redirect_uri" not in problems:
        from ecom_ledger_desktop.sync.oauth_callback import ConnectError, redirect_mode

        try:
            redirect_mode(redirect, environment)
        except ConnectError as error:
            problems["redirect_uri"] = str(error)
    problems.update(_store_setting_problems(kind, settings))
    unknown = set(settings) - set(SETTING_KEYS.get(kind, ()))
    for key in sorted(unknown):
        problems[key] = "this setting is not used by this kind of connection"
    return problems


def _url_problem(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{value}' is not a web address (it should start with https://)"
    return ""


class ConnectionsAdmin:
    """Connection CRUD and tests over one database and one secret store."""

    def __init__(self, open_state: Callable[[], State], secrets: SecretStore, *,
                 store_factory: StoreFactory, ledger_factory: LedgerFactory) -> None:
        self._open_state = open_state
        self._secrets = secrets
        self._store_factory = store_factory
        self._ledger_factory = ledger_factory

    # -- reading --------------------------------------------------------------------------
    def list(self) -> list[ConnectionSummary]:
        """Every connection, by name."""
        state = self._open_state()
        try:
            return [self._summary(state, c) for c in state.connections.connections()]
        finally:
            state.close()

    def get(self, name: str) -> ConnectionSummary:
        """One connection (``KeyError`` when there is none)."""
        state = self._open_state()
        try:
            return self._summary(state, self._config(state, name))
        finally:
            state.close()

    def _summary(self, state: State, config: ConnectionConfig) -> ConnectionSummary:
        assert config.id is not None
        status, message = state.connections.connection_status(config.id)
        secrets_set = {key: bool(self._secrets.get(config.name, key))
                       for key in SECRET_KEYS.get(config.kind, ())}
        return ConnectionSummary(config.id, config.name, config.kind, config.role,
                                 config.settings.get("environment", "production"), status,
                                 message, config.demo, dict(config.settings), secrets_set)

    @staticmethod
    def _config(state: State, name: str) -> ConnectionConfig:
        config = state.connections.connection(name)
        if config is None or config.id is None:
            raise KeyError(f"there is no connection '{name}'")
        return config

    # -- writing --------------------------------------------------------------------------
    def add(self, name: str, kind: str, settings: Mapping[str, str],
            secrets: Mapping[str, str]) -> ConnectionSummary:
        """Add a connection; secrets to the keyring first, then the settings row."""
        name = name.strip()
        clean = _clean(kind, settings)
        problems = {} if kind in ROLE_OF_KIND else {"kind": f"'{kind}' is not a known kind"}
        if not name:
            problems["name"] = "give the connection a name"
        problems.update(validate_settings(kind, clean) if not problems.get("kind") else {})
        for key in REQUIRED_SECRETS.get(kind, ()):
            if not secrets.get(key, "").strip():
                problems[key] = f"the {_LABELS.get(key, key)} is needed"
        state = self._open_state()
        try:
            if name and state.connections.connection(name) is not None:
                problems["name"] = f"a connection called '{name}' exists already"
        finally:
            state.close()
        if problems:
            raise ConnectionFormError(problems)
        self._save_secrets(name, kind, secrets)
        connected = kind != "qbo" or bool(secrets.get("refresh_token"))
        config = ConnectionConfig(
            name=name, kind=kind, settings=clean,
            status="ok" if connected else "needs_reauthorisation")
        state = self._open_state()
        try:
            with state.tx():
                conn_id = state.connections.add_connection(config)
                if not connected:
                    state.connections.set_connection_status(
                        conn_id, "needs_reauthorisation", "Not connected yet: sign in to "
                        "QuickBooks to connect this company.")
        except Exception:
            for key in SECRET_KEYS.get(kind, ()):
                self._secrets.delete(name, key)
            raise
        finally:
            state.close()
        return self.get(name)

    def edit(self, name: str, *, settings: Mapping[str, str] | None = None,
             secrets: Mapping[str, str] | None = None, new_name: str | None = None
             ) -> ConnectionSummary:
        """Change settings (merged; an empty value removes one), secrets (non-empty ones
        replace) and/or the name (its secrets move with it)."""
        state = self._open_state()
        try:
            config = self._config(state, name)
            merged = {**config.settings, **{k: v.strip() for k, v in (settings or {}).items()}}
            merged = {k: v for k, v in _clean(config.kind, merged).items() if v}
            problems = validate_settings(config.kind, merged)
            target = (new_name or name).strip()
            if not target:
                problems["name"] = "give the connection a name"
            elif target != name and state.connections.connection(target) is not None:
                problems["name"] = f"a connection called '{target}' exists already"
            if problems:
                raise ConnectionFormError(problems)
            if target != name:
                self._move_secrets(config.kind, name, target)
            self._save_secrets(target, config.kind, {k: v for k, v in (secrets or {}).items()
                                                     if v.strip()})
            assert config.id is not None
            with state.tx():
                state.connections.update_settings(config.id, merged)
                if target != name:
                    state.connections.rename_connection(config.id, target)
        finally:
            state.close()
        return self.get(target)

    def remove(self, name: str) -> None:
        """Remove a connection no pair uses, and its secrets."""
        state = self._open_state()
        try:
            config = self._config(state, name)
            assert config.id is not None
            try:
                with state.tx():
                    state.connections.remove_connection(config.id)
            except ValueError as error:
                raise ConnectionFormError({"name": str(error)}) from None
        finally:
            state.close()
        for key in SECRET_KEYS.get(config.kind, ()):
            self._secrets.delete(name, key)

    def test(self, name: str) -> TestReport:
        """What works and what does not, in plain words; the connection's status follows."""
        state = self._open_state()
        try:
            config = self._config(state, name)
        finally:
            state.close()
        try:
            connector = (self._store_factory(config, self._secrets) if config.role == "store"
                         else self._ledger_factory(config, self._secrets))
            try:
                checks = connector.check()
            finally:
                connector.close()
        except SyncError as error:
            message = redact(str(error))
            reauth = isinstance(error, FatalError) and error.needs_reauthorisation
            self._set_status(config, "needs_reauthorisation" if reauth else "error", message)
            return TestReport(False, [], message)
        failed = [c for c in checks if not c.ok]
        if failed:
            self._set_status(config, "error", f"{failed[0].label}: {failed[0].detail}".strip())
        else:
            self._set_status(config, "ok", "")
        return TestReport(not failed, checks)

    # -- internals ------------------------------------------------------------------------
    def _set_status(self, config: ConnectionConfig, status: str, message: str) -> None:
        assert config.id is not None
        state = self._open_state()
        try:
            with state.tx():
                state.connections.set_connection_status(config.id, status, message)
        finally:
            state.close()

    def _save_secrets(self, name: str, kind: str, secrets: Mapping[str, str]) -> None:
        allowed = SECRET_KEYS.get(kind, ())
        unknown = sorted(set(secrets) - set(allowed))
        if unknown:
            raise ConnectionFormError({k: "this secret is not used by this kind of connection"
                                       for k in unknown})
        try:
            for key in allowed:
                if secrets.get(key):
                    self._secrets.set(name, key, secrets[key].strip())
        except SecretUnavailable as error:
            raise ConnectionFormError({"secrets": str(error)}) from None

    def _move_secrets(self, kind: str, old: str, new: str) -> None:
        for key in SECRET_KEYS.get(kind, ()):
            value = self._secrets.get(old, key)
            if value:
                self._secrets.set(new, key, value)
        for key in SECRET_KEYS.get(kind, ()):
            self._secrets.delete(old, key)


def _clean(kind: str, settings: Mapping[str, str]) -> dict[str, str]:
    """Trimmed settings; a sandbox QuickBooks connection talks to Intuit's sandbox API."""
    clean = {k: str(v).strip() for k, v in settings.items()}
    if clean.get("base_url"):
        clean["base_url"] = clean["base_url"].rstrip("/")
    if kind == "magento2":
        clean.setdefault("store_code", "default")
    if kind == "qbo" and clean.get("environment") == "sandbox" and not clean.get("api_base"):
        clean["api_base"] = QBO_SANDBOX_API_BASE
    return clean
