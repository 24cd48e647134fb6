"""``QboSimulator``: the QuickBooks Online Accounting API v3 and Intuit OAuth on loopback.

Request path for ``/v3/company/...``: bearer token (401/403 gateway faults) -> throttling (429)
-> optional test gate -> ``requestid`` replay -> the resource -> optional apply-then-drop.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.sandbox.server import (
    CONTROL_PREFIX,
    FaultPlan,
    SimClock,
    SimRequest,
    SimResponse,
    SimulatorServer,
)

from . import faults, routes
from .company import ENTITIES, Company, StoredResponse, num, response_time
from .control import control
from .demo_books import QboDemo
from .oauth import REFRESH_GRACE, OAuthServer
from .oauth_endpoints import serve_oauth
from .operations import adjust_qty as _adjust_qty
from .profiles import DEFAULT_PROFILE, profile
from .ratelimit import Limits, RateLimiter
from .reports import Reports
from .seed import seed_company, seed_inventory

DEFAULT_REALM = "9130357766900001"
REPORT_PATH = re.compile(r"^/v3/company/[^/]+/reports/(?P<name>[A-Za-z]+)/?$")
SEED_AGE = timedelta(days=60)


class _QboServer(SimulatorServer):
    """The shared server, plus an ``intuit_tid`` header on every non-control answer."""

    def dispatch(self, request: SimRequest) -> SimResponse:
        response = super().dispatch(request)
        if not request.path.startswith(CONTROL_PREFIX) and not response.drop:
            response.headers.setdefault("intuit_tid", new_tid())
        return response


def new_tid() -> str:
    """An Intuit transaction id (``1-5f4e...-...``)."""
    return f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"


class QboSimulator(QboDemo):
    """A faithful QBO simulator; see the package docstring for the public surface."""

    def __init__(
        self,
        client_id: str = "sim-client",
        client_secret: str = "sim-secret",  # noqa: S107 - a simulator's fixed test secret
        redirect_uris: tuple[str, ...] | list[str] = ("http://127.0.0.1/callback",),
        realm_id: str | None = None,
        clock: SimClock | None = None,
        time_scale: float = 1.0,
        limits: bool | Limits = True,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        faults: FaultPlan | None = None,
        access_token_ttl: float = 3600.0,
        refresh_grace_seconds: float = REFRESH_GRACE,
        requestid_ttl: float | None = None,
        retry_after_header: bool = False,
        throttle_xml: bool = False,
        throttle_status: int = 429,
        deny_consent: bool = False,
        enabled_currencies: tuple[str, ...] = ("USD", "EUR", "GBP", "CAD"),
        seed: int | None = 0,
        company_profile: str = DEFAULT_PROFILE,
        home_currency: str | None = None,
        multicurrency: bool = True,
        honour_explicit_tax: bool = True,
    ) -> None:
        self.clock = clock or SimClock(scale=time_scale)
        self.realm_id = realm_id or DEFAULT_REALM
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = tuple(redirect_uris)
        self.requestid_ttl = requestid_ttl
        self.retry_after_header = retry_after_header
        self.throttle_xml = throttle_xml
        self.throttle_status = throttle_status
        self._count_lock = threading.Lock()
        self.company = Company(self.realm_id, self.clock, enabled_currencies,
                               profile(company_profile), home_currency)
        self.company.honour_explicit_tax = honour_explicit_tax
        self._seed_when = self.clock.now() - SEED_AGE
        seed_company(self.company, self._seed_when, multicurrency=multicurrency)
        self.reports = Reports(self.company)
        self.oauth = OAuthServer(self.clock, {client_id: (client_secret, self.redirect_uris)},
                                 access_token_ttl=access_token_ttl,
                                 refresh_grace=refresh_grace_seconds)
        self.oauth.deny_consent = deny_consent
        limit_cfg = limits if isinstance(limits, Limits) else Limits(enabled=bool(limits))
        self.limiter = RateLimiter(self.clock, limit_cfg)
        self._rng = random.Random(seed)
        self._counts: Counter[str] = Counter()
        self._drop_next = 0
        self._server = _QboServer(self._handle, self._control, host=host, port=port,
                                  faults=faults)
        self.faults = self._server.faults

    # ------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self._server.base_url

    def start(self) -> QboSimulator:
        """Serve in a background thread."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving (held requests are released first)."""
        self.limiter.release_gate()
        self._server.stop()

    def serve_forever(self) -> None:
        """Serve on the calling thread."""
        self._server.serve_forever()

    def __enter__(self) -> QboSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------- public API
    def issue_tokens(self) -> dict[str, Any]:
        """Run the code grant internally; returns the token response JSON."""
        code = self.oauth.issue_code(self.client_id, self.redirect_uris[0], self.realm_id)
        return self.oauth.token(self.client_id, {"grant_type": "authorization_code",
                                                 "code": code})

    def authorize_code(self, redirect_uri: str | None = None) -> dict[str, str]:
        """An authorization code without the browser redirect."""
        code = self.oauth.issue_code(self.client_id, redirect_uri or self.redirect_uris[0],
                                     self.realm_id)
        return {"code": code, "realmId": self.realm_id}

    def entities(self, entity: str) -> list[dict[str, Any]]:
        """Every stored object of an entity (inactive, voided and deleted ones included)."""
        name = ENTITIES.get(entity.lower())
        if name is None:
            raise KeyError(entity)
        with self.company.lock:
            return self.company.snapshot(name)

    def seed_items(self, items: list[dict[str, Any]]) -> None:
        """Create Inventory items from ``{sku, name, price, qty}`` dicts."""
        with self.company.lock:
            seed_inventory(self.company, items, self._seed_when)

    def stats(self) -> dict[str, Any]:
        """Request counts by kind, plus requests in flight."""
        out: dict[str, Any] = {k: 0 for k in ("requests", "query", "read", "create", "update",
                                               "delete", "void", "batch", "batch_items", "cdc",
                                               "oauth", "throttled", "replayed",
                                               "dropped_after_apply", "auth_failed")}
        with self._count_lock:
            out.update(self._counts)
        out["in_flight"] = self.limiter.in_flight(self.realm_id)
        return out

    def drop_next_writes_after_apply(self, n: int) -> None:
        """The next ``n`` applied writes get no reply (connection closed)."""
        self._drop_next = max(0, int(n))

    def throttle_next(self, n: int) -> None:
        """The next ``n`` API requests get 429."""
        self.limiter.force(n)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired."""
        self.oauth.expire_access_tokens()

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far is dead (invalid_grant)."""
        self.oauth.revoke_refresh_tokens()

    def set_book_close_date(self, date_str: str | None) -> None:
        """Close the books through ``date_str`` (None reopens them)."""
        with self.company.lock:
            prefs = self.company.records["Preferences"]["1"]
            info = prefs.data.setdefault("AccountingInfoPrefs", {})
            if date_str:
                info["BookCloseDate"] = datetime.fromisoformat(date_str).date().isoformat()
            else:
                info.pop("BookCloseDate", None)
            self.company.touch(prefs, bump_sync=True)

    def set_exchange_rate(self, currency: str, rate: Any, as_of: date | None = None) -> None:
        """QuickBooks' own rate (home units per unit of ``currency``) from ``as_of`` on (from
        the start of time when None); used when a form gives no ExchangeRate."""
        with self.company.lock:
            self.company.rate_overrides.setdefault(currency, []).append(
                (as_of or date.min, Decimal(str(rate))))

    def adjust_qty(self, item_id: str, qty: Any) -> None:
        """Inventory adjustment made in QuickBooks: QtyOnHand becomes ``qty``."""
        with self.company.lock:
            item = self.company.get("Item", str(item_id))
            if item is None or item.data.get("Type") != "Inventory":
                raise KeyError(item_id)
            delta = Decimal(str(qty)) - Decimal(str(item.data.get("QtyOnHand", 0)))
            _adjust_qty(self.company, item.id, delta)
            item.data["QtyOnHand"] = num(Decimal(str(qty)))

    def hold_requests(self) -> None:
        """Admitted API requests wait until ``release_requests`` (concurrency tests)."""
        self.limiter.hold()

    def release_requests(self) -> None:
        """Let held requests proceed."""
        self.limiter.release_gate()

    def wait_in_flight(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` requests are in flight for the realm."""
        return self.limiter.wait_in_flight(self.realm_id, count, timeout)

    # ------------------------------------------------------------- serving
    def _control(self, request: SimRequest) -> SimResponse:
        return control(self, request)

    def _handle(self, request: SimRequest) -> SimResponse:
        if request.path.startswith("/v3/company/"):
            return self._api(request)
        self._count("oauth", 1)
        answer = serve_oauth(self.oauth, request, self.realm_id, self.base_url)
        if answer is None:
            self._count("oauth", -1)
            return SimResponse(status=404, body=b"Not Found",
                               headers={"Content-Type": "text/plain"})
        return answer

    def _api(self, request: SimRequest) -> SimResponse:
        self._count("requests", 1)
        rt = routes.route(request)
        assert rt is not None
        realm, detail = self.oauth.check_bearer(request.header("authorization"))
        if realm is None:
            self._count("auth_failed", 1)
            body = faults.gateway_401(detail, int(self.clock.now().timestamp() * 1000))
            return SimResponse.json(body, 401, {
                "WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})
        if realm != rt.realm or rt.realm != self.realm_id:
            self._count("auth_failed", 1)
            return SimResponse.json(faults.gateway_403(), 403)
        if not self.limiter.acquire(realm, rt.kind == "batch"):
            self._count("throttled", 1)
            headers = {"Retry-After": "60"} if self.retry_after_header else {}
            when = response_time(self.clock.now())
            if self.throttle_xml:
                headers["Content-Type"] = "application/xml"
                return SimResponse(self.throttle_status,
                                   faults.throttle_xml(when, self.throttle_status), headers)
            body = faults.throttle_body(when)
            if self.throttle_status != 429:
                body["Fault"]["Error"][0]["Message"] = body["Fault"]["Error"][0][
                    "Message"].replace("429", str(self.throttle_status))
            return SimResponse.json(body, self.throttle_status, headers)
        try:
            self.limiter.pass_gate()
            return self._resource(request, rt)
        finally:
            self.limiter.release(realm)

    def _resource(self, request: SimRequest, rt: routes.Route) -> SimResponse:
        company = self.company
        report = REPORT_PATH.match(request.path)
        if rt.kind == "unknown" and request.method == "GET" and report is not None:
            params = {k: v[0] for k, v in request.query.items() if v}
            try:
                body = self.reports.rest(report["name"], params)
            except faults.QboFault as fault:
                return SimResponse.json(fault.body(response_time(company.now())), fault.status)
            self._count("report")
            return SimResponse.json(body)
        if not rt.is_write:
            status, body, _ = routes.serve(company, request, rt, self.base_url, self._rng)
            if status == 200 and rt.kind in ("query", "read", "cdc"):
                self._count(rt.kind)
            return SimResponse.json(body, status)
        try:
            requestid = routes.check_requestid(request, rt)
        except faults.QboFault as fault:
            return SimResponse.json(fault.body(response_time(company.now())), fault.status)
        with company.lock:
            if requestid is not None:
                stored = company.requestids.get(requestid)
                if stored is not None and self.requestid_ttl is not None and \
                        self.clock.elapsed() - stored.stored_at > self.requestid_ttl:
                    del company.requestids[requestid]
                    stored = None
                if stored is not None:
                    self._count("replayed", 1)
                    return SimResponse(status=stored.status, body=stored.body,
                                       headers=dict(stored.headers))
            status, body, items = routes.serve(company, request, rt, self.base_url, self._rng)
            response = SimResponse.json(body, status)
            if requestid is not None:
                company.requestids[requestid] = StoredResponse(
                    status, response.body, dict(response.headers), self.clock.elapsed())
            self._count_write(request, rt, status, items)
            drop = status == 200 and self._should_drop()
        if drop:
            self._count("dropped_after_apply", 1)
            return SimResponse.dropped()
        return response

    def _count_write(self, request: SimRequest, rt: routes.Route, status: int, items: int
                     ) -> None:
        if rt.kind == "batch":
            self._count("batch", 1)
            self._count("batch_items", items)
            return
        if status != 200:
            return
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        self._count(routes.write_kind(rt, body if isinstance(body, dict) else {}))

    def _count(self, kind: str, n: int = 1) -> None:
        with self._count_lock:
            self._counts[kind] += n

    def _should_drop(self) -> bool:
        if self._drop_next > 0:
            self._drop_next -= 1
            return True
        return self.faults.draw(self.faults.drop_after_apply_rate)
