"""A thin QuickBooks Online v3 client: query, read, write, void, delete, batch and CDC.

Every request goes through ``ApiClient`` (classification, retries, circuit breaker), carries
``minorversion`` and, when it writes, a caller-chosen deterministic ``requestid`` so that a resend
after a lost answer replays the original response instead of posting twice. JSON is parsed with
Decimal amounts and written with amounts exactly as given.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo import faults
from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
from ecom_ledger_desktop.connectors.oauth2 import REFRESHED
from ecom_ledger_desktop.connectors.ratelimit import QBO_LIMITS, RateLimiter
from ecom_ledger_desktop.core.errors import FatalError, RetriableError, SyncError, UncertainOutcome
from ecom_ledger_desktop.core.money import dumps, loads

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # QBO's maximum MAXRESULTS
BATCH_MAX_ITEMS = 30
REQUEST_ID_MAX = 50
BATCH_REQUEST_ID_MAX = 36
BATCH_ID_MAX = 10
# Reference A1: how each transaction is voided; refunds have no void and are deleted.
VOID_BY_UPDATE = ("SalesReceipt", "Payment")
NOT_VOIDABLE = ("RefundReceipt", "CreditMemo")
_JSON = {"Accept": "application/json"}
_WRITE = {"Accept": "application/json", "Content-Type": "application/json"}


def quote(value: str) -> str:
    """A QBO query string literal: single quotes; backslash is the escape character, so a
    backslash is doubled first and an apostrophe becomes ``\\'``."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fit_request_id(request_id: str, limit: int = REQUEST_ID_MAX) -> str:
    """``request_id`` if it fits QBO's limit, else a stable UUID derived from it (36 chars)."""
    if not request_id:
        raise ValueError("a write needs a request id")
    if len(request_id) <= limit:
        return request_id
    return str(uuid.uuid5(uuid.NAMESPACE_URL, request_id))


@dataclass
class BatchResult:
    """One ``BatchItemResponse``: the entity (type and body), the query rows, or the fault."""

    bid: str
    entity: str | None = None
    body: dict[str, Any] | None = None
    rows: list[dict[str, Any]] | None = None
    fault: faults.QboFault | None = None


