"""PrestaShop Webservice answers mapped onto the shared error taxonomy (``core.errors``).

Error bodies are ``<prestashop><errors><error><code>..</code><message>..</message>`` in XML, or
``{"errors":[{"code":N,"message":".."}]}`` in JSON (parsed with defusedxml: no entities).

- 2xx whose body is not readable JSON / XML (cut off, a PHP fatal error page): retriable.
- 401: codes 16-21 (the key) fatal, needs a new key; code 26 (a resource not granted) fatal,
  naming the resource and where to tick it.
- 405: code 25 (a method not granted on the key) / 101 (not allowed at all): fatal.
- 503 code 22: the Webservice is switched off: fatal. Other 5xx, 429 (a hosting WAF's HTML page
  included): retriable. A 500 after a write may have been committed (PHP notice): the caller
  looks before resending.
- 404: ``NotFoundError`` (a ``RecordError``; an unknown id answers with an empty body).
- 400 and other 4xx: ``PrestaShopRequestError`` (fatal) with PrestaShop's code and message.
- 3xx: fatal (the shop address redirects).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from defusedxml import ElementTree

from ecom_ledger_desktop.connectors.http import default_status_error
from ecom_ledger_desktop.core.errors import (
    FatalError,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
)

WHERE_KEY = "Advanced Parameters › Webservice in the PrestaShop back office"
_RESOURCE = re.compile(r'type "([a-z_]+)"')
_METHOD = re.compile(r"\b(GET|PUT|POST|PATCH|DELETE|HEAD)\b")


class NotFoundError(RecordError):
    """HTTP 404: no such record (or resource)."""

    def __init__(self, message: str) -> None:
        super().__init__(RecordProblem(code="not_found", message=message))


class KeyRefusedError(FatalError):
    """The Webservice key itself is refused (missing, malformed, unknown, inactive)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, needs_reauthorisation=True)


class KeyLacksError(FatalError):
    """The key works but lacks a method on a resource."""

    def __init__(self, message: str, resource: str, method: str) -> None:
        super().__init__(message)
        self.resource, self.method = resource, method


class PrestaShopRequestError(FatalError):
    """PrestaShop refused the request (400 ...): its code and message."""

    def __init__(self, message: str, status: int, code: int | None) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def lacks(method: str, resource: str) -> str:
    """The sentence a merchant reads for a missing permission."""
    return (f"the Webservice key lacks {method} on {resource}: in {WHERE_KEY}, edit the key and "
            f"tick {method} for '{resource}', save, then sync again")


def parse_errors(content: bytes) -> list[tuple[int | None, str]]:
    """``(code, message)`` pairs of an error body, XML or JSON ([] when there are none)."""
    text = content.strip()
    if not text:
        return []
    if text[:1] in (b"{", b"["):
        try:
            body = json.loads(text)
        except ValueError:
            return []
        errors = body.get("errors") if isinstance(body, dict) else None
        out = []
        for error in errors if isinstance(errors, list) else []:
            if isinstance(error, dict):
                code = error.get("code")
                out.append((int(str(code)) if str(code).isdigit() else None,
                            str(error.get("message") or "")))
        return out
    try:
        root = ElementTree.fromstring(text)
    except Exception:  # defusedxml raises several kinds: unreadable is unreadable
        return []
    out = []
    for error in root.iter("error"):
        code = (error.findtext("code") or "").strip()
        out.append((int(code) if code.isdigit() else None, (error.findtext("message") or "").strip()))
    return out


def readable(content: bytes) -> bool:
    """Whether a success body is complete JSON or XML."""
    text = content.strip()
    if text[:1] in (b"{", b"["):
        try:
            json.loads(text)
        except ValueError:
            return False
        return True
    if text[:1] == b"<":
        try:
            ElementTree.fromstring(text)
        except Exception:  # defusedxml raises several kinds
            return False
        return True
    return not text


def _said(errors: list[tuple[int | None, str]]) -> str:
    return "; ".join(f"{m} (code {c})" if c is not None else m for c, m in errors if m)


def classify(response: httpx.Response) -> SyncError | None:
    """The error a Webservice answer stands for, or None when it is a usable success."""
    status = response.status_code
    if 200 <= status < 300:
        if readable(response.content):
            return None
        return RetriableError(f"PrestaShop sent an incomplete or unreadable answer (HTTP {status});"
                              " reading it again")
    errors = parse_errors(response.content)
    codes = {c for c, _ in errors}
    said = _said(errors)
    method = response.request.method if response.request else "GET"
    if status == 401:
        if 26 in codes:
            found = _RESOURCE.search(said)
            resource = found.group(1) if found else "a resource"
            return KeyLacksError(f"PrestaShop: {lacks(method, resource)}.", resource, method)
        return KeyRefusedError(
            f"PrestaShop refused the Webservice key ({said or 'HTTP 401'}). Copy the key again "
            f"from {WHERE_KEY} (it is 32 characters and must be enabled), or, when the key is "
            "right, the web server strips the Authorization header: add 'CGIPassAuth On' to the "
            "shop's .htaccess. Then test the connection again.")
    if status == 405:
        found = _METHOD.search(said)
        verb = found.group(1) if found else method
        path = response.request.url.path if response.request else ""
        resource = path.rstrip("/").split("/api/", 1)[-1].split("/", 1)[0] or "this resource"
        if 101 in codes:
            return PrestaShopRequestError(f"PrestaShop does not allow {verb} on {resource} at all "
                                          f"({said}).", status, 101)
        return KeyLacksError(f"PrestaShop: {lacks(verb, resource)}.", resource, verb)
    if status == 503 and 22 in codes:
        return FatalError(f"PrestaShop's Webservice is switched off; enable it in {WHERE_KEY} "
                          "('Enable PrestaShop's webservice': Yes), then sync again.")
    if status == 403 and errors:
        return KeyRefusedError(f"PrestaShop refused this key for the shop ({said}); in "
                               f"{WHERE_KEY} give the key access to this shop.")
    if status == 404:
        return NotFoundError(said or "PrestaShop has no such record (HTTP 404).")
    generic = default_status_error(response)
    if generic is not None:
        if isinstance(generic, RetriableError) or status == 403:  # a WAF's HTML page
            detail = f" — PrestaShop said: {said}" if said else ""
            return RetriableError(f"PrestaShop is not answering normally (HTTP {status}){detail}",
                                  generic.retry_after if isinstance(generic, RetriableError)
                                  else None)
        return generic
    if 300 <= status < 400:
        where = response.headers.get("Location", "another address")
        return FatalError(f"The shop address redirects to {where}; enter that address in the "
                          "connection settings instead.")
    if not errors and response.content.strip()[:1] not in (b"<", b"{", b"["):
        return FatalError(f"The shop answered with a web page instead of data (HTTP {status}); "
                          "check the shop address (the Webservice lives under /api).")
    code = next(iter(c for c in codes if c is not None), None)
    return PrestaShopRequestError(f"PrestaShop refused the request (HTTP {status}): "
                                  f"{said or 'no reason given'}", status, code)


def describe(value: Any) -> str:
    """A short printable form of a body for problem details."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:300]
