"""What both API versions share: PHP-style bracketed parameters, the Date header, rate limits,
corrupted answers and the rendering of a JSON answer (ETag, Last-Modified, 304)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import escape

from ..server import SimClock, SimRequest, SimResponse

_KEY = re.compile(r"^([^\[]+)((?:\[[^\]]*\])*)$")


def php_params(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0]=x`` pairs -> nested dicts, the way PHP's ``parse_str`` builds ``$_GET``."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            continue
        parts = [match.group(1), *re.findall(r"\[([^\]]*)\]", match.group(2))]
        target = out
        for n, name in enumerate(parts):
            last = n == len(parts) - 1
            part = name or str(len(target))
            if last:
                target[part] = value
            else:
                nxt = target.get(part)
                if not isinstance(nxt, dict):
                    nxt = {}
                    target[part] = nxt
                target = nxt
    return out


def as_list(value: Any) -> list[Any]:
    """A PHP array given as ``{"0": a, "1": b}`` (or a scalar) as a list."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=lambda k: int(k) if k.isdigit() else 0)]
    return [] if value is None else [value]


def to_xml(payload: Any) -> bytes:
    """The add-on's XML printer (``Accept: application/xml``): lists as ``<item>`` elements."""
    def node(name: str, value: Any) -> str:
        if isinstance(value, dict):
            inner = "".join(node(str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            inner = "".join(node("item", v) for v in value)
        elif value is None:
            return f"<{name}/>"
        else:
            inner = escape(str(value).lower() if isinstance(value, bool) else str(value))
        return f"<{name}>{inner}</{name}>"
    return ('<?xml version="1.0" encoding="UTF-8"?>' + node("data", payload)).encode("utf-8")


@dataclass
class Switches:
    """Run-time switches of the simulator (``/__sim__/settings``)."""

    version: str = "5.4"  # "5.4": the REST API add-on; "5.5": the built-in API Platform
    hydra: bool = False  # 5.5: collections as Hydra (``application/ld+json``) instead of arrays
    rate_limit_per_minute: int | None = None
    date_skew_seconds: float = 0.0
    corrupt_count: int = 0
    corrupt_mode: str = "truncate"
    # reference part H #5: whether ``_cnd[orderBy]`` accepts ``o.lastRenewDate`` on this version
    order_by_last_renew: bool = True


class Gate:
    """Rate limit, corruption and the response headers of every API answer."""

    def __init__(self, switches: Switches, clock: SimClock) -> None:
        self.switches = switches
        self.clock = clock
        self.lock = threading.Lock()
        self._window: list[float] = []

    def limited(self) -> SimResponse | None:
        limit = self.switches.rate_limit_per_minute
        if not limit:
            return None
        with self.lock:
            now = self.clock.elapsed()
            self._window = [t for t in self._window if now - t < 60]
            if len(self._window) >= limit:
                wait = max(1, int(60 - (now - self._window[0])) + 1)
                return SimResponse(429, b"Too Many Requests",
                                   {"Retry-After": str(wait), "Content-Type": "text/plain"})
            self._window.append(now)
        return None

    def date_header(self) -> str:
        moment: datetime = self.clock.now() + timedelta(seconds=self.switches.date_skew_seconds)
        return format_datetime(moment, usegmt=True)

    def answer(self, request: SimRequest, payload: Any, *, last_modified: int | None = None,
               status: int = 200, extra: dict[str, str] | None = None) -> SimResponse:
        """JSON with ETag / Last-Modified / Content-MD5; 304 on a matching If-None-Match."""
        xml = "xml" in request.header("accept") and "json" not in request.header("accept")
        body = to_xml(payload) if xml else json.dumps(
            payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        kind = "application/xml" if xml else "application/json"
        headers = {"Content-Type": f"{kind}; charset=utf-8", "ETag": etag,
                   "Content-MD5": hashlib.md5(body, usedforsecurity=False).hexdigest(),
                   "Date": self.date_header(), **(extra or {})}
        if last_modified is not None:
            headers["Last-Modified"] = format_datetime(
                datetime.fromtimestamp(last_modified, UTC), usegmt=True)
        if status == 200 and request.header("if-none-match") == etag:
            return SimResponse(304, b"", headers)
        since = request.header("if-modified-since")
        if status == 200 and since and last_modified is not None:
            try:
                unchanged = parsedate_to_datetime(since).timestamp() >= last_modified
            except (TypeError, ValueError):
                unchanged = False
            if unchanged:
                return SimResponse(304, b"", headers)
        with self.lock:
            if self.switches.corrupt_count > 0:
                self.switches.corrupt_count -= 1
                body = body[: max(1, len(body) // 2)] if self.switches.corrupt_mode == "truncate" \
                    else b"<html><body>PHP Fatal error: Allowed memory size exhausted</body></html>"
        return SimResponse(status, body, headers)

    def rest_error(self, message: str, status: int = 400) -> SimResponse:
        """The add-on's error: an HTTP status, ``X-REST-Error`` and a null body."""
        return SimResponse(status, b"null", {"Content-Type": "application/json",
                                             "X-REST-Error": message, "Date": self.date_header()})
