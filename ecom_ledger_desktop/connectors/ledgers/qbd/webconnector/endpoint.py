"""The Web Connector endpoint the core owns: settings, the certificate when on the LAN, the server thread.

By default it serves this computer only (``http://localhost:<port>/qbwc``, for a Web Connector on
the same PC). Serving the LAN is an explicit setting: then it serves HTTPS with the app's own
self-signed certificate (kept in the data folder) or one the user supplies, and says how to trust it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.certificates import (
    CertificateInfo,
    CertificateProblem,
    check_certificate,
    ensure_certificate,
    server_context,
    trust_steps,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.server import (
    DEFAULT_PORT,
    LOOPBACK,
    WebConnectorServer,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import WebConnectorService
from ecom_ledger_desktop.core.clock import Clock

log = logging.getLogger(__name__)
CERT_FOLDER = "webconnector"


@dataclass(frozen=True)
class EndpointSettings:
    """Where the endpoint listens; the defaults keep it on this computer."""

    port: int = DEFAULT_PORT
    lan_address: str = ""  # an address of this computer to serve the LAN on ("" = this computer only)
    host_name: str = ""  # the name the QuickBooks computer calls (default: the address)
    cert_file: str = ""  # a PEM certificate the user supplies, with its key
    key_file: str = ""

    @property
    def on_lan(self) -> bool:
        """Whether the LAN is served (HTTPS)."""
        return bool(self.lan_address)

    @property
    def public_name(self) -> str:
        """The host in the endpoint's address."""
        return self.host_name or self.lan_address or "localhost"


def suggest_lan_address() -> str | None:
    """This computer's address on its main network (no packet is sent), or None."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET: only picks the outgoing interface
        address = str(probe.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


class WebConnectorEndpoint:
    """Starts and stops the endpoint for ``settings``; ``data_folder`` keeps the certificate."""

    def __init__(self, service: WebConnectorService, settings: EndpointSettings, data_folder: Path,
                 clock: Clock) -> None:
        self.service = service
        self.settings = settings
        self.data_folder = data_folder
        self.clock = clock
        self.certificate: CertificateInfo | None = None
        self._server: WebConnectorServer | None = None
        self._lock = threading.Lock()

    def _certificate(self) -> CertificateInfo:
        settings, now = self.settings, self.clock.now()
        wildcard = settings.lan_address in ("0.0.0.0", "::")  # noqa: S104 - a deliberate LAN choice
        if wildcard and not settings.host_name:
            raise CertificateProblem("Serving every network needs the computer name the QuickBooks computer "
                                     "uses: set it, or choose one address.")
        if settings.cert_file or settings.key_file:
            return check_certificate(Path(settings.cert_file), Path(settings.key_file),
                                     settings.public_name, now)
        names = [settings.public_name]
        if not wildcard and settings.lan_address != settings.public_name:
            names.append(settings.lan_address)
        return ensure_certificate(self.data_folder / CERT_FOLDER, names, now)

    def start(self) -> None:
        """Serve (idempotent). Raises ``CertificateProblem`` or ``OSError`` (port in use) in plain words."""
        with self._lock:
            if self._server is not None:
                return
            tls = None
            if self.settings.on_lan:
                self.certificate = self._certificate()
                tls = server_context(self.certificate)
            host = self.settings.lan_address or LOOPBACK
            try:
                self._server = WebConnectorServer(self.service, host, self.settings.port, tls).start()
            except OSError as exc:
                words = (f"The Web Connector service cannot listen on {host} port {self.settings.port} "
                         f"({exc.strerror}): choose another port.")
                raise OSError(exc.errno, words) from None

    def stop(self) -> None:
        """Stop serving (idempotent); live sessions end and their requests become uncertain."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()

    @property
    def running(self) -> bool:
        """Whether the endpoint serves."""
        server = self._server
        return server is not None and server.running

    @property
    def url(self) -> str:
        """The AppURL for the .qwc file (the bound port once running)."""
        server = self._server
        port = server.port if server is not None else self.settings.port
        if self.settings.on_lan:
            return f"https://{self.settings.public_name}:{port}/qbwc"
        return f"http://localhost:{port}/qbwc"

    def setup_lines(self) -> list[str]:
        """What the connection page shows: the address, the certificate, how to trust it."""
        lines = [f"Web Connector service address: {self.url}"]
        if not self.settings.on_lan:
            lines.append("Only a Web Connector on this computer can reach it (serve the local network to "
                         "reach QuickBooks on another computer).")
            return lines
        if self.certificate is not None:
            lines.append(self.certificate.status(self.clock.now()))
            lines.extend(trust_steps(self.certificate, self.url).splitlines())
        return lines

    def __enter__(self) -> WebConnectorEndpoint:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
