"""The FreshBooks accounting REST client: envelopes, paging, and writes that never repeat.

FreshBooks has no idempotency key, so a create is never resent blindly: a 429 or 5xx (answered
before anything was applied) is retried, but a lost answer raises ``UncertainOutcome`` at once
and the caller settles it by searching for what it sent. Reads are retried as usual.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import classify
from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
from ecom_ledger_desktop.core.errors import RetriableError, UncertainOutcome
from ecom_ledger_desktop.core.money import dumps, loads

PER_PAGE = 100  # FreshBooks' largest page
#: resource -> (path under the account, plural key, singular key)
RESOURCES = {
    "clients": ("users/clients", "clients", "client"),
    "items": ("items/items", "items", "item"),
    "taxes": ("taxes/taxes", "taxes", "tax"),
    "invoices": ("invoices/invoices", "invoices", "invoice"),
    "payments": ("payments/payments", "payments", "payment"),
    "credit_notes": ("credit_notes/credit_notes", "credit_notes", "credit_note"),
}


class FreshBooksClient:
    """Accounting calls for one account (``/accounting/account/{account}/...``)."""

    def __init__(self, api_base: str, account_id: str, tokens: FreshBooksTokens, *,
                 policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.account_id = account_id
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        auth = tokens.auth()
        self.api = ApiClient(api_base, name="FreshBooks", policy=self.policy, classify=classify,
                             auth=auth, transport=transport, sleep=sleep)
        # writes: one attempt per call; ``_write`` retries only what cannot have been applied
        self._writes = ApiClient(api_base, name="FreshBooks", classify=classify, auth=auth,
                                 policy=dataclasses.replace(self.policy, attempts=1),
                                 transport=transport, sleep=sleep)

    def close(self) -> None:
        """Release the connection pools."""
        self.api.close()
        self._writes.close()

    def _url(self, resource: str, record_id: str | int | None = None) -> str:
        path = RESOURCES[resource][0]
        tail = f"/{record_id}" if record_id is not None else ""
        return f"/accounting/account/{self.account_id}/{path}{tail}"

    # -- reads ------------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """``/auth/api/v1/users/me``: who signed in and their business memberships."""
        body = loads(self.api.request("GET", "/auth/api/v1/users/me").content)
        return dict(body.get("response") or {})

    def get(self, resource: str, record_id: str | int, lines: bool = False) -> dict[str, Any]:
        """One record (with its lines when asked)."""
        params = [("include[]", "lines")] if lines else None
        body = loads(self.api.request("GET", self._url(resource, record_id),
                                      params=params).content)
        return _single(body, resource)

    def page(self, resource: str, search: dict[str, str] | None = None, page: int = 1,
             lines: bool = False) -> tuple[list[dict[str, Any]], int]:
        """One page of a listing and the number of pages."""
        params: list[tuple[str, str]] = [("page", str(page)), ("per_page", str(PER_PAGE))]
        params += [(f"search[{k}]", v) for k, v in (search or {}).items()]
        if lines:
            params.append(("include[]", "lines"))
        body = loads(self.api.request("GET", self._url(resource), params=params).content)
        result = (body.get("response") or {}).get("result") or {}
        return list(result.get(RESOURCES[resource][1]) or []), int(result.get("pages") or 1)

    def list(self, resource: str, search: dict[str, str] | None = None,
             lines: bool = False) -> Iterator[dict[str, Any]]:
        """Every live record matching ``search`` (all pages)."""
        page, pages = 1, 1
        while page <= pages:
            rows, pages = self.page(resource, search, page, lines)
            yield from rows
            if not rows:
                return
            page += 1

    # -- writes -----------------------------------------------------------------------------
    def create(self, resource: str, fields: dict[str, Any]) -> dict[str, Any]:
        """POST a new record; ``UncertainOutcome`` when the answer was lost (search first!)."""
        return self._write("POST", self._url(resource), resource, fields, applies_once=True)

    def update(self, resource: str, record_id: str | int, fields: dict[str, Any]
               ) -> dict[str, Any]:
        """PUT fields of a record (a PUT of values is safe to resend)."""
        return self._write("PUT", self._url(resource, record_id), resource, fields,
                           applies_once=False)

    def delete(self, resource: str, record_id: str | int) -> None:
        """DELETE a record (how invoices and taxes are deleted; safe to resend)."""
        self.api.request("DELETE", self._url(resource, record_id))

    def _write(self, method: str, url: str, resource: str, fields: dict[str, Any], *,
               applies_once: bool) -> dict[str, Any]:
        content = dumps({RESOURCES[resource][2]: fields})
        headers = {"Content-Type": "application/json"}

        def retriable(error: BaseException) -> bool:
            return isinstance(error, RetriableError) and not (
                applies_once and isinstance(error, UncertainOutcome))

        retrying = Retrying(stop=stop_after_attempt(self.policy.attempts), reraise=True,
                            retry=retry_if_exception(retriable), sleep=self._sleep,
                            wait=wait_random_exponential(multiplier=self.policy.backoff_base,
                                                         max=self.policy.backoff_max))
        for attempt in retrying:
            with attempt:
                response = self._writes.request(method, url, content=content, headers=headers,
                                                write=True)
                return _single(loads(response.content), resource)
        raise AssertionError("unreachable")  # pragma: no cover


def _single(body: Any, resource: str) -> dict[str, Any]:
    result = (body.get("response") or {}).get("result") or {} if isinstance(body, dict) else {}
    plural, single = RESOURCES[resource][1:]
    for key in (single, plural):
        if isinstance(result.get(key), dict):
            return dict(result[key])
    raise RetriableError(f"FreshBooks answered without the {single}: "
                         f"{json.dumps(result)[:120]}")
