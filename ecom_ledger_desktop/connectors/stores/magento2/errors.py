"""Magento 2 error bodies mapped onto the shared error taxonomy (``core.errors``).

Magento answers errors as ``{"message": "...", "parameters": ...}`` where ``message`` carries
placeholders: named ones (``%fieldName``) filled from a ``parameters`` *object*, positional
ones (``%1``) filled from a ``parameters`` *list*. Aggregated validation errors add
``"errors": [{"message", "parameters"}]``.

How a response is classified:

- 2xx with a JSON body: success. 2xx whose body is not JSON (truncated, garbage): retriable,
  the same request is simply read again.
- 401: fatal, with a message a merchant can act on (bearer tokens disabled since 2.4.4,
  missing ACL resource, revoked token).
- 403, 429, 5xx: as ``default_status_error`` (403 fatal, the rest retriable).
- 404: ``NotFoundError`` (a ``RecordError``); callers decide what a missing entity means.
- 400 ``Maximum SearchCriteria pageSize is N``: ``PageSizeTooLargeError``; the paging code halves
  its page size and asks again.
- 3xx: fatal (the shop address redirects, e.g. http -> https).
- other 4xx: ``MagentoRequestError`` (fatal) carrying Magento's own message, placeholders
  filled in; a 4xx whose body looks like cut-off JSON is retriable instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

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

BEARER_HINT = (
    "Since Magento 2.4.4 integration tokens only work as Bearer tokens when 'Allow OAuth Access "
    "Tokens to be used as standalone Bearer tokens' is enabled (Stores > Configuration > "
    "Services > OAuth > Consumer Settings)"
)

_PAGE_SIZE_RE = re.compile(r"Maximum SearchCriteria pageSize is (\d+)")
_NAMED_RE = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)")
_POSITIONAL_RE = re.compile(r"%(\d+)")


class NotFoundError(RecordError):
    """HTTP 404: the entity (or the route) does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(RecordProblem(code="not_found", message=message))


class PageSizeTooLargeError(FatalError):
    """HTTP 400 ``Maximum SearchCriteria pageSize is N``: the shop has Web API input limits on."""

    def __init__(self, message: str, limit: int | None) -> None:
        super().__init__(message)
        self.limit = limit


class AuthRefusedError(FatalError):
    """HTTP 401/403: Magento refused the token (or the integration lacks the ACL resource)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, needs_reauthorisation=True)


class MagentoRequestError(FatalError):
    """Any other 4xx: Magento refused the request; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def render_message(body: Any) -> str:
    """Magento's error text with its placeholders filled in (``""`` when there is none).

    ``parameters`` as an object fills named placeholders (``%fieldName``); as a list it fills
    positional ones (``%1`` is the first item). Unknown placeholders are left as they are.
    Messages of an aggregated ``errors`` list are appended.
    """
    if not isinstance(body, dict):
        return ""
    text = _fill(body.get("message"), body.get("parameters"))
    extra = body.get("errors")
    if isinstance(extra, list):
        parts = [_fill(e.get("message"), e.get("parameters")) for e in extra if isinstance(e, dict)]
        parts = [p for p in parts if p and p != text]
        if parts:
            text = "; ".join([text, *parts]) if text else "; ".join(parts)
    return text


def _fill(message: Any, parameters: Any) -> str:
    if not isinstance(message, str):
        return ""
    if isinstance(parameters, dict):
        values = {str(k): _show(v) for k, v in parameters.items()}
        return _NAMED_RE.sub(lambda m: values.get(m.group(1), m.group(0)), message)
    if isinstance(parameters, list):
        listed = [_show(v) for v in parameters]

        def positional(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            return listed[index] if 0 <= index < len(listed) else match.group(0)

        return _POSITIONAL_RE.sub(positional, message)
    return message


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def _json_or_none(response: httpx.Response) -> tuple[bool, Any]:
    try:
        return True, loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False, None


def auth_error(body: Any) -> AuthRefusedError:
    """The fatal error for a 401, worded so the merchant knows what to change."""
    detail = render_message(body)
    resources = body.get("parameters", {}) if isinstance(body, dict) else {}
    resource = resources.get("resources") if isinstance(resources, dict) else None
    message = f"Magento refused the integration token ({detail or 'HTTP 401'}). {BEARER_HINT}"
    if isinstance(resource, str) and resource and resource != "self":
        message += (
            f"; or the integration has no access to {resource} (System > Extensions > "
            "Integrations > edit > API)"
        )
    message += "; or the token was revoked. Check the setting, then test the connection again."
    return AuthRefusedError(message)


def classify(response: httpx.Response) -> SyncError | None:
    """The error a Magento response stands for, or None when it is a usable success."""
    status = response.status_code
    if 200 <= status < 300:
        ok, _ = _json_or_none(response)
        if ok:
            return None
        return RetriableError(
            f"Magento sent an incomplete or unreadable answer (HTTP {status}); reading it again"
        )
    ok, body = _json_or_none(response)
    if status == 401:
        return auth_error(body)
    generic = default_status_error(response)
    if generic is not None:
        detail = render_message(body)
        if detail and isinstance(generic, RetriableError):
            return RetriableError(f"{generic} — Magento said: {detail}", generic.retry_after)
        if status == 403:
            reason = detail or "forbidden"
            return AuthRefusedError(f"Magento refused the request (HTTP 403): {reason}")
        return generic
    if 300 <= status < 400:
        where = response.headers.get("Location", "another address")
        return FatalError(
            f"The shop address redirects to {where}; enter that address in the connection "
            "settings instead."
        )
    message = render_message(body)
    if status == 404:
        return NotFoundError(message or "Magento has no such record (HTTP 404).")
    if not ok:
        if response.content.lstrip()[:1] in (b"{", b"["):
            return RetriableError(f"Magento sent a cut-off answer (HTTP {status}); asking again")
        return FatalError(
            f"The shop answered with a web page instead of data (HTTP {status}); check the shop "
            "address in the connection settings."
        )
    if status == 400:
        match = _PAGE_SIZE_RE.search(message)
        if match:
            return PageSizeTooLargeError(message, int(match.group(1)))
    return MagentoRequestError(
        f"Magento refused the request (HTTP {status}): {message or 'no reason given'}", status
    )


def describe_body(response: httpx.Response) -> str:
    """A short printable rendering of a response body, for logs and problem details."""
    ok, body = _json_or_none(response)
    if ok:
        return render_message(body) or json.dumps(body, default=str)[:300]
    return response.text[:300]
