"""``/api/...``: authentication, per-key permissions, listings, single records and writes.

Follows ``WebserviceRequest``: the key as HTTP Basic user (empty password) or ``?ws_key=``;
every 401 carries the realm header; the output format is XML unless ``output_format`` /
``io_format`` or the ``Io-Format`` / ``Output-Format`` headers say JSON (a header wins); write
bodies are XML. Headers ``PSWS-Version`` (after a successful authentication), ``Access-Time``,
``Execution-Time``, ``X-Powered-By``.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

from ..server import FaultPlan, SimClock, SimRequest, SimResponse
from . import query, render
from .orders import OrderError, Orders
from .resources import RESOURCES, Resource
from .shop import Shop

REALM = ('Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as '
         'the login. No password required."')
GARBAGE = (b"<br />\n<b>Fatal error</b>: Allowed memory size of 134217728 bytes exhausted in "
           b"<b>/var/www/html/classes/webservice/WebserviceRequest.php</b> on line <b>1804</b>")
WAF_429 = (b"<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many "
           b"Requests</h1><p>mod_security: request rate exceeded</p></body></html>")
NOTICE = "[PHP Unknown error #8192] Creation of dynamic property is deprecated (line 312)"


class WsError(Exception):
    """An error answer: status and ``(code, message)`` pairs."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.errors = status, [(code, message)]


@dataclass
class Settings:
    """Run-time switches (``/__sim__/settings``)."""

    version: str = "1.7"  # "1.7" or "8": JSON typing and PATCH
    dates_need_flag: bool = True  # 9.x reportedly drops the ``date=1`` requirement
    date_skew_seconds: float = 0.0  # Date / Access-Time headers ahead of the row stamps
    rate_limit_per_minute: int | None = None  # a hosting WAF's limit (HTML 429)
    corrupt_count: int = 0
    corrupt_mode: str = "truncate"
    notice_after_write: int = 0  # next N writes: committed, then a PHP-notice HTTP 500
    enabled: bool = True  # PS_WEBSERVICE
    languages: int = 1  # active languages: i18n fields become lists unless ``language=N``


