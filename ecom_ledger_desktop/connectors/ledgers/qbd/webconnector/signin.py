"""Web Connector sign-in: the password in the keyring, compared in constant time, and a pause after
repeated wrong passwords so nobody on the network can guess it by trying."""

from __future__ import annotations

import hmac
import secrets as random_source
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.secrets.store import SecretStore, SecretUnavailable

PASSWORD_KEY = "webconnector_password"  # noqa: S105 - the SecretStore key, not a password
FREE_TRIES = 5  # wrong passwords in a row before sign-ins pause
FIRST_PAUSE = 60.0  # seconds; doubles with every further wrong password
LONGEST_PAUSE = 900.0
_ANYONE = "\0unknown user"


def issue_password(store: SecretStore, connection: str) -> str:
    """A new random Web Connector password for ``connection``, saved in the keyring; shown once to
    the merchant to type into the Web Connector."""
    password = random_source.token_urlsafe(18)
    store.set(connection, PASSWORD_KEY, password)
    return password


@dataclass(frozen=True)
class Verdict:
    """The sign-in decision; ``problem`` (plain words) says why it failed, for the app."""

    ok: bool
    problem: str = ""


@dataclass
class _Strikes:
    count: int = 0
    paused_until: datetime | None = None


@dataclass
class SignInGuard:
    """Checks a connection's password; pauses sign-ins after repeated failures."""

    store: SecretStore
    clock: Clock
    _strikes: dict[str, _Strikes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, connection: str | None, password: str) -> Verdict:
        """Whether ``password`` is the one kept for ``connection`` (None: an unknown user name)."""
        key = connection or _ANYONE
        now = self.clock.now()
        with self._lock:
            strikes = self._strikes.setdefault(key, _Strikes())
            if strikes.paused_until is not None and now < strikes.paused_until:
                strikes.count += 1
                return Verdict(False, self._paused_words(strikes.paused_until))
        expected = self._expected(connection)
        # compare even when nothing is expected, so an unknown user takes as long as a wrong password
        matches = hmac.compare_digest((expected or "\0unset").encode(), password.encode())
        if expected and matches:
            with self._lock:
                self._strikes.pop(key, None)
            return Verdict(True)
        with self._lock:
            strikes.count += 1
            if strikes.count >= FREE_TRIES:
                pause = min(LONGEST_PAUSE, FIRST_PAUSE * 2 ** (strikes.count - FREE_TRIES))
                strikes.paused_until = now + timedelta(seconds=pause)
        if connection is not None and not expected:
            return Verdict(False, "No Web Connector password is set for this connection: set one in the app "
                                  "and enter it in the Web Connector.")
        return Verdict(False, "The Web Connector signed in with a wrong password.")

    def _expected(self, connection: str | None) -> str | None:
        if connection is None:
            return None
        try:
            return self.store.get(connection, PASSWORD_KEY)
        except SecretUnavailable:
            return None

    @staticmethod
    def _paused_words(until: datetime) -> str:
        return (f"Too many wrong passwords: Web Connector sign-ins are refused until {until:%H:%M} UTC. "
                "Check the password in the Web Connector.")
