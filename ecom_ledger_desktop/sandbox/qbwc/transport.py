"""HTTP(S) posting of Web Connector calls, with its time limit and a connection cut on purpose."""

from __future__ import annotations

import socket
import ssl
import struct
from typing import Any
from urllib.parse import urlsplit

import httpx

from ecom_ledger_desktop.sandbox.qbwc.envelopes import INTUIT, read_result, request_body

USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)"
EXCHANGE_TIMEOUT = 120.0  # the Web Connector gives up on a call after about two minutes


class ExchangeTimedOut(Exception):
    """The service did not answer within the Web Connector's limit."""


class ServiceUnreachable(Exception):
    """The service could not be reached (refused, TLS not trusted, connection reset)."""


class SoapTransport:
    """Posts envelopes to ``url``; ``verify`` is an ``ssl.SSLContext`` (or bool) for HTTPS;
    ``local_address`` makes the calls come from that address (e.g. "127.0.0.2": another computer)."""

    def __init__(self, url: str, verify: ssl.SSLContext | bool = True,
                 timeout: float = EXCHANGE_TIMEOUT, local_address: str | None = None) -> None:
        self.url = url
        self.verify = verify
        self.timeout = timeout
        self.local_address = local_address
        transport = httpx.HTTPTransport(verify=verify, local_address=local_address)
        self._client = httpx.Client(verify=verify, timeout=timeout, transport=transport)

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()

    @staticmethod
    def _headers(operation: str) -> dict[str, str]:
        return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{INTUIT}{operation}"',
                "User-Agent": USER_AGENT}

    def call(self, operation: str, params: list[tuple[str, str]]) -> Any:
        """Call an operation and return its result."""
        body = request_body(operation, params)
        try:
            reply = self._client.post(self.url, content=body, headers=self._headers(operation))
        except httpx.TimeoutException:
            raise ExchangeTimedOut(f"{operation}: no answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise ServiceUnreachable(f"{operation}: {type(exc).__name__}: {exc}") from None
        return read_result(operation, reply.content)

    def call_and_drop(self, operation: str, params: list[tuple[str, str]]) -> None:
        """Send the call, wait until the service starts answering, then reset the connection:
        the service did the work, the Web Connector never learns the answer."""
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        body = request_body(operation, params)
        head = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in self._headers(operation).items())
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        raw = socket.create_connection((parts.hostname or "localhost", port), timeout=self.timeout,
                                       source_address=(self.local_address, 0) if self.local_address
                                       else None)
        sock: socket.socket = raw
        try:
            if parts.scheme == "https":
                context = self.verify if isinstance(self.verify, ssl.SSLContext) else \
                    ssl.create_default_context()
                sock = context.wrap_socket(raw, server_hostname=parts.hostname)
            sock.sendall(head.encode() + body)
            sock.recv(1)  # the first byte of the answer: the service has finished the call
        finally:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
            sock.close()
