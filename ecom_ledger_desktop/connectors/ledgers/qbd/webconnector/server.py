"""The Web Connector endpoint's HTTP(S) server: a background thread the core starts and stops.

It binds 127.0.0.1 by default (the Web Connector on this computer reaches it as
``http://localhost:<port>/qbwc``). Binding to a LAN address is an explicit choice and then needs
TLS: the Web Connector refuses plain HTTP for anything but localhost.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import soap
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import WebConnectorService

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8443
ENDPOINT_PATH = "/qbwc"
SUPPORT_PATH = "/qbwc/support"
MAX_BODY = 64 * 1024 * 1024  # a large item query answer is a few MB; refuse anything absurd
REQUEST_TIMEOUT = 150.0  # a silent client is dropped after the Web Connector's own ~2-minute limit
MAX_CONNECTIONS = 16  # the Web Connector opens one or two; more is someone else on the network

SUPPORT_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>ecom-ledger-desktop</title></head>
<body><h1>ecom-ledger-desktop: QuickBooks Web Connector service</h1>
<p>This address is the service the QuickBooks Web Connector calls to exchange orders with QuickBooks.</p>
<ol><li>In QuickBooks, sign in as the administrator and create a dedicated QuickBooks user for the app.</li>
<li>Open the .qwc file the app saved, in the Web Connector, and allow access when QuickBooks asks
("Yes, always; allow access even if QuickBooks is not running").</li>
<li>Enter the password the app shows in the Web Connector's Password column.</li></ol>
<p>Everything else is shown in the app, on the QuickBooks Desktop connection page.</p></body></html>
"""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only (localhost, 127.x, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # stop() joins the request threads: nothing outlives the server
    block_on_close = True

    def __init__(self, address: tuple[str, int], owner: WebConnectorServer) -> None:
        self.owner = owner
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, address = super().get_request()
        if self.owner.tls is not None:
            # the handshake happens in the request thread, on the first read
            sock = self.owner.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, address

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.sockets_lock:
            return len(self.open_sockets) <= MAX_CONNECTIONS

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError | ssl.SSLError | OSError):
            return  # a Web Connector that went away, or a client that does not trust our certificate
        log.error("Web Connector endpoint: a request failed (%s)", type(error).__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = REQUEST_TIMEOUT
    server: _Server

    def do_POST(self) -> None:  # http.server's name
        if self.path.split("?", 1)[0].rstrip("/") != ENDPOINT_PATH:
            self._send(404, "text/plain; charset=utf-8", b"Not found")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(413 if length > MAX_BODY else 400, "text/plain; charset=utf-8", b"Refused")
            return
        body = self.rfile.read(length) if length else b""
        reply = soap.handle(self.server.owner.service, body, str(self.client_address[0]))
        self._send(reply.status, reply.content_type, reply.body)

    def do_GET(self) -> None:  # http.server's name
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == SUPPORT_PATH:
            self._send(200, "text/html; charset=utf-8", SUPPORT_PAGE.encode())
        elif path == ENDPOINT_PATH:
            self._send(200, "text/plain; charset=utf-8",
                       b"QuickBooks Web Connector service of ecom-ledger-desktop: POST SOAP requests here.")
        else:
            self._send(404, "text/plain; charset=utf-8", b"Not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: request lines are not useful and bodies carry customer data."""


class WebConnectorServer:
    """Serves ``service`` on ``host:port`` in a background thread (port 0 picks a free one).

    A non-loopback ``host`` needs ``tls`` (see ``certificates.server_context``).
    """

    def __init__(self, service: WebConnectorService, host: str = LOOPBACK, port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        if not is_loopback(host) and tls is None:
            raise ValueError("The Web Connector only calls a service on another computer over HTTPS: "
                             "give a certificate to serve on a local network address.")
        self.service = service
        self.host = host
        self.tls = tls
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.server_address[1])

    @property
    def open_connections(self) -> int:
        """How many client connections are open now."""
        with self._server.sockets_lock:
            return len(self._server.open_sockets)

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def url(self, host_name: str | None = None) -> str:
        """The AppURL for the .qwc file: ``http://localhost:<port>/qbwc`` on loopback, else https."""
        if self.tls is None:
            return f"http://localhost:{self.port}{ENDPOINT_PATH}"
        name = host_name or self.host
        return f"https://{name}:{self.port}{ENDPOINT_PATH}"

    def start(self) -> WebConnectorServer:
        """Serve in a background thread; returns self."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                                name=f"qbwc-endpoint-{self.port}", daemon=True)
                self._thread.start()
                log.info("Web Connector endpoint listening on %s:%d", self.host, self.port)
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections, end live sessions, release the port (idempotent)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._server.shutdown()
                thread.join()
            self._server.drop_connections()
            self._server.server_close()  # joins the request threads
        self.service.stop()

    def __enter__(self) -> WebConnectorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
