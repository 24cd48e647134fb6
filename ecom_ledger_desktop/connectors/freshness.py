"""How fresh a ledger's answers are: a ledger reached only when it calls in (QuickBooks Desktop
through the Web Connector) answers its read-back and look-ups from its last visit between visits,
and says when that was; the reconciliation, the preview and the dashboard say it plainly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ReadAsOf:
    """When a ledger's answers were read, for a ledger that answers from its last read while
    it cannot be reached (QuickBooks Desktop between Web Connector updates)."""

    read_at: datetime
    read_by: str  # what read it: "the Web Connector's last update"
    next_read: str  # when it is read again: "the next update reads it again"


@runtime_checkable
class AsOfLedger(Protocol):
    """A ledger whose read-back and look-ups may answer from an earlier read."""

    def read_as_of(self) -> ReadAsOf | None:
        """When the last answer of ``documents_between`` (or of a look-up) was read; None when
        it was read live just now."""
        ...

    def ask_fresh_read(self) -> None:
        """The merchant asked for the books as they are now: read them afresh at the next
        chance, however recent the last read (an automatic check takes a recent one)."""
        ...
