"""Requests to either X-Cart API: the 5.x add-on (``admin.php?target=RESTAPI&_key=...``) and the
5.5+ API (``/api/...`` with ``X-Auth-Token``), through ``ApiClient`` (retries, breaker)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.stores.xcart.errors import KeyRefusedError, classify
from ecom_ledger_desktop.core.errors import FatalError, RetriableError, SyncError
from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.core.redaction import register_secret

VERSIONS = ("auto", "5.4", "5.5")
Pairs = list[tuple[str, str]]
FormPairs = list[tuple[str, str | int | float | bool | None]]


class Transport:
    """One shop's API; ``version`` is "5.4" (the add-on, 5.0-5.4) or "5.5" once known."""

    def __init__(self, base_url: str, key: str, *, version: str = "auto", name: str = "X-Cart",
                 policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        if version not in VERSIONS:
            raise FatalError(f"{name}: the API version {version!r} is not one of "
                             f"{', '.join(VERSIONS)}; correct the connection setting")
        register_secret(key)
        self.base_url, self.key, self.name = base_url.rstrip("/"), key, name
        self.version = version
        self.policy = policy or RetryPolicy()
        self.last_date: str | None = None
        self._writing = False
        self._api = ApiClient(self.base_url, classify=self._classify, name=name,
                              policy=self.policy, transport=transport)
        single = RetryPolicy(attempts=1, backoff_base=self.policy.backoff_base,
                             backoff_max=self.policy.backoff_max, timeout=self.policy.timeout,
                             breaker_fail_max=self.policy.breaker_fail_max,
                             breaker_reset=self.policy.breaker_reset)
        self._once = ApiClient(self.base_url, classify=self._classify, name=name, policy=single,
                               transport=transport)

    def _classify(self, response: httpx.Response) -> SyncError | None:
        date = response.headers.get("Date")
        if date:
            self.last_date = date
        return classify(response, version=self.version, writing=self._writing)

    def close(self) -> None:
        self._api.close()
        self._once.close()

    def server_date(self) -> datetime | None:
        if not self.last_date:
            return None
        try:
            return parsedate_to_datetime(self.last_date)
        except (TypeError, ValueError):
            return None

    # -- version -------------------------------------------------------------------------------

    def resolve(self, *, once: bool = False) -> str:
        """The API version, probing the 5.x add-on first and then ``/api`` when on "auto"
        (``once``: a single attempt per probe, for "Test connection")."""
        if self.version != "auto":
            return self.version
        self.version = "5.4"
        try:
            self.rest_get("order", [("_cnd[limit][0]", "0"), ("_cnd[limit][1]", "1")], once=once)
            return self.version
        except KeyRefusedError as refused:
            first = refused
        self.version = "5.5"
        try:
            self.api_get("/api/orders", [("itemsPerPage", "1")], once=once)
        except KeyRefusedError:
            self.version = "auto"
            raise
        except SyncError as error:
            self.version = "auto"
            if isinstance(error, RetriableError):
                raise
            raise first from None  # no 5.5 API either: the add-on's answer says what to check
        return self.version

    # -- 5.x add-on ----------------------------------------------------------------------------

    def _rest_params(self, path: str, extra: Pairs, schema: str = "") -> Pairs:
        params = [("target", "RESTAPI"), ("_key", self.key), ("_path", path)]
        if schema:
            params.append(("_schema", schema))
        return params + extra

    def rest_get(self, path: str, extra: Pairs | None = None, *, once: bool = False) -> Any:
        client = self._once if once else self._api
        response = client.request("GET", "/admin.php", params=self._rest_params(path, extra or []),
                                  headers={"Accept": "application/json"})
        return loads(response.content)

    def rest_put(self, path: str, form: Pairs, *, once: bool = False) -> Any:
        """PUT with a form-encoded ``model[...]`` body (the add-on ``parse_str``s PUT bodies)."""
        client = self._once if once else self._api
        body = httpx.QueryParams(list[tuple[str, str | int | float | bool | None]](form))
        self._writing = True
        try:
            response = client.request(
                "PUT", "/admin.php", params=self._rest_params(path, []), content=str(body),
                headers={"Accept": "application/json",
                         "Content-Type": "application/x-www-form-urlencoded"}, write=True)
        finally:
            self._writing = False
        return loads(response.content)

    # -- 5.5 API -------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self.key, "Accept": "application/json"}

    def api_get(self, path: str, params: Pairs | None = None, *, once: bool = False) -> Any:
        client = self._once if once else self._api
        response = client.request("GET", path, params=params or [], headers=self._headers())
        return loads(response.content)

    def api_put(self, path: str, body: Mapping[str, Any], *, once: bool = False) -> Any:
        client = self._once if once else self._api
        headers = {**self._headers(), "Content-Type": "application/json"}
        response = client.request("PUT", path, content=dumps(dict(body)).encode("utf-8"),
                                  headers=headers, write=True)
        return loads(response.content)
