"""One HTTP client for every connector: classification, retries and a circuit breaker.

Retries use tenacity (exponential back-off with jitter, honouring ``Retry-After``) rather than a
hand-written loop; the circuit breaker is pybreaker's, one per connection, so a dead service stops
costing a run minutes of retries. A connector supplies ``classify``: the mapping from an HTTP
response to the shared error taxonomy in ``core.errors``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pybreaker
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from ecom_ledger_desktop.core.errors import (
    FatalError,
    RecordError,
    RetriableError,
    SyncError,
    UncertainOutcome,
)
from ecom_ledger_desktop.core.redaction import redact

log = logging.getLogger(__name__)

Classifier = Callable[[httpx.Response], SyncError | None]
"""Returns the error a response stands for, or None when it is a success."""


@dataclass
class RetryPolicy:
    """How hard to try: attempts per call, back-off bounds (seconds), breaker thresholds."""

    attempts: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 60.0
    timeout: float = 30.0
    breaker_fail_max: int = 5
    breaker_reset: float = 60.0


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta or HTTP date), or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def default_status_error(response: httpx.Response) -> SyncError | None:
    """The generic part of classification: 429 and 5xx retriable, 401/403 fatal."""
    status = response.status_code
    if status == 429:
        return RetriableError("the service asked us to slow down (HTTP 429)",
                              retry_after_seconds(response))
    if status in (500, 502, 503, 504):
        return RetriableError(f"the service is temporarily unavailable (HTTP {status})",
                              retry_after_seconds(response))
    if status in (401, 403):
        return FatalError(f"the service refused our credentials (HTTP {status})")
    return None


class ApiClient:
    """An httpx client bound to one connection, with retries and a circuit breaker."""

    def __init__(
        self,
        base_url: str,
        *,
        classify: Classifier,
        name: str,
        auth: httpx.Auth | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.policy = policy or RetryPolicy()
        self._classify = classify
        self._sleep = sleep
        self._http = httpx.Client(base_url=base_url, auth=auth, timeout=self.policy.timeout,
                                  transport=transport)
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=self.policy.breaker_fail_max,
            reset_timeout=self.policy.breaker_reset,
            exclude=[RecordError, FatalError],
            name=name,
        )
        self.calls = 0  # attempts sent
        self.retries = 0  # attempts that were a retry of a failed one
        self.failures: Counter[str] = Counter()  # failed attempts by cause (diagnostics, soak)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        write: bool = False,
    ) -> httpx.Response:
        """Send a request, retrying transient failures; returns a successful response.

        ``write`` marks requests that change data: a lost answer to one of them raises
        ``UncertainOutcome`` once retries are spent, so the caller checks before resending.
        Only safe to retry when the request is idempotent (a QBO ``requestid``, a PUT of a value).
        """
        try:
            return self.breaker.call(self._with_retries, method, url, params, content, headers, write)
        except pybreaker.CircuitBreakerError:
            raise RetriableError(
                f"{self.name}: too many failures in a row; pausing calls for "
                f"{int(self.policy.breaker_reset)} s before trying again"
            ) from None

    def _with_retries(self, method: str, url: str, params: Any, content: Any, headers: Any,
                      write: bool) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(RetriableError),
            reraise=True,
            sleep=self._sleep,
        )
        for attempt in retrying:
            with attempt:
                return self._once(method, url, params, content, headers, write)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        self.retries += 1  # tenacity asks for the wait only when it is about to retry
        exponential = wait_random_exponential(multiplier=self.policy.backoff_base,
                                              max=self.policy.backoff_max)(state)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetriableError) and error.retry_after is not None:
            return min(max(error.retry_after, exponential), self.policy.backoff_max)
        return exponential

    def _once(self, method: str, url: str, params: Any, content: Any, headers: Any,
              write: bool) -> httpx.Response:
        self.calls += 1
        try:
            response = self._http.request(method, url, params=params, content=content,
                                          headers=headers)
        except httpx.ConnectError as exc:
            self.failures["connect"] += 1
            raise RetriableError(f"{self.name}: cannot connect ({type(exc).__name__})") from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError,
                httpx.WriteError) as exc:
            self.failures["timeout" if isinstance(exc, httpx.TimeoutException) else "reset"] += 1
            kind = UncertainOutcome if write else RetriableError
            raise kind(f"{self.name}: no answer ({type(exc).__name__})") from None
        except SyncError as exc:  # raised by the auth (e.g. a token refresh that failed)
            self.failures[f"auth_{type(exc).__name__}"] += 1
            raise
        error = self._classify(response)
        if error is not None:
            self.failures[f"http_{response.status_code}"] += 1
            # the path and the kind of error only: a query string and a service's error text
            # can carry customers' emails and names (the error queue keeps the text)
            log.info("%s %s %s -> %s: %s", self.name, method, response.url.path,
                     response.status_code, type(error).__name__)
            log.debug("%s %s %s: %s", self.name, method, redact(str(response.url)), error)
            raise error
        return response
