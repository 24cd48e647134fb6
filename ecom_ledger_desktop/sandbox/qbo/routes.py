"""The ``/v3/company/{realmId}/...`` resource routes, after authentication and throttling.

``route`` classifies a request (for stats, idempotency and drop-after-apply) and ``serve`` runs
it against a company, returning ``(status, body dict)``.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.sandbox.server import SimRequest

from . import batch, cdc, faults, operations, query
from .company import ENTITIES, Company, response_time

COMPANY_PATH = re.compile(r"^/v3/company/(?P<realm>[^/]+)/(?P<rest>.*)$")
MAX_REQUESTID = 50
MAX_BATCH_REQUESTID = 36


@dataclass
class Route:
    """What a company request is: ``kind`` is one of query, read, create, update, delete, void,
    batch, cdc, unknown; ``entity``/``entity_id`` where they apply."""

    realm: str
    kind: str
    entity: str = ""
    entity_id: str = ""
    operation: str | None = None

    @property
    def is_write(self) -> bool:
        """Writes honour ``requestid`` and can be applied-then-dropped."""
        return self.kind in ("create", "update", "delete", "void", "batch", "write")


def route(request: SimRequest) -> Route | None:
    """Classify a request under ``/v3/company/``; None for other paths."""
    match = COMPANY_PATH.match(request.path)
    if match is None:
        return None
    realm = match["realm"]
    parts = [p for p in match["rest"].split("/") if p]
    method = request.method
    if len(parts) == 1:
        name = parts[0].lower()
        if name == "query" and method in ("GET", "POST"):
            return Route(realm, "query")
        if name == "batch" and method == "POST":
            return Route(realm, "batch")
        if name == "cdc" and method == "GET":
            return Route(realm, "cdc")
        entity = ENTITIES.get(name)
        if entity and method == "POST":
            operation = request.param("operation")
            kind = (operation or "write").lower()
            if kind not in ("delete", "void"):
                kind = "void" if "void" in _options(request) else "write"
            return Route(realm, kind, entity, operation=operation)
        if entity == "Preferences" and method == "GET":
            return Route(realm, "read", entity, "1")
    if len(parts) == 2 and method == "GET":
        entity = ENTITIES.get(parts[0].lower())
        if entity:
            return Route(realm, "read", entity, parts[1])
    return Route(realm, "unknown")


def check_requestid(request: SimRequest, rt: Route) -> str | None:
    """The ``requestid`` parameter, length-checked (50, or 36 for batch)."""
    value = request.param("requestid")
    if value is None or value == "":
        return None
    limit = MAX_BATCH_REQUESTID if rt.kind == "batch" else MAX_REQUESTID
    if len(value) > limit:
        raise faults.QboFault(
            "2050", faults.LENGTH_MESSAGE,
            "String length specified does not match the supported length. "
            f"Min:1 Max:{limit} supported. Supplied length:{len(value)}", element="requestid")
    return value


def _options(request: SimRequest) -> set[str]:
    out: set[str] = set()
    for value in request.query.get("include", []):
        out |= {v.strip().lower() for v in value.split(",") if v.strip()}
    return out


def _body(request: SimRequest) -> Any:
    try:
        return json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise faults.unsupported_operation(
            f"Invalid byte {exc.start + 1} of {exc.end - exc.start}-byte UTF-8 sequence."
            " Request") from exc
    except json.JSONDecodeError as exc:
        raise faults.unsupported_operation(
            f"Unable to parse request body: {exc.msg} at line {exc.lineno} column {exc.colno};"
            " parsing") from exc


def serve(company: Company, request: SimRequest, rt: Route, base_url: str, rng: random.Random
          ) -> tuple[int, dict[str, Any], int]:
    """Run a routed request; returns (status, body, number of batch items)."""
    time = response_time(company.now())
    try:
        with company.lock:
            payload, items = _dispatch(company, request, rt, base_url, rng)
    except faults.QboFault as fault:
        return fault.status, fault.body(time), 0
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # a JSON value of the wrong shape (e.g. a string where an object belongs)
        shape = faults.invalid_property(f"{type(exc).__name__}: {exc}")
        return shape.status, shape.body(time), 0
    payload["time"] = response_time(company.now())
    return 200, payload, items


def _dispatch(company: Company, request: SimRequest, rt: Route, base_url: str,
              rng: random.Random) -> tuple[dict[str, Any], int]:
    if rt.kind == "query":
        text = request.param("query")
        if request.method == "POST" and text is None:
            text = request.body.decode("utf-8", errors="replace")
        if not text:
            raise faults.query_parser("Encountered \"<EOF>\" at line 1, column 1.")
        return {"QueryResponse": query.execute(company, text)}, 0
    if rt.kind == "cdc":
        response = cdc.changes(company, request.param("entities"), request.param("changedSince"))
        return {"CDCResponse": [response]}, 0
    if rt.kind == "batch":
        answers, count = batch.run(company, _body(request), _options(request), rng)
        return {"BatchItemResponse": answers}, count
    if rt.kind == "read":
        return {rt.entity: operations.read(company, rt.entity, rt.entity_id)}, 0
    if rt.kind in ("write", "delete", "void"):
        payload = operations.write(company, rt.entity, rt.operation, _body(request),
                                   _options(request))
        return {rt.entity: payload}, 0
    relative = request.path
    raise faults.unsupported_operation(
        f"Could not find resource for relative : {relative} of full path: {base_url}{relative}")


def write_kind(rt: Route, body: dict[str, Any]) -> str:
    """Refine 'write' into create/update for stats, from the request body."""
    if rt.kind != "write":
        return rt.kind
    if (rt.operation or "").lower() == "update" or body.get("Id") is not None:
        return "update"
    return "create"
