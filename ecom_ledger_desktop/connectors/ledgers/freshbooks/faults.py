"""FreshBooks error bodies mapped onto the shared error taxonomy (reference D6).

Three shapes: the accounting service's ``{"response":{"errors":[{errno, field, message, object,
value}]}}``, the newer Google-RPC ``{"code","message","details":[{"reason","metadata":{...}}]}``
and ``{"errors":{"message","status","details":[{"reason","metadata"}]}}``. 429 and 5xx are
retried; 401/403 need the merchant to reconnect; any other 4xx is about the record sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.http import default_status_error
from ecom_ledger_desktop.core.errors import (
    FatalError,
    Fix,
    RecordError,
    RecordProblem,
    SyncError,
)
from ecom_ledger_desktop.core.money import loads

NOT_FOUND = 1012


@dataclass(frozen=True)
class FaultEntry:
    """One error of a FreshBooks answer."""

    errno: int
    message: str
    field: str = ""
    object: str = ""
    value: str = ""


def parse_errors(response: httpx.Response) -> list[FaultEntry]:
    """Every error entry of any of the three shapes (empty when the body is none of them)."""
    try:
        body = loads(response.content or b"{}")
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    envelope = body.get("response")
    legacy = envelope.get("errors") if isinstance(envelope, dict) else None
    if isinstance(legacy, list):
        return [FaultEntry(_int(e.get("errno")), str(e.get("message") or ""),
                           str(e.get("field") or ""), str(e.get("object") or ""),
                           str(e.get("value") or "")) for e in legacy if isinstance(e, dict)]
    details: Any = body.get("details")
    if isinstance(body.get("errors"), dict):
        details = body["errors"].get("details")
    out = []
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        found = detail.get("metadata")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        out.append(FaultEntry(_int(detail.get("reason")),
                              str(meta.get("message") or detail.get("reason") or ""),
                              str(meta.get("field") or ""), str(meta.get("object") or ""),
                              str(meta.get("value") or "")))
    if not out and body.get("message"):
        out.append(FaultEntry(_int(body.get("errno") or body.get("code")), str(body["message"])))
    return out


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


class FreshBooksFault(RecordError):
    """FreshBooks refused what was sent (a 4xx other than 401/403/429)."""

    def __init__(self, status: int, errors: list[FaultEntry]) -> None:
        self.status = status
        self.errors = errors
        said = "; ".join(_said(e) for e in errors) or f"HTTP {status}"
        super().__init__(RecordProblem(
            "not_found" if self.not_found else "ledger_rejected",
            f"FreshBooks refused the request: {said}.",
            [Fix("retry", "Retry")], detail=f"HTTP {status}"))

    @property
    def not_found(self) -> bool:
        """The referenced record does not exist (or was deleted)."""
        return self.status == 404 or any(e.errno == NOT_FOUND for e in self.errors)

    @property
    def said(self) -> str:
        """What FreshBooks said, in its own words."""
        return "; ".join(_said(e) for e in self.errors) or f"HTTP {self.status}"

    def about(self, record: str, what_to_do: str = "") -> RecordError:
        """The same refusal named after the record, with what the merchant can do."""
        advice = what_to_do or ("Correct it in the store or in FreshBooks, then retry."
                                if not self.not_found else
                                "It may have been deleted in FreshBooks; restore it or let "
                                "ecom-ledger create it again, then retry.")
        code = "invalid_reference" if self.not_found else "ledger_rejected"
        return RecordError(RecordProblem(
            code, f"FreshBooks refused {record}: {self.said}. {advice}",
            [Fix("retry", "Retry"), Fix("ignore", "Ignore this record")],
            detail=f"HTTP {self.status} " + ",".join(str(e.errno) for e in self.errors)))


def _said(entry: FaultEntry) -> str:
    where = f" ({entry.field})" if entry.field and entry.field not in entry.message else ""
    return f"{entry.message.rstrip('.')}{where}"


def classify(response: httpx.Response) -> SyncError | None:
    """The error a FreshBooks answer stands for, or None for a success."""
    status = response.status_code
    if status < 400:
        return None
    if status in (401, 403):
        return FatalError(
            "FreshBooks no longer accepts this connection's sign-in (HTTP "
            f"{status}). Reconnect FreshBooks in Connections.", needs_reauthorisation=True,
            role="ledger")
    generic = default_status_error(response)
    if generic is not None:
        return generic
    return FreshBooksFault(status, parse_errors(response))
