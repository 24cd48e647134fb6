"""The accounting REST surface: routing, envelopes, filters, paging and error bodies.

``/accounting/account/{account}/{group}/{resource}[/{id}]``. Single answers are
``{"response": {"result": {"<singular>": {...}}}}``; lists ``{"<plural>": [...], "page", "pages",
"per_page", "total"}``. ``per_page`` is capped at 100 silently, page 0 reads as 1, a page past
the end is empty. Filters: ``search[f]=v`` (equals), ``search[fs][]=`` (in), ``search[f_like]``,
``search[f_min]`` (>=) / ``search[f_max]`` (<), day-granular on dates. Invoice lines only with
``include[]=lines``. Deleted records (``vis_state`` 1, by a PUT or, for invoices and
taxes, a DELETE) are hidden unless asked for.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.sandbox.server import SimRequest, SimResponse

from .books import RESOURCES, Books, Invalid

PATH = re.compile(r"^/accounting/account/(?P<account>[^/]+)/(?P<res>[a-z_]+/[a-z_]+)"
                  r"(?:/(?P<id>[^/]+))?/?$")
SEARCH = re.compile(r"^search\[(?P<field>[a-z_0-9]+)\](?P<many>\[\])?$")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 15
DATE_FIELDS = ("updated", "date", "create_date")


def legacy_error(error: Invalid) -> SimResponse:
    """The accounting service's classic error body."""
    return SimResponse.json({"response": {"errors": [{
        "errno": error.errno, "field": error.field, "message": error.message,
        "object": error.obj, "value": error.value}]}}, error.status)


def grpc_error(error: Invalid) -> SimResponse:
    """The newer Google-RPC style body of the same error."""
    code = {404: 5, 401: 16, 409: 6}.get(error.status, 3)
    return SimResponse.json({"code": code,
                             "message": f"Request failed with status_code: {error.status}",
                             "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                          "reason": str(error.errno),
                                          "domain": "accounting.api.freshbooks.com",
                                          "metadata": {"object": error.obj,
                                                       "message": error.message,
                                                       "value": str(error.value),
                                                       "field": error.field}}]}, error.status)


def unauthorized() -> SimResponse:
    """What an expired or unknown token gets (the grpc-style 401 of the captures)."""
    return grpc_error(Invalid(1003, "", "The server could not verify that you are authorized "
                              "to access the URL requested.", "", "", 401))


def serve(books: Books, request: SimRequest, grpc: bool = False) -> tuple[SimResponse, bool]:
    """Answer one accounting request; the flag says whether a write was applied."""
    match = PATH.match(request.path)
    error = grpc_error if grpc else legacy_error
    if match is None or match["res"] not in RESOURCES:
        return SimResponse.json({"message": "Not Found"}, 404), False
    if match["account"] != books.account_id:  # reference H7: 404 until seen on a real account
        return error(Invalid(1012, "accountid", "Account not found.", "account",
                             match["account"], 404)), False
    path = match["res"]
    single = RESOURCES[path][1]
    try:
        with books.lock:
            if match["id"] is None:
                if request.method == "GET":
                    return SimResponse.json(_list(books, path, request)), False
                if request.method == "POST":
                    body = _body(request, single, path)
                    record = books.create(path, body)
                    return _one(single, record, True), True
            else:
                try:
                    record_id = int(match["id"])
                except ValueError:
                    raise Invalid(1012, "id", "Not found.", single, match["id"], 404) from None
                if request.method == "GET":
                    record = books.get(path, record_id)
                    return _one(single, record, _wants_lines(request)), False
                if request.method == "PUT":
                    body = _body(request, single, path)
                    record = books.update(path, record_id, body)
                    return _one(single, record, True), True
                if request.method == "DELETE":  # invoices and taxes (the SDKs' way): soft
                    record = books.update(path, record_id, {"vis_state": 1})
                    return _one(single, record, False), True
    except Invalid as refused:
        return error(refused), False
    return SimResponse.json({"message": "Method Not Allowed"}, 405), False


def _body(request: SimRequest, single: str, path: str) -> dict[str, Any]:
    try:
        payload = request.json()
    except ValueError:
        raise Invalid(1, single, "The request body is not valid JSON.", single) from None
    names = (single, "credit_notes") if path.startswith("credit_notes") else (single,)
    for name in names:
        if isinstance(payload, dict) and isinstance(payload.get(name), dict):
            return dict(payload[name])
    raise Invalid(1, single, f"Missing '{single}' object.", single)


def _one(single: str, record: dict[str, Any], lines: bool) -> SimResponse:
    shown = record if lines or "lines" not in record else \
        {k: v for k, v in record.items() if k != "lines"}
    return SimResponse.json({"response": {"result": {single: shown}}})


def _wants_lines(request: SimRequest) -> bool:
    return "lines" in request.query.get("include[]", [])


def _list(books: Books, path: str, request: SimRequest) -> dict[str, Any]:
    plural, _ = RESOURCES[path]
    rows = [r for r in books.records[path].values() if _matches(r, request.query)]
    if not any(SEARCH.match(k) and SEARCH.match(k)["field"] == "vis_state"  # type: ignore[index]
               for k in request.query):
        rows = [r for r in rows if r["vis_state"] == 0]
    sort = request.param("sort", "") or ""
    if sort.endswith(("_asc", "_desc")):
        field, _, direction = sort.rpartition("_")
        rows.sort(key=lambda r: str(r.get(field) or ""), reverse=direction == "desc")
    else:
        rows.sort(key=lambda r: int(r["id"]), reverse=True)  # newest first
    page = _int(request.param("page", "1"), "page")
    per_page = min(max(_int(request.param("per_page", str(DEFAULT_PER_PAGE)), "per_page"), 1),
                   MAX_PER_PAGE)
    page = max(page, 1)
    total = len(rows)
    pages = max(1, -(-total // per_page))
    chosen = rows[(page - 1) * per_page: page * per_page]
    if not _wants_lines(request):
        chosen = [{k: v for k, v in r.items() if k != "lines"} for r in chosen]
    return {"response": {"result": {plural: chosen, "page": page, "pages": pages,
                                    "per_page": per_page, "total": total}}}


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "1")
    except ValueError:
        raise Invalid(3, name, f"'{name}' must be an integer.", "request", value, 400) from None


def _matches(record: dict[str, Any], query: dict[str, list[str]]) -> bool:
    for key, values in query.items():
        found = SEARCH.match(key)
        if found is None:
            continue  # unknown parameters are ignored, as FreshBooks does
        field = found["field"]
        if found["many"]:
            name = field[:-1] if field.endswith("s") else field
            if str(record.get(name)) not in values:
                return False
            continue
        value = values[0]
        if field.endswith("_like"):
            if value.lower() not in str(record.get(field[:-5]) or "").lower():
                return False
        elif field.endswith(("_min", "_max")):
            name = field[:-4]
            have = _comparable(name, record.get(name))
            want: Any = value[:10] if name in DATE_FIELDS else Decimal(value)
            if have is None or (field.endswith("_min") and have < want) or \
                    (field.endswith("_max") and have >= want):
                return False
        elif str(_plain(record.get(field))).lower() != value.lower():
            return False
    return True


def _plain(value: Any) -> Any:
    return value.get("amount") if isinstance(value, dict) else value


def _comparable(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in DATE_FIELDS:
        return str(value)[:10]  # day granularity, as FreshBooks filters dates
    return Decimal(str(_plain(value)))