class QboClient:
    """Calls to one QuickBooks company (realm)."""

    def __init__(
        self,
        api_base: str,
        realm_id: str,
        tokens: QboTokens,
        *,
        minorversion: int = 75,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        limits_scale: float = 1.0,
    ) -> None:
        self.realm_id = realm_id
        # stay under Intuit's published limits rather than collect 429s (each costs a minute)
        self.limiter = RateLimiter(QBO_LIMITS, scale=limits_scale)
        self.tokens = tokens
        self.minorversion = minorversion
        self.last_intuit_tid = ""
        self.last_server_time: datetime | None = None
        self.api = ApiClient(
            f"{api_base.rstrip('/')}/v3/company/{realm_id}",
            classify=self._classify,
            name=f"QuickBooks company {tokens.company}",
            auth=tokens.auth(),
            policy=policy,
            transport=transport,
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.api.close()

    # -- reads ----------------------------------------------------------------------------
    def query(self, sql: str) -> list[dict[str, Any]]:
        """All rows of a ``SELECT`` (paged by 1000 until a short page)."""
        rows: list[dict[str, Any]] = []
        start = 1
        while True:
            page = self.query_page(sql, start, PAGE_SIZE)
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
            start += PAGE_SIZE

    def query_page(self, sql: str, start: int = 1, max_results: int = PAGE_SIZE
                   ) -> list[dict[str, Any]]:
        """One page of a ``SELECT`` (``start`` is 1-based)."""
        statement = f"{sql} STARTPOSITION {start} MAXRESULTS {max_results}"
        payload = self._send("GET", "/query", params={"query": statement})
        return _rows(payload.get("QueryResponse"))

    def get(self, entity: str, entity_id: str) -> dict[str, Any]:
        """One entity by Id."""
        payload = self._send("GET", f"/{entity.lower()}/{entity_id}")
        return _entity(payload, entity)

    def company_info(self) -> dict[str, Any]:
        """The company's CompanyInfo (name, country, ...)."""
        return self.get("CompanyInfo", self.realm_id)

    def cdc(self, entities: list[str], changed_since: datetime
            ) -> tuple[dict[str, list[dict[str, Any]]], datetime | None]:
        """Objects of ``entities`` changed since ``changed_since`` (≤30 days) and server time."""
        params = {"entities": ",".join(entities), "changedSince": changed_since.isoformat()}
        payload = self._send("GET", "/cdc", params=params)
        changed: dict[str, list[dict[str, Any]]] = {name: [] for name in entities}
        for block in payload.get("CDCResponse") or []:
            for response in (block or {}).get("QueryResponse") or []:
                for key, value in (response or {}).items():
                    if isinstance(value, list):
                        changed.setdefault(key, []).extend(v for v in value if isinstance(v, dict))
        return changed, _parse_time(payload.get("time"))

    # -- writes ---------------------------------------------------------------------------
    def create(self, entity: str, body: Mapping[str, Any], request_id: str) -> dict[str, Any]:
        """Create an entity; the same ``request_id`` replays instead of creating again."""
        payload = self._send("POST", f"/{entity.lower()}", body=body, request_id=request_id)
        return _entity(payload, entity, write=True)

    def update(self, entity: str, body: Mapping[str, Any], request_id: str) -> dict[str, Any]:
        """Sparse update (``Id`` + current ``SyncToken`` + the fields to change)."""
        sparse = {**body, "sparse": True}
        payload = self._send("POST", f"/{entity.lower()}", body=sparse, request_id=request_id)
        return _entity(payload, entity, write=True)

    def void(self, entity: str, entity_id: str, sync_token: str, request_id: str
             ) -> dict[str, Any]:
        """Void a transaction in the form Intuit documents for it (reference A1).

        Invoice: ``operation=void`` with Id+SyncToken. SalesReceipt and Payment: an update with
        ``include=void`` and a sparse Id+SyncToken body (``operation=void`` does not void
        them). RefundReceipt and CreditMemo cannot be voided: ``delete`` them instead.
        """
        if entity in NOT_VOIDABLE:
            raise ValueError(f"QuickBooks Online cannot void a {entity}; delete it instead")
        body: dict[str, Any] = {"Id": entity_id, "SyncToken": sync_token}
        params = {"operation": "void"}
        if entity in VOID_BY_UPDATE:
            body["sparse"] = True
            params = {"operation": "update", "include": "void"}
        payload = self._send("POST", f"/{entity.lower()}", body=body, request_id=request_id,
                             params=params)
        return _entity(payload, entity, write=True)

    @staticmethod
    def can_void(entity: str) -> bool:
        """False for the transactions QuickBooks Online cannot void (refunds): delete those."""
        return entity not in NOT_VOIDABLE

    def delete(self, entity: str, entity_id: str, sync_token: str, request_id: str
               ) -> dict[str, Any]:
        """Delete a transaction (``operation=delete``); the answer is ``{"status": "Deleted"}``."""
        payload = self._send("POST", f"/{entity.lower()}",
                             body={"Id": entity_id, "SyncToken": sync_token},
                             request_id=request_id, params={"operation": "delete"})
        return _entity(payload, entity, write=True)

    def batch(self, items: list[dict[str, Any]], request_id: str) -> dict[str, BatchResult]:
        """Up to 30 independent operations; results keyed by ``bId`` (order is not kept)."""
        if not items or len(items) > BATCH_MAX_ITEMS:
            raise ValueError(f"a batch takes 1 to {BATCH_MAX_ITEMS} items, got {len(items)}")
        bids = [str(item.get("bId", "")) for item in items]
        if any(not bid or len(bid) > BATCH_ID_MAX for bid in bids) or len(set(bids)) != len(bids):
            raise ValueError(f"batch ids must be unique and 1-{BATCH_ID_MAX} characters")
        writes = any("operation" in item for item in items)
        payload = self._send("POST", "/batch", body={"BatchItemRequest": items},
                             request_id=fit_request_id(request_id, BATCH_REQUEST_ID_MAX),
                             write=writes)
        results: dict[str, BatchResult] = {}
        for raw in payload.get("BatchItemResponse") or []:
            results[str(raw.get("bId"))] = _batch_result(raw, self.last_intuit_tid)
        return results

    # -- plumbing -------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Mapping[str, Any] | None = None, request_id: str | None = None,
              write: bool | None = None) -> dict[str, Any]:
        query: dict[str, Any] = dict(params or {})
        query["minorversion"] = self.minorversion
        if request_id is not None:
            query["requestid"] = fit_request_id(request_id)
        is_write = body is not None if write is None else write
        with self.limiter.slot(batch=path == "/batch"):
            try:
                response = self.api.request(
                    method, path, params=query, content=dumps(body) if body is not None else None,
                    headers=_WRITE if body is not None else _JSON, write=is_write)
            except faults.UnclearAnswer as error:
                raise (UncertainOutcome if is_write else RetriableError)(str(error)) from None
        try:
            payload = loads(response.content)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            # A 2xx we cannot read: a write may well have been applied, so it is uncertain.
            kind = UncertainOutcome if is_write else RetriableError
            raise kind(f"QuickBooks sent an unreadable answer (HTTP {response.status_code}, "
                       f"intuit_tid {self.last_intuit_tid or 'unknown'})")
        self.last_server_time = _parse_time(payload.get("time")) or self.last_server_time
        return payload

    def _classify(self, response: httpx.Response) -> SyncError | None:
        tid = response.headers.get("intuit_tid", "")
        self.last_intuit_tid = tid
        error = faults.classify(response)
        if isinstance(error, RetriableError) and error.retry_after and self.limiter.scale != 1:
            error.retry_after /= self.limiter.scale  # a compressed clock's minute is shorter
        if error is None:
            log.debug("QBO %s %s -> %s intuit_tid=%s", response.request.method,
                      response.request.url.path, response.status_code, tid)
            return None
        # the kind and code only: QuickBooks' text can quote a customer's name or email (the
        # error queue keeps it); the whole answer is for DEBUG
        log.info("QBO %s %s -> %s intuit_tid=%s: %s %s", response.request.method,
                 response.request.url.path, response.status_code, tid, type(error).__name__,
                 getattr(error, "code", ""))
        log.debug("QBO %s intuit_tid=%s: %s", response.request.url.path, tid, error)
        if isinstance(error, faults.TokenExpired) and response.request.extensions.get(REFRESHED):
            # A token fresh from the refresh endpoint was refused too: refreshing again won't help.
            return FatalError(
                f"QuickBooks refused a freshly issued authorisation for company "
                f"{self.tokens.company}. Reconnect QuickBooks in Connections.",
                needs_reauthorisation=True)
        return error