@dataclass
class Webservice:
    """Dispatches ``/api`` requests against the shop."""

    shop: Shop
    orders: Orders
    clock: SimClock
    faults: FaultPlan
    keys: dict[str, dict[str, set[str]]]  # key -> resource -> methods
    settings: Settings = field(default_factory=Settings)
    stats: Counter[str] = field(default_factory=Counter)
    _hits: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- envelope -----------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        """Answer one request under ``/api``."""
        if self._rate_limited():
            return SimResponse(429, WAF_429, {"Content-Type": "text/html", "Retry-After": "2"})
        json_out = self._json(request)
        try:
            response = self._answer(request, json_out)
        except WsError as error:
            body = render.json_errors(error.errors) if json_out else render.xml_errors(error.errors)
            response = self._response(body, json_out, error.status)
            if error.status == 401:
                response.headers["WWW-Authenticate"] = REALM
        if response.drop:
            return response
        stamped = self.clock.now() + timedelta(seconds=self.settings.date_skew_seconds)
        response.headers["Date"] = format_datetime(stamped, usegmt=True)
        response.headers["Access-Time"] = str(int(stamped.timestamp()))
        response.headers.setdefault("X-Powered-By", "PrestaShop Webservice")
        response.headers.setdefault("Execution-Time", "0.012")
        if response.body:
            digest = hashlib.sha1(response.body).hexdigest()  # noqa: S324 - PrestaShop's choice
            response.headers["Content-Sha1"] = digest
            if (self.settings.version == "8" and response.status == 200
                    and request.header("local-content-sha1") == digest):
                return SimResponse(304, b"", {"Date": response.headers["Date"]})
        with self._lock:
            corrupt = self.settings.corrupt_count > 0
            if corrupt:
                self.settings.corrupt_count -= 1
        if corrupt:
            response.body = (GARBAGE if self.settings.corrupt_mode == "garbage"
                             else response.body[: len(response.body) // 2])
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

    @staticmethod
    def _json(request: SimRequest) -> bool:
        header = request.header("io-format") or request.header("output-format")
        value = header or request.param("output_format") or request.param("io_format") or "XML"
        return value.upper() == "JSON"

    def _response(self, body: bytes, json_out: bool, status: int = 200) -> SimResponse:
        ctype = "application/json" if json_out else "text/xml;charset=utf-8"
        return SimResponse(status, body, {"Content-Type": ctype})

    def _key(self, request: SimRequest) -> str:
        auth = request.header("authorization")
        if auth.lower().startswith("basic "):
            try:
                user = base64.b64decode(auth[6:].strip()).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                user = ""
            key = user.split(":", 1)[0]
            if not key:
                raise WsError(401, 17, "Authentication key is empty")
            return key
        param = request.param("ws_key")
        if param is None:
            raise WsError(401, 16, "Please enter the authentication key as the login. No "
                                   "password required")
        if not param:
            raise WsError(401, 17, "Authentication key is empty")
        return param

    def _authenticate(self, request: SimRequest) -> dict[str, set[str]]:
        key = self._key(request)
        if len(key) != 32:
            raise WsError(401, 18, "Invalid authentication key format")
        grants = self.keys.get(key)
        if grants is None:
            raise WsError(401, 20, "Authentification key is not active")
        if not grants:
            raise WsError(401, 21, "No permission for this authentication key")
        if not self.settings.enabled:
            raise WsError(503, 22, "The PrestaShop webservice is disabled. Please activate "
                                   "it in the PrestaShop Back Office")
        return grants

    # -- routing ------------------------------------------------------------------------------

    def _answer(self, request: SimRequest, json_out: bool) -> SimResponse:
        parts = [p for p in request.path.split("/") if p][1:]  # after "api"
        grants = self._authenticate(request)
        version = {"1.7": "1.7.8.11", "8": "8.1.7"}.get(self.settings.version, "1.7.8.11")
        if not parts:
            response = self._response(self._index(grants, request), False)
            response.headers["PSWS-Version"] = version
            return response
        name = parts[0]
        resource = RESOURCES.get(name)
        if resource is None:
            raise WsError(400, 27, f'Resource of type "{name}" does not exists. Did you mean: '
                                   '"orders"? The full list is: "' + '", "'.join(RESOURCES) + '"')
        method = request.method
        with self._lock:
            self.stats[f"{method} {name}"] += 1
        allowed = grants.get(name)
        if allowed is None:
            raise WsError(401, 26, f'Resource of type "{name}" is not allowed with this '
                                   'authentication key')
        if method not in resource.methods or (method == "PATCH" and self.settings.version != "8"):
            raise WsError(405, 101, f"{method} method is not allowed for this resource")
        if method not in allowed:
            raise WsError(405, 25, f"Method {method} is not allowed for this resource with this "
                                   "authentication key")
        rid = parts[1] if len(parts) > 1 else None
        with self.shop.lock:
            if method in ("GET", "HEAD"):
                response = self._get(request, resource, rid, json_out)
            else:
                response = self._write(request, resource, rid, json_out)
        response.headers["PSWS-Version"] = version
        return response

    def _index(self, grants: dict[str, set[str]], request: SimRequest) -> bytes:
        base = self._base(request)
        inner = [f'<api shopName="{self.shop.config("PS_SHOP_NAME")}">\n']
        for name, methods in sorted(grants.items()):
            resource = RESOURCES.get(name)
            if resource is None:
                continue
            flags = " ".join(f'{m.lower()}="{"true" if m in methods else "false"}"'
                             for m in ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"))
            inner.append(f'<{name} xlink:href="{base}/api/{name}" {flags}>'
                         f"<description xlink:href=\"{base}/api/{name}\" {flags}>"
                         f"{resource.description}</description></{name}>\n")
        inner.append("</api>\n")
        return render.xml_document("".join(inner))

    @staticmethod
    def _base(request: SimRequest) -> str:
        return f"http://{request.header('host', '127.0.0.1')}"

    # -- reading ------------------------------------------------------------------------------

    def _get(self, request: SimRequest, resource: Resource, rid: str | None,
             json_out: bool) -> SimResponse:
        table = self.shop.tables[resource.name]
        base = self._base(request)
        if request.param("schema") in ("blank", "synopsis"):  # an empty template to fill in
            blank = {"id": "", **dict.fromkeys(resource.fields, "")}
            return self._response(render.xml_document(render.xml_record(resource, blank, base,
                                                                        None)), False)
        ints = self.settings.version == "8"
        langs = 1 if request.param("language") else self.settings.languages
        if rid is not None and not request.param("display") and not any(
                k.startswith("filter[") for k in request.query):
            row = table.get(int(rid)) if rid.isdigit() else None
            if row is None:  # no error queued: an empty 404 (getFilteredObjectDetails)
                return self._response(b"", json_out, 404)
            if json_out:
                body = render.json_bytes({resource.singular: render.json_record(
                    resource, row, None, ints, langs)})
            else:
                body = render.xml_document(render.xml_record(resource, row, base, None, langs))
            return self._response(body, json_out)
        try:
            parsed = query.parse(request.query, resource,
                                 dates_need_flag=self.settings.dates_need_flag)
        except query.QueryError as error:
            raise WsError(400, error.code, error.message) from None
        rows = list(table.values())
        if rid is not None:
            if not rid.isdigit() or int(rid) not in table:
                raise WsError(404, 87, f"Id(s) not exists: {rid}")
            rows = [table[int(rid)]]
        picked = query.apply(rows, parsed)
        if json_out:
            if not picked:
                return self._response(b"[]", True)
            listed = [render.json_record(resource, r, parsed.display, ints, langs) if parsed.full
                      else {"id": int(r["id"])} for r in picked]
            return self._response(render.json_bytes({resource.name: listed}), True)
        return self._response(render.xml_list(resource, picked, base, parsed.display,
                                              parsed.full, langs), False)

    # -- writing ------------------------------------------------------------------------------

    def _write(self, request: SimRequest, resource: Resource, rid: str | None,
               json_out: bool) -> SimResponse:
        try:
            records = render.parse_body(request.body, resource)
        except render.BodyError as error:
            raise WsError(500, 127, f"XML error : {error}") from None
        method = request.method
        if method == "DELETE":
            raise WsError(405, 101, "DELETE method is not allowed for this resource")
        saved = []
        for record in records:
            if method == "POST":
                if record.get("id"):
                    raise WsError(400, 91, "id is forbidden when adding a new resource")
                saved.append(self._create(resource, record))
            else:
                target = record.get("id") or rid
                if not target:
                    raise WsError(400, 90, "id is required when modifying a resource")
                saved.append(self._update(resource, str(target), record, patch=method == "PATCH"))
        if self.faults.draw(self.faults.drop_after_apply_rate):
            return SimResponse.dropped()
        with self._lock:
            notice = self.settings.notice_after_write > 0
            if notice:
                self.settings.notice_after_write -= 1
        if notice:
            raise WsError(500, 8192, NOTICE)
        base = self._base(request)
        inner = "".join(render.xml_record(resource, row, base, None) for row in saved)
        return self._response(render.xml_document(inner), False, 201 if method == "POST" else 200)

    def _create(self, resource: Resource, record: dict[str, Any]) -> dict[str, Any]:
        shop = self.shop
        for name in REQUIRED.get(resource.name, ()):
            if not str(record.get(name, "")).strip():
                raise WsError(400, 41, f'parameter "{name}" required')
        if resource.name == "order_histories":
            oid, state = record["id_order"], record["id_order_state"]
            if not oid.isdigit() or int(oid) not in shop.tables["orders"]:
                raise WsError(400, 85, f'Validation error: "Property OrderHistory->id_order is '
                                       f'not valid" ({oid})')
            if not state.isdigit() or int(state) not in shop.tables["order_states"]:
                raise WsError(400, 85, "Validation error: \"Property OrderHistory->id_order_state"
                                       " is not valid\"")
            try:
                return self.orders.history(int(oid), int(state), employee=int(
                    record.get("id_employee") or 0))
            except OrderError as error:
                raise WsError(500, 46, f"Unable to save resource: {error}") from None
        values = {k: v for k, v in record.items() if k in resource.fields or k == "associations"}
        stamp = shop.stamp()
        for name in ("date_add", "date_upd"):
            if name in resource.fields:
                values[name] = stamp
        if resource.name == "customer_messages":
            thread = values.get("id_customer_thread", "")
            if not thread.isdigit() or int(thread) not in shop.tables["customer_threads"]:
                raise WsError(400, 85, 'Validation error: "Property CustomerMessage->'
                                       'id_customer_thread is not valid"')
        return shop.insert(resource.name, values)

    def _update(self, resource: Resource, target: str, record: dict[str, Any], *,
                patch: bool) -> dict[str, Any]:
        table = self.shop.tables[resource.name]
        if not target.isdigit() or int(target) not in table:
            raise WsError(404, 92, f"Unable to update the resource: id {target} does not exist")
        row = table[int(target)]
        for name in REQUIRED.get(resource.name, ()):
            if not patch and not str(record.get(name, "")).strip():
                raise WsError(400, 41, f'parameter "{name}" required')
        for name in resource.fields:
            if name in record:
                value = record[name]
                if name == "quantity" and not value.lstrip("-").isdigit():
                    raise WsError(400, 85, f'Validation error: "Property StockAvailable->'
                                           f'quantity is not valid" ({value})')
                row[name] = value
            elif not patch and name not in REQUIRED.get(resource.name, ()):
                row[name] = ""  # PUT nulls what the body leaves out
        if resource.name == "stock_availables" and row["id_product_attribute"] not in ("", "0"):
            self._sum_stock(int(row["id_product"]))
        return row

    def _sum_stock(self, pid: int) -> None:
        rows = self.shop.find("stock_availables", id_product=str(pid))
        total = sum(int(r["quantity"] or 0) for r in rows if r["id_product_attribute"] != "0")
        for r in rows:
            if r["id_product_attribute"] == "0":
                r["quantity"] = str(total)


#: fields a write must carry (``$fieldsRequired``)
REQUIRED: dict[str, tuple[str, ...]] = {
    "order_histories": ("id_order", "id_order_state"),
    "stock_availables": ("id_product", "id_product_attribute", "quantity", "depends_on_stock",
                         "out_of_stock"),
    "customer_threads": ("id_lang", "id_contact", "token"),
    "customer_messages": ("id_customer_thread", "message"),
}
