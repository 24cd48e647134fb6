"""One running app per OS user (and data folder): a second launch brings the first forward.

The first instance listens on a local socket (a named pipe on Windows, a user-only socket file
elsewhere). A later launch connects, sends "show" and exits; the first instance raises its window.
"""

from __future__ import annotations

import getpass
import hashlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

SHOW = "show"
CONNECT_TIMEOUT_MS = 500


def instance_key(scope: str) -> str:
    """A short, per-user socket name for ``scope`` (the data folder, or "demo")."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name (some containers)
        user = "user"
    digest = hashlib.sha256(f"{user}\0{scope}".encode()).hexdigest()[:16]
    return f"ecom-ledger-{digest}"


class SingleInstance(QObject):
    """Either the first instance (``listen``) or a messenger to it (``forward``)."""

    message_received = Signal(str)

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []  # children of the server, freed with it

    def forward(self, message: str = SHOW, timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
        """Send ``message`` to a running instance; False when none answers."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write((message + "\n").encode())
        socket.flush()  # usually writes everything at once; otherwise wait for the rest
        delivered = socket.bytesToWrite() == 0 or socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return delivered

    def listen(self) -> bool:
        """Become the first instance; a socket left by a crashed instance is cleaned up first."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            QLocalServer.removeServer(self.key)  # stale, since nobody answered forward()
            if not server.listen(self.key):
                log.warning("single-instance socket unavailable: %s", server.errorString())
                return False
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def close(self) -> None:
        """Stop listening (at quit)."""
        for socket in self._clients:
            socket.readyRead.disconnect(self._on_ready_read)
            socket.disconnected.disconnect(self._on_disconnected)
            socket.abort()
        self._clients.clear()
        if self._server is not None:
            self._server.close()
            self._server = None

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._clients.append(socket)
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)
            self._read(socket)  # the message may have arrived with the connection

    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _on_disconnected(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket in self._clients:
            self._read(socket)
            self._clients.remove(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode(errors="replace").strip()
            if line:
                self.message_received.emit(line)
