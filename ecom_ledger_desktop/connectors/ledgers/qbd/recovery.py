"""qbXML error recovery for batches: each batch goes out with a ``newMessageSetID``; when its
answer is lost (the Web Connector session died after QuickBooks ran it), the first document of
it that the sync settles asks QuickBooks once for the kept answer (``oldMessageSetID`` = the
same ID) and every document of the batch is settled from it: posted (its TxnID), refused, or
never run (QuickBooks answers 9002: it kept nothing under that ID). Memory of lost batches
lasts while the app runs; after a restart, or when QuickBooks kept nothing usable, documents
are settled by the query by RefNumber as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import message_set
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.company import preferences_query

NOTHING_KEPT = 9002  # messageSetStatusCode: no message set was kept under that ID


@dataclass(frozen=True)
class Unknown:
    """The kept answer does not settle this document (fall back to the query)."""


UNKNOWN = Unknown()


@dataclass
class LostBatches:
    """Batches in flight or whose answer was lost: posting key -> (message set ID, requestID)."""

    _pending: dict[str, tuple[str, str]] = field(default_factory=dict)
    _kept: dict[str, dict[str, parse.Response] | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, keys: list[str]) -> str:
        """A fresh ``newMessageSetID`` for a batch of these posting keys."""
        return limits.message_set_id("|".join(keys) + f"|{time.time_ns()}")

    def sending(self, message_set_id: str, request_ids: dict[str, str]) -> None:
        """A batch goes out: ``request_ids`` maps posting key -> requestID."""
        with self._lock:
            for key, request_id in request_ids.items():
                self._pending[key] = (message_set_id, request_id)

    def answered(self, request_ids: dict[str, str], keep: bool = False) -> None:
        """Its answer arrived, or it was never sent: nothing to recover (``keep``: the answer
        was lost, keep it for recovery)."""
        if keep:
            return
        with self._lock:
            for key in request_ids:
                self._pending.pop(key, None)

    def settle(self, posting_key: str, ask: Callable[[str], str]
               ) -> parse.Response | Unknown | None:
        """The kept answer to this document's request (None: QuickBooks never ran it), or
        ``UNKNOWN``; ``ask(xml)`` exchanges one message set with QuickBooks."""
        with self._lock:
            found = self._pending.get(posting_key)
        if found is None:
            return UNKNOWN
        set_id, request_id = found
        with self._lock:
            known = set_id in self._kept
            kept = self._kept.get(set_id)
        if not known:
            answer = parse.parse_response(ask(message_set(
                [preferences_query("recover")], new_message_set_id=set_id,
                old_message_set_id=set_id)))
            if answer.status_code == NOTHING_KEPT:
                kept = None
            elif answer.status_code in (None, 0) and answer.new_message_set_id == set_id:
                kept = answer.by_request_id()
            else:
                with self._lock:
                    self._pending.pop(posting_key, None)
                return UNKNOWN
            with self._lock:
                self._kept[set_id] = kept
        with self._lock:  # settled (an exchange that failed above leaves it for the next try)
            self._pending.pop(posting_key, None)
        if kept is None:
            return None
        return kept.get(request_id, UNKNOWN)
