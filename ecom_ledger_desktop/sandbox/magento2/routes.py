"""The REST surface: route table, auth, body decoding, errors, ``fields=``, rate limit, faults."""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote

from ..server import FaultPlan, SimClock, SimRequest, SimResponse
from . import search_criteria as sc
from .auth import AuthConfig, unauthorized_body
from .catalog_state import NotFoundError
from .lifecycle import LifecycleError
from .state import StoreState

ENTITY_MISSING = "The entity that was requested doesn't exist. Verify the entity and try again."
PRODUCT_MISSING = "The product that was requested doesn't exist. Verify the product and try again."
NO_ROUTE = {"message": "Request does not match any route."}
TOO_MANY = {"message": "Too Many Requests", "trace": None}
GARBAGE = (
    b"<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted "
    b"(tried to allocate 20480 bytes) in <b>/var/www/html/vendor/magento/framework/DB/"
    b"Statement/Pdo/Mysql.php</b> on line <b>91</b><br />\n"
)
STORE_CODES = frozenset({"default", "all"})
_PATH = re.compile(r"^/rest(?:/(?P<store>[A-Za-z0-9_]+))?/V1/(?P<rest>.+?)/?$")


class ApiError(Exception):
    """An error answer: HTTP status plus Magento's JSON error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status, self.body = status, body


def required(name: str) -> ApiError:
    """400 for a missing body / query parameter."""
    return ApiError(
        400,
        {
            "message": '"%fieldName" is required. Enter and try again.',
            "parameters": {"fieldName": name},
        },
    )


@dataclass
class Settings:
    """Run-time switches (also settable through ``POST /__sim__/settings``)."""

    repeat_last_page: bool = True
    input_limits: bool = False
    rate_limit_per_minute: int | None = None
    # the ``Date`` header minus the shop's ``updated_at`` clock: a MySQL session not in UTC or a
    # proxy with its own clock makes them disagree (positive: the header is ahead)
    date_skew_seconds: float = 0.0
    corrupt_count: int = 0
    corrupt_mode: str = "truncate"


@dataclass
class Call:
    """A matched API call handed to an endpoint function."""

    request: SimRequest
    params: dict[str, str]
    body: Any = None


Endpoint = Callable[[Call], Any]


@dataclass
class Route:
    """One entry of the route table."""

    method: str
    pattern: re.Pattern[str]
    name: str
    resource: str | None  # None: anonymous
    endpoint: Endpoint
    write: bool = False


@dataclass
class RestApi:
    """Dispatches ``/rest/...`` requests to endpoint functions registered with ``add``."""

    state: StoreState
    auth: AuthConfig
    settings: Settings
    clock: SimClock
    faults: FaultPlan
    routes: list[Route] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    _hits: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        method: str,
        template: str,
        name: str,
        resource: str | None,
        endpoint: Endpoint,
        *,
        write: bool = False,
    ) -> None:
        """Register ``template`` like ``orders/{id}/comments``."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self.routes.append(Route(method, re.compile(f"^{regex}$"), name, resource, endpoint, write))

    def handle(self, request: SimRequest) -> SimResponse:
        """Answer one API request."""
        response = self._answer(request)
        if response.drop:
            return response
        stamped = self.clock.now() + timedelta(seconds=self.settings.date_skew_seconds)
        response.headers["Date"] = format_datetime(stamped, usegmt=True)
        with self._lock:
            corrupt = self.settings.corrupt_count > 0
            if corrupt:
                self.settings.corrupt_count -= 1
        if corrupt:
            response.body = (
                GARBAGE
                if self.settings.corrupt_mode == "garbage"
                else response.body[: len(response.body) // 2]
            )
        return response

    def _rate_limited(self) -> bool:
        limit = self.settings.rate_limit_per_minute
        if not limit:
            return False
        now = self.clock.elapsed()
        with self._lock:
            while self._hits and self._hits[0] <= now - 60:
                self._hits.popleft()
            if len(self._hits) >= limit:
                return True
            self._hits.append(now)
            return False

    def _match(self, request: SimRequest) -> tuple[Route, dict[str, str]] | None:
        match = _PATH.match(request.path)
        if not match or (match.group("store") and match.group("store") not in STORE_CODES):
            return None
        rest = match.group("rest")
        for route in self.routes:
            found = route.pattern.match(rest)
            if found and route.method == request.method:
                params = found.groupdict()
                if any("%2f" in v.lower() for v in params.values()):
                    return None  # an encoded "/" in a SKU breaks Magento's routing
                return route, {k: unquote(v) for k, v in params.items()}
        return None

    def _answer(self, request: SimRequest) -> SimResponse:
        if self._rate_limited():
            with self._lock:
                self.stats["429"] += 1
            return SimResponse.json(TOO_MANY, 429, {"Pragma": "no-cache", "Cache-Control": "no-store"})
        matched = self._match(request)
        if matched is None:
            with self._lock:
                self.stats["unmatched"] += 1
            return SimResponse.json(NO_ROUTE, 404)
        route, params = matched
        with self._lock:
            self.stats[f"{route.method} {route.name}"] += 1
        if route.resource is not None and not self.auth.check(
            request.header("authorization"),
            request.method,
            self._url(request),
            request.query,
            self.clock.elapsed,
        ):
            return SimResponse.json(unauthorized_body(route.resource), 401)
        try:
            call = Call(request, params, self._body(request) if route.method in ("POST", "PUT") else None)
            payload = route.endpoint(call)
        except ApiError as error:
            return SimResponse.json(error.body, error.status)
        except sc.CriteriaError as error:
            return SimResponse.json(error.body, 400)
        except LifecycleError as error:
            return SimResponse.json({"message": str(error)}, 400)
        except NotFoundError:
            return SimResponse.json({"message": ENTITY_MISSING}, 404)
        except Exception:  # masked like production mode
            report = secrets.token_hex(16)
            return SimResponse.json(
                {
                    "message": "Internal Error. Details are available in Magento "
                    f"log file. Report ID: webapi-{report}"
                },
                500,
            )
        if route.write and self.faults.draw(self.faults.drop_after_apply_rate):
            return SimResponse.dropped()
        fields = request.param("fields")
        if fields:
            payload = sc.trim(payload, sc.parse_fields(fields))
        return SimResponse.json(payload)

    @staticmethod
    def _url(request: SimRequest) -> str:
        host = request.header("host", "127.0.0.1")
        return f"http://{host}{request.path}"

    @staticmethod
    def _body(request: SimRequest) -> Any:
        ctype = request.header("content-type").split(";")[0].strip().lower()
        if not ctype:
            raise ApiError(400, {"message": "Content-Type header is empty."})
        if ctype != "application/json":
            raise ApiError(
                400,
                {
                    "message": "Server cannot understand Content-Type HTTP header media type %1",
                    "parameters": [ctype],
                },
            )
        try:
            return json.loads(request.body.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, {"message": "Decoding error."}) from None

    def listing(
        self, call: Call, rows: list[dict[str, Any]], *, required_criteria: bool = True
    ) -> dict[str, Any]:
        """A ``{"items","search_criteria","total_count"}`` page of ``rows``."""
        criteria = sc.parse(call.request.query, required=required_criteria)
        page, total = sc.apply(
            rows,
            criteria,
            repeat_last_page=self.settings.repeat_last_page,
            input_limits=self.settings.input_limits,
        )
        return {"items": page, "search_criteria": criteria.echo(), "total_count": total}
