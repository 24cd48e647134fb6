"""Adding, editing, testing and removing connections: what the Connections page calls.

Secrets go to the ``SecretStore`` (the OS keyring), settings to the database; nothing secret is
ever written to SQLite. Every refusal names the field it is about, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.registry import KINDS, kind_of, role_of
from ecom_ledger_desktop.core.errors import FatalError, SyncError
from ecom_ledger_desktop.core.redaction import redact
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore, SecretUnavailable
from ecom_ledger_desktop.sync.service import LedgerFactory, StoreFactory

ENVIRONMENTS = ("sandbox", "production")


def secret_keys(kind: str) -> tuple[str, ...]:
    """The keyring entries of a connection of ``kind`` (none for a kind this version lacks)."""
    known = KINDS.get(kind)
    return tuple(s.name for s in known.secrets) if known else ()


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


def validate_settings(kind: str, settings: Mapping[str, str]) -> dict[str, str]:
    """Per-field problems with a connection's settings (empty when they are fine)."""
    declared = kind_of(kind)
    problems: dict[str, str] = {}
    for spec in declared.plain_settings:
        if spec.required and not settings.get(spec.name, "").strip():
            problems[spec.name] = f"the {spec.words} is needed"
    environment = settings.get("environment", "production")
    if environment not in ENVIRONMENTS:
        problems["environment"] = "choose sandbox or production"
    for key, why in declared.problems(settings).items():
        problems.setdefault(key, why)
    redirect = settings.get("redirect_uri", "")
    if declared.connects == "oauth_browser" and redirect and "redirect_uri" not in problems:
        from ecom_ledger_desktop.sync.oauth_callback import ConnectError, redirect_mode

        try:
            redirect_mode(redirect, environment, declared.brand)
        except ConnectError as error:
            problems["redirect_uri"] = str(error)
    unknown = set(settings) - {s.name for s in declared.plain_settings} - {"environment"}
    for key in sorted(unknown):
        problems[key] = "this setting is not used by this kind of connection"
    return problems


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
                       for key in secret_keys(config.kind)}
        known = KINDS.get(config.kind)  # a kind a newer version added still lists
        return ConnectionSummary(config.id, config.name, config.kind,
                                 known.role if known else "unknown",
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
        declared = KINDS.get(kind)
        if declared is None:
            problems = {"kind": f"'{kind}' is not a known kind"}
        else:
            settings = _clean(kind, settings)
            problems = validate_settings(kind, settings)
            for spec in declared.secrets:
                if spec.required and not secrets.get(spec.name, "").strip():
                    problems[spec.name] = f"the {spec.words} is needed"
        if not name:
            problems["name"] = "give the connection a name"
        state = self._open_state()
        try:
            if name and state.connections.connection(name) is not None:
                problems["name"] = f"a connection called '{name}' exists already"
        finally:
            state.close()
        if problems:
            raise ConnectionFormError(problems)
        assert declared is not None
        self._save_secrets(name, kind, secrets)
        connected = declared.connects != "oauth_browser" or all(
            secrets.get(s.name) for s in declared.secrets if s.signed_in)
        config = ConnectionConfig(
            name=name, kind=kind, settings=dict(settings),
            status="ok" if connected else "needs_reauthorisation")
        state = self._open_state()
        try:
            with state.tx():
                conn_id = state.connections.add_connection(config)
                if not connected:
                    state.connections.set_connection_status(
                        conn_id, "needs_reauthorisation", f"Not connected yet: sign in to "
                        f"{declared.brand} to connect this {declared.noun}.")
        except Exception:
            for key in secret_keys(kind):
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
        for key in secret_keys(config.kind):
            self._secrets.delete(name, key)

    def test(self, name: str) -> TestReport:
        """What works and what does not, in plain words; the connection's status follows."""
        state = self._open_state()
        try:
            config = self._config(state, name)
        finally:
            state.close()
        try:
            connector = (self._store_factory(config, self._secrets)
                         if role_of(config.kind) == "store"
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
        allowed = secret_keys(kind)
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
        for key in secret_keys(kind):
            value = self._secrets.get(old, key)
            if value:
                self._secrets.set(new, key, value)
        for key in secret_keys(kind):
            self._secrets.delete(old, key)


def _clean(kind_name: str, settings: Mapping[str, str]) -> dict[str, str]:
    """Trimmed settings, addresses without a trailing slash; the defaults the kind saves (and
    a sandbox's, e.g. Intuit's sandbox API for a sandbox QuickBooks connection) filled in."""
    kind = kind_of(kind_name)
    clean = {k: str(v).strip() for k, v in settings.items()}
    if clean.get("base_url"):
        clean["base_url"] = clean["base_url"].rstrip("/")
    for spec in kind.plain_settings:
        if spec.save_default and spec.default:
            clean.setdefault(spec.name, spec.default)
    if clean.get("environment") == "sandbox":
        for key, value in kind.sandbox_defaults.items():
            if not clean.get(key):
                clean[key] = value
    return clean
