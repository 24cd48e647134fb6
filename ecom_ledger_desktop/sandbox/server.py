"""A small threaded HTTP server that every simulator builds on.

It gives each simulator the same plumbing: a loopback listener on a free port, a scaled
clock (so per-minute limits can be exercised in seconds), fault injection (5xx, latency,
dropped connections) and a JSON control API under ``/__sim__/`` for tests and the demo.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CONTROL_PREFIX = "/__sim__/"


class SimClock:
    """Simulated time that runs ``scale`` times faster than the wall clock.

    ``offset`` lets a test jump the clock forward (e.g. to expire tokens).
    """

    def __init__(self, scale: float = 1.0, start: datetime | None = None) -> None:
        self.scale = scale
        self._start_sim = start or datetime.now(UTC)
        self._start_mono = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        """Simulated seconds since the clock started."""
        with self._lock:
            return (time.monotonic() - self._start_mono) * self.scale + self._offset

    def now(self) -> datetime:
        """The simulated current instant (aware, UTC)."""
        return self._start_sim + timedelta(seconds=self.elapsed())

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward."""
        with self._lock:
            self._offset += seconds

    def sleep(self, sim_seconds: float) -> None:
        """Sleep for a span of simulated time."""
        if sim_seconds > 0:
            time.sleep(sim_seconds / self.scale)


@dataclass
class FaultPlan:
    """Fault-injection knobs, changeable at run time through ``/__sim__/faults``.

    - ``error_rate``: share of requests answered with a 5xx before they are applied.
    - ``latency``: extra wall seconds before answering.
    - ``drop_rate``: share of requests whose connection is closed before they are applied.
    - ``drop_after_apply_rate``: share of *writes* applied and then dropped without a reply
      (the simulator decides which requests are writes).
    - ``seed``: makes the random draws reproducible.
    """

    error_rate: float = 0.0
    latency: float = 0.0
    drop_rate: float = 0.0
    drop_after_apply_rate: float = 0.0
    seed: int | None = None
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def reseed(self) -> None:
        """Restart the random sequence from ``seed``."""
        self._rng = random.Random(self.seed)

    def draw(self, rate: float) -> bool:
        """True with probability ``rate``."""
        return rate > 0 and self._rng.random() < rate

    def as_dict(self) -> dict[str, Any]:
        """The public knobs as JSON-able values."""
        return {
            "error_rate": self.error_rate,
            "latency": self.latency,
            "drop_rate": self.drop_rate,
            "drop_after_apply_rate": self.drop_after_apply_rate,
            "seed": self.seed,
        }

    def update(self, values: dict[str, Any]) -> None:
        """Set knobs from a JSON object (unknown keys are refused)."""
        for key, value in values.items():
            if key not in self.as_dict():
                raise KeyError(key)
            setattr(self, key, value)
        if "seed" in values:
            self.reseed()


@dataclass
class SimRequest:
    """One parsed HTTP request as a simulator sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""

    def header(self, name: str, default: str = "") -> str:
        """A header by case-insensitive name."""
        return self.headers.get(name.lower(), default)

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON (floats kept as written, via Decimal-free float parse)."""
        return json.loads(self.body.decode("utf-8"))


@dataclass
class SimResponse:
    """What the simulator answers; ``drop`` closes the connection without a reply."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> SimResponse:
        """A JSON response."""
        merged = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return cls(status=status, body=text.encode("utf-8"), headers=merged)

    @classmethod
    def dropped(cls) -> SimResponse:
        """Close the connection without answering."""
        return cls(drop=True)


Handler = Callable[[SimRequest], SimResponse]


class SimulatorServer:
    """Runs a simulator's ``handle`` and ``control`` functions behind a loopback HTTP server."""

    def __init__(
        self,
        handle: Handler,
        control: Handler,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultPlan | None = None,
    ) -> None:
        self._handle = handle
        self._control = control
        self.faults = faults or FaultPlan()
        self._server = _make_server(self, host, port)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SimulatorServer:
        """Serve in a daemon thread; returns self."""
        # A short poll interval makes stop() return in ~50 ms instead of up to 500 ms.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                                        name=f"sim-{self.base_url}")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted."""
        self._server.serve_forever()

    def dispatch(self, request: SimRequest) -> SimResponse:
        """Route a request: control API, injected faults, then the simulator itself."""
        if request.path.startswith(CONTROL_PREFIX):
            if request.path == CONTROL_PREFIX + "faults":
                if request.method == "POST":
                    try:
                        self.faults.update(request.json())
                    except KeyError as unknown:
                        return SimResponse.json({"error": f"unknown fault knob {unknown}"}, 400)
                return SimResponse.json(self.faults.as_dict())
            return self._control(request)
        if self.faults.latency:
            time.sleep(self.faults.latency)
        if self.faults.draw(self.faults.drop_rate):
            return SimResponse.dropped()
        if self.faults.draw(self.faults.error_rate):
            return SimResponse(status=503, body=b"Service Unavailable",
                               headers={"Content-Type": "text/plain"})
        return self._handle(request)


class _QuietServer(ThreadingHTTPServer):
    """Clients that vanish mid-request (a killed sync process) are normal here, not errors."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def _make_server(owner: SimulatorServer, host: str, port: int) -> ThreadingHTTPServer:
    class _RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
        # client's delayed ACK adds ~40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client went away mid-body: no request was made (a real
                self.close_connection = True  # server waits for the whole Content-Length)
                return
            request = SimRequest(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_query=split.query,
            )
            try:
                response = owner.dispatch(request)
            except Exception as exc:  # a simulator bug must be visible, not a hang
                response = SimResponse.json({"simulator_error": repr(exc)}, 500)
            if response.drop:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.log_request(response.status)
            self.send_response_only(response.status)
            self.send_header("Server", self.version_string())
            if not any(name.lower() == "date" for name in response.headers):
                # a simulator that keeps its own clock sends its own Date, and only that one
                self.send_header("Date", self.date_time_string())
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: tests and the demo read the control API instead

    server = _QuietServer((host, port), _RequestHandler)
    server.daemon_threads = True
    return server
