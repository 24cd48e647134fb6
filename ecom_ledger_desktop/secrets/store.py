"""Secrets live only in the OS keyring, behind one small interface.

When the keyring backend cannot keep secrets safely (the ``fail`` or ``null`` backend on a machine
without a keyring service, or a plaintext file backend), real connections refuse to save a secret
and say how to enable a keyring; the demo runs on an in-memory store and says so.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Protocol

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from ecom_ledger_desktop.core.redaction import register_secret

SERVICE = "ecom-ledger-desktop"
_UNSAFE_BACKENDS = ("fail", "null", "plaintext", "unencrypted", "chainer")
ENABLE_HINT = (
    "No safe keyring is available on this computer, so credentials cannot be saved. "
    "On Windows and macOS the system keychain is used automatically; on Linux install and "
    "unlock a Secret Service provider (GNOME Keyring or KWallet), e.g. "
    "'sudo apt install gnome-keyring' and log in again."
)


class SecretUnavailable(Exception):
    """A secret cannot be stored or read; the message says what to do."""


class SecretStore(Protocol):
    """Where connection secrets live; values are registered for log redaction on the way."""

    description: str

    def get(self, connection: str, key: str) -> str | None:
        """The secret, or None if not stored."""
        ...

    def set(self, connection: str, key: str, value: str) -> None:
        """Store (replace) a secret."""
        ...

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret (no error if absent)."""
        ...


@dataclass(frozen=True)
class KeyringStatus:
    """Which keyring backend is active and whether it is safe to store secrets in."""

    backend: str
    usable: bool
    message: str


def keyring_status(backend: KeyringBackend | None = None) -> KeyringStatus:
    """Inspect the active keyring backend (or the given one)."""
    backend = backend or keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    lowered = name.lower()
    if any(word in lowered for word in _UNSAFE_BACKENDS):
        return KeyringStatus(name, False, ENABLE_HINT)
    return KeyringStatus(name, True, f"credentials are kept in {type(backend).__name__}")


def _username(connection: str, key: str) -> str:
    return f"{connection}:{key}"


class KeyringSecretStore:
    """Secrets in the OS keyring, one entry per (connection, key)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend or keyring.get_keyring()
        status = keyring_status(self._backend)
        if not status.usable:
            raise SecretUnavailable(status.message)
        self.description = status.message

    def get(self, connection: str, key: str) -> str | None:
        """The secret, or None if not stored."""
        try:
            value = self._backend.get_password(SERVICE, _username(connection, key))
        except keyring.errors.KeyringError as exc:
            raise SecretUnavailable(f"the keyring could not be read: {type(exc).__name__}") from None
        register_secret(value)
        return value

    def set(self, connection: str, key: str, value: str) -> None:
        """Store (replace) a secret."""
        register_secret(value)
        try:
            self._backend.set_password(SERVICE, _username(connection, key), value)
        except keyring.errors.PasswordSetError as exc:
            raise SecretUnavailable(
                f"the keyring refused to save the {key} of '{connection}' "
                f"({type(exc).__name__}); Windows limits a credential to about 1,280 characters"
            ) from None

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret (no error if absent)."""
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._backend.delete_password(SERVICE, _username(connection, key))


class MemorySecretStore:
    """Secrets in process memory only: for tests and the demo, never for real connections."""

    def __init__(self, description: str = "demo mode: secrets are kept in memory only") -> None:
        self.description = description
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, connection: str, key: str) -> str | None:
        """The secret, or None if not stored."""
        with self._lock:
            return self._values.get((connection, key))

    def set(self, connection: str, key: str, value: str) -> None:
        """Store (replace) a secret."""
        register_secret(value)
        with self._lock:
            self._values[(connection, key)] = value

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret (no error if absent)."""
        with self._lock:
            self._values.pop((connection, key), None)


class RefusingSecretStore:
    """Stands in when no safe keyring exists: reading finds nothing, saving explains the fix."""

    description = ENABLE_HINT

    def get(self, connection: str, key: str) -> str | None:
        """Nothing can be stored, so nothing is found."""
        return None

    def set(self, connection: str, key: str, value: str) -> None:
        """Refuse, with the instructions to enable a keyring."""
        raise SecretUnavailable(ENABLE_HINT)

    def delete(self, connection: str, key: str) -> None:
        """Nothing to forget."""


def open_secret_store() -> SecretStore:
    """The keyring if it is safe, else a store that refuses to save and says why."""
    try:
        return KeyringSecretStore()
    except SecretUnavailable:
        return RefusingSecretStore()