def _rows(query_response: Any) -> list[dict[str, Any]]:
    if not isinstance(query_response, dict):
        return []
    for value in query_response.values():
        if isinstance(value, list):
            return [row for row in value if isinstance(row, dict)]
    return []


def _entity(payload: dict[str, Any], entity: str, write: bool = False) -> dict[str, Any]:
    body = payload.get(entity)
    if not isinstance(body, dict):
        for key, value in payload.items():  # tolerate a differently cased key
            if key.lower() == entity.lower() and isinstance(value, dict):
                return value
        # a success without the entity: a write may well have been applied, so ask, never redo
        kind = UncertainOutcome if write else RetriableError
        raise kind(f"QuickBooks answered without the {entity}")
    return body


def _batch_result(raw: dict[str, Any], tid: str) -> BatchResult:
    bid = str(raw.get("bId"))
    parsed = faults.fault_from_json(raw)
    if parsed is not None and not parsed.first.code:
        return BatchResult(bid)  # neither done nor refused: the caller settles it by a look-up
    if parsed is not None:
        return BatchResult(bid, fault=faults.QboFault(parsed.first, intuit_tid=tid,
                                                      fault_type=parsed.type))
    if "QueryResponse" in raw:
        return BatchResult(bid, rows=_rows(raw["QueryResponse"]))
    for key, value in raw.items():
        if key != "bId" and isinstance(value, dict):
            return BatchResult(bid, entity=key, body=value)
    return BatchResult(bid)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
