"""``FreshBooksSimulator``: FreshBooks' OAuth, identity and accounting API on loopback.

Request path for ``/accounting/...``: bearer token (grpc-style 401) -> throttling (429, with a
``Retry-After`` only when asked) -> the resource -> optional apply-then-drop (no idempotency key
exists, so a lost answer after a create is the case clients must settle by searching).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from ecom_ledger_desktop.sandbox.server import FaultPlan, SimClock, SimRequest, SimResponse, SimulatorServer

from . import api
from .books import Books
from .control import control
from .demo_books import FreshBooksDemo
from .oauth import ACCESS_TTL, OAuthError, OAuthServer
from .reports import Reports

DEFAULT_ACCOUNT = "ACM123"
USER_ID = 12345


class FreshBooksSimulator(FreshBooksDemo):
    """A FreshBooks business (or several) behind one user; see the package docstring."""

    def __init__(self, client_id: str = "sim-client",
                 client_secret: str = "sim-secret",  # noqa: S107 - a simulator's test secret
                 redirect_uris: tuple[str, ...] = ("http://127.0.0.1/callback",), *,
                 account_id: str = DEFAULT_ACCOUNT, business_name: str = "Acme Goods",
                 other_businesses: tuple[tuple[str, str], ...] = (),
                 currency: str = "USD", clock: SimClock | None = None,
                 access_ttl: float = ACCESS_TTL, grpc_errors: bool = False,
                 retry_after_header: bool = False, host: str = "127.0.0.1", port: int = 0,
                 faults: FaultPlan | None = None) -> None:
        self.clock = clock or SimClock()
        self.account_id = account_id
        self.business_name = business_name
        self.other_businesses = other_businesses  # (account id, name) the user also belongs to
        self.books = Books(account_id, self.clock, currency)
        self.reports = Reports(self.books)
        self.oauth = OAuthServer(self.clock, client_id, client_secret, tuple(redirect_uris),
                                 USER_ID, access_ttl=access_ttl)
        self.client_id = client_id
        self.grpc_errors = grpc_errors
        self.retry_after_header = retry_after_header
        self._count_lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._throttle = 0
        self._drop_next = 0
        self._drop_resource = ""
        self._server = SimulatorServer(self._handle, self._control, host=host, port=port,
                                       faults=faults)
        self.faults = self._server.faults

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (API, token and authorize endpoints all live here)."""
        return self._server.base_url

    def start(self) -> FreshBooksSimulator:
        """Serve in a background thread."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def __enter__(self) -> FreshBooksSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test API -------------------------------------------------------------------------------
    def issue_tokens(self) -> dict[str, Any]:
        """Run the code grant internally; the token response."""
        code = self.oauth.issue_code(self.oauth.redirect_uris[0])
        return self.oauth.token({"grant_type": "authorization_code", "code": code,
                                 "client_id": self.client_id,
                                 "client_secret": self.oauth.client_secret})

    def records(self, resource: str) -> list[dict[str, Any]]:
        """Every stored record of ``clients``, ``items``, ``taxes``, ``invoices``, ``payments``
        or ``credit_notes`` (deleted ones included), oldest first."""
        path = next(p for p in self.books.records if p.endswith("/" + resource))
        with self.books.lock:
            return [json.loads(json.dumps(r)) for _, r in sorted(self.books.records[path].items())]

    def add(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a record as the merchant would in FreshBooks (no HTTP)."""
        path = next(p for p in self.books.records if p.endswith("/" + resource))
        with self.books.lock:
            return dict(self.books.create(path, body))

    def drop_next_writes_after_apply(self, n: int, resource: str = "") -> None:
        """The next ``n`` applied writes (to ``resource`` only, e.g. "payments", when given)
        get no answer: the connection is closed."""
        self._drop_next = max(0, int(n))
        self._drop_resource = resource

    def throttle_next(self, n: int) -> None:
        """The next ``n`` API requests get 429."""
        self._throttle = max(0, int(n))

    def stats(self) -> dict[str, int]:
        """Request counts by kind."""
        with self._count_lock:
            return dict(self._counts)

    def identity(self) -> dict[str, Any]:
        """``GET /auth/api/v1/users/me`` (the fields clients read, shaped as the capture)."""
        businesses = ((self.account_id, self.business_name), *self.other_businesses)
        memberships = [{"id": 140130 + n, "role": "owner", "unacknowledged_change": False,
                        "business": {"id": 439000 + n, "business_uuid": f"uuid-{account}",
                                     "name": name, "account_id": account,
                                     "date_format": "mm/dd/yyyy"}}
                       for n, (account, name) in enumerate(businesses)]
        return {"response": {"id": USER_ID, "identity_id": USER_ID, "first_name": "Sam",
                             "last_name": "Merchant", "email": "owner@example.com",
                             "business_memberships": memberships,
                             "roles": [{"role": "admin", "accountid": a} for a, _ in businesses]}}

    # -- serving -------------------------------------------------------------------------------
    def _count(self, kind: str) -> None:
        with self._count_lock:
            self._counts[kind] += 1

    def _control(self, request: SimRequest) -> SimResponse:
        return control(self, request)

    def _handle(self, request: SimRequest) -> SimResponse:
        path = request.path
        if path == "/oauth/authorize" and request.method == "GET":
            return self._authorize(request)
        if path == "/auth/oauth/token" and request.method == "POST":
            return self._token(request)
        if path == "/auth/oauth/revoke" and request.method == "POST":
            self.oauth.revoke(str(_form(request).get("token", "")))
            return SimResponse.json({})
        if path == "/auth/api/v1/users/me" and request.method == "GET":
            if self.oauth.check_bearer(request.header("authorization")) is None:
                return SimResponse.json({"error": "unauthenticated", "error_description":
                                         "This action requires authentication to continue."},
                                        401)
            return SimResponse.json(self.identity())
        if path.startswith("/accounting/"):
            return self._accounting(request)
        return SimResponse.json({"message": "Not Found"}, 404)

    def _accounting(self, request: SimRequest) -> SimResponse:
        self._count("requests")
        if self.oauth.check_bearer(request.header("authorization")) is None:
            self._count("auth_failed")
            return api.unauthorized()
        with self._count_lock:
            throttled = self._throttle > 0
            self._throttle -= 1 if throttled else 0
        if throttled:
            self._count("throttled")
            headers = {"Retry-After": "1"} if self.retry_after_header else {}
            return SimResponse.json({"message": "Too Many Requests"}, 429, headers)
        response, applied = api.serve(self.books, request, grpc=self.grpc_errors)
        if applied:
            self._count("create" if request.method == "POST" else "update")
            if self._should_drop(request.path):
                self._count("dropped_after_apply")
                return SimResponse.dropped()
        return response

    def _should_drop(self, path: str) -> bool:
        with self._count_lock:
            if self._drop_next > 0 and f"/{self._drop_resource}" in path:
                self._drop_next -= 1
                return True
        return self.faults.draw(self.faults.drop_after_apply_rate)

    def _authorize(self, request: SimRequest) -> SimResponse:
        params = {k: v[0] for k, v in request.query.items()}
        try:
            target = self.oauth.authorize(params)
        except OAuthError as err:
            page = f"<html><body><h1>Oops</h1><p>{err.body['error_description']}</p></body></html>"
            return SimResponse(400, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        return SimResponse(302, headers={"Location": target})

    def _token(self, request: SimRequest) -> SimResponse:
        self._count("oauth")
        try:
            return SimResponse.json(self.oauth.token(_form(request)))
        except OAuthError as err:
            return SimResponse.json(err.body, err.status)
        except ConnectionAbortedError:
            return SimResponse.dropped()


def _form(request: SimRequest) -> dict[str, Any]:
    text = request.body.decode("utf-8", "replace")
    if "json" in request.header("content-type"):
        try:
            value = json.loads(text or "{}")
            return value if isinstance(value, dict) else {}
        except ValueError:
            return {}
    return {k: v[0] for k, v in parse_qs(text).items()}
