"""X-Cart answers mapped onto the shared error taxonomy (``core.errors``).

- 2xx with JSON: success; 2xx that is not JSON (cut off, a PHP fatal page): retriable.
- 5.x add-on: a wrong key answers **404** with an empty body, which looks like a wrong address;
  the message says both. 400 carries the reason in ``X-REST-Error`` (the body is ``null``).
- 5.5: 401 for a refused key, 403 for a read-only key writing, 404 for a missing record.
- 429 and 5xx: retriable (``Retry-After`` honoured).
"""

from __future__ import annotations

import httpx

from ecom_ledger_desktop.connectors.http import default_status_error
from ecom_ledger_desktop.core.errors import (
    FatalError,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
)
from ecom_ledger_desktop.core.money import loads

KEY_HELP = ("In the X-Cart admin open the REST API add-on's settings (5.x: My add-ons › REST API › "
            "Settings; 5.5+: Settings › API) and copy the read/write key")


class KeyRefusedError(FatalError):
    """The shop refused the API key (or, on 5.x, the add-on is not there)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, needs_reauthorisation=True)


class ReadOnlyKeyError(FatalError):
    """A write with the read-only key."""


class XCartRequestError(FatalError):
    """X-Cart refused one request (5.x: ``X-REST-Error``); ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class NotFoundError(RecordError):
    """5.5: the record does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(RecordProblem(code="not_found", message=message))


def _is_json(response: httpx.Response) -> bool:
    try:
        loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def classify(response: httpx.Response, *, version: str, writing: bool = False,
             ) -> SyncError | None:
    """The error an X-Cart answer stands for, or None when it is usable."""
    status = response.status_code
    if 200 <= status < 300:
        if _is_json(response):
            return None
        return RetriableError(f"X-Cart sent an incomplete or unreadable answer (HTTP {status}); "
                              "reading it again")
    reason = response.headers.get("X-REST-Error", "")
    if status == 404 and version != "5.5":
        if writing:
            return ReadOnlyKeyError(
                "X-Cart refused to change data with this key: it is the read-only key (X-Cart "
                f"answers 'not found' then). {KEY_HELP} (not the read-only one).")
        return KeyRefusedError(
            "X-Cart answered 'not found' (HTTP 404): the REST API key is wrong (X-Cart answers a "
            "wrong key that way), or the REST API add-on is not installed, or the shop address is "
            f"wrong, or the shop runs X-Cart 5.5 or later (set the API version to auto). "
            f"{KEY_HELP}, and check the shop address.")
    if status == 401:
        return KeyRefusedError(f"X-Cart refused the API key (HTTP 401). {KEY_HELP}.")
    if status == 403:
        return ReadOnlyKeyError(
            "X-Cart refused to change data with this key (HTTP 403): it is read-only. "
            f"{KEY_HELP}.")
    generic = default_status_error(response)
    if generic is not None:
        return generic
    if 300 <= status < 400:
        where = response.headers.get("Location", "another address")
        return FatalError(f"The shop address redirects to {where}; enter that address in the "
                          "connection settings instead.")
    if status == 404:
        return NotFoundError("X-Cart has no such record (HTTP 404).")
    if not reason and _is_json(response):
        body = loads(response.content)
        if isinstance(body, dict):
            reason = str(body.get("hydra:description") or body.get("detail")
                         or body.get("message") or "")
    return XCartRequestError(f"X-Cart refused the request (HTTP {status}): "
                             f"{reason or 'no reason given'}", status)
