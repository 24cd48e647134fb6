"""What the app shows about the Web Connector: when it last called, and why work may be waiting.

Postings for QuickBooks Desktop wait until the Web Connector next calls; these facts let the app
say why they wait ("last connected 3 h ago", "QuickBooks company file not open", "QuickBooks busy")
instead of failing them. Times come from an injected clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from ecom_ledger_desktop.core.clock import Clock

Condition = Literal[
    "never_connected", "ok", "company_file_not_open", "quickbooks_busy", "access_denied",
    "wrong_password", "quickbooks_error",
]

# HRESULTs of the QuickBooks request processor, as the Web Connector passes them on.
_HRESULTS: dict[str, tuple[Condition, str]] = {
    "0x80040400": ("quickbooks_error", "QuickBooks could not read a request the app sent"),
    "0x80040401": ("quickbooks_busy", "the Web Connector could not reach QuickBooks"),
    "0x80040402": ("quickbooks_error", "QuickBooks reported an unexpected error (see qbsdklog.txt on the "
                                       "QuickBooks computer)"),
    "0x80040403": ("company_file_not_open", "QuickBooks could not open the company file"),
    "0x80040408": ("company_file_not_open", "QuickBooks could not be started"),
    "0x8004040a": ("company_file_not_open", "another company file is open in QuickBooks"),
    "0x80040410": ("quickbooks_busy", "the company file is open in another mode (single-user / multi-user)"),
    "0x80040414": ("quickbooks_busy", "a window is open in QuickBooks and blocks other programs"),
    "0x80040416": ("company_file_not_open", "QuickBooks is not running and no company file was given"),
    "0x8004041a": ("access_denied", "this app has no permission in QuickBooks"),
    "0x80040420": ("access_denied", "the QuickBooks user refused this app access"),
}

_ADVICE: dict[Condition, str] = {
    "never_connected": "The Web Connector has not connected yet: add the .qwc file to the Web Connector "
                       "on the QuickBooks computer and enter the password.",
    "ok": "",
    "company_file_not_open": "QuickBooks company file not open: open the company file in QuickBooks, or "
                             "allow this app to connect even when QuickBooks is not running.",
    "quickbooks_busy": "QuickBooks busy: close any open window or dialog in QuickBooks; the Web Connector "
                       "tries again at its next update.",
    "access_denied": "QuickBooks refused access: in QuickBooks, Edit > Preferences > Integrated "
                     "Applications, allow this app.",
    "wrong_password": "The Web Connector used a wrong password: enter the password shown in the app in "
                      "the Web Connector's Password column.",
    "quickbooks_error": "QuickBooks reported an error; the postings wait and are sent again at the next "
                        "update.",
}


def interpret_hresult(hresult: str, message: str = "") -> tuple[Condition, str]:
    """The condition and plain words for an HRESULT the Web Connector reported."""
    key = hresult.strip().lower()
    if key in _HRESULTS:
        return _HRESULTS[key]
    said = " ".join(message.split())[:200]  # QuickBooks' own words, one line, bounded
    words = f"QuickBooks reported error {hresult.strip()[:20] or 'without a code'}"
    return "quickbooks_error", f"{words}: {said}" if said else words


@dataclass(frozen=True)
class WebConnectorStatus:
    """The facts about one QuickBooks Desktop connection's Web Connector."""

    condition: Condition = "never_connected"
    last_contact: datetime | None = None
    last_session_end: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    company_file: str = ""

    def advice(self) -> str:
        """What the merchant should do, in plain words ("" when all is well)."""
        return _ADVICE[self.condition]

    def describe(self, now: datetime) -> str:
        """One line for the app, e.g. "Web Connector last connected 3 h ago"."""
        if self.last_contact is None:
            return _ADVICE["never_connected"]
        line = f"Web Connector last connected {_ago(now - self.last_contact)}"
        return f"{line}. {self.advice()}" if self.condition != "ok" else line


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


class StatusBoard:
    """Thread-safe status per connection, updated by the service as the Web Connector calls."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._status: dict[str, WebConnectorStatus] = {}

    def get(self, connection: str) -> WebConnectorStatus:
        """The current facts for ``connection``."""
        with self._lock:
            return self._status.get(connection, WebConnectorStatus())

    def restore(self, connection: str, status: WebConnectorStatus) -> None:
        """Put back facts kept from an earlier run of the app (they live in memory only)."""
        with self._lock:
            self._status[connection] = status

    def describe(self, connection: str) -> str:
        """The one-line summary at the clock's current time."""
        return self.get(connection).describe(self._clock.now())

    def _update(self, connection: str, **changes: object) -> None:
        with self._lock:
            current = self._status.get(connection, WebConnectorStatus())
            self._status[connection] = replace(current, **changes)  # type: ignore[arg-type]

    def contact(self, connection: str) -> None:
        """The Web Connector called for this connection."""
        self._update(connection, last_contact=self._clock.now())

    def signed_in(self, connection: str) -> None:
        """A sign-in succeeded: earlier trouble is over."""
        self._update(connection, last_contact=self._clock.now(), condition="ok")

    def opened(self, connection: str, company_file: str) -> None:
        """QuickBooks answered with this company file open."""
        self._update(connection, last_contact=self._clock.now(), condition="ok", company_file=company_file)

    def failed(self, connection: str, condition: Condition, error: str) -> None:
        """Something stopped the exchange; ``error`` is plain words, free of data and secrets."""
        now = self._clock.now()
        self._update(connection, last_contact=now, condition=condition, last_error=error, last_error_at=now)

    def ended(self, connection: str) -> None:
        """A session ended."""
        self._update(connection, last_session_end=self._clock.now())
