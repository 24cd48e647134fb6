"""The endpoint's background thread: starts, serves, stops cleanly without leaking threads or ports."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import WebConnectorServer
from tests.connectors.qbd_webconnector.support import CONNECTION, PASSWORD, USER, make_rig, request

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
AUTH = (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><authenticate xmlns="http://developer.intuit.com/">'
        f"<strUserName>{USER}</strUserName><strPassword>{PASSWORD}</strPassword></authenticate>"
        "</soap:Body></soap:Envelope>").encode()


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def test_start_serve_stop_leaves_no_thread_and_frees_the_port():
    before = _threads()
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    server = WebConnectorServer(rig.service).start()
    port = server.port
    assert server.running
    with httpx.Client() as client:  # a keep-alive connection stays open across the stop
        assert client.post(f"http://127.0.0.1:{port}/qbwc", content=AUTH).status_code == 200
        assert rig.service.sessions.live_count() == 1
        server.stop()
    assert not server.running
    assert _threads() - before == set()
    assert rig.service.sessions.live_count() == 0
    assert rig.source.closed[0][1] == "stopped"
    with socket.socket() as probe:  # nobody listens there any more (TIME_WAIT aside, as servers bind)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()
    server.stop()  # idempotent


def test_binds_loopback_by_default_and_url_is_localhost():
    with WebConnectorServer(make_rig().service) as server:
        assert server.host == "127.0.0.1"
        assert server.url() == f"http://localhost:{server.port}/qbwc"


def test_a_lan_address_without_a_certificate_is_refused():
    with pytest.raises(ValueError, match="HTTPS"):
        WebConnectorServer(make_rig().service, host="192.168.1.20")


def test_oversized_body_is_refused_before_reading():
    with (WebConnectorServer(make_rig().service) as server,
          socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw):
        raw.sendall(b"POST /qbwc HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 413")


def test_expect_100_continue_as_dotnet_sends_it():
    """The Web Connector's .NET HTTP stack sends 'Expect: 100-continue' and waits before the body."""
    with (WebConnectorServer(make_rig().service) as server,
          socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw):
        raw.sendall(b"POST /qbwc HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\n"
                    b'SOAPAction: "http://developer.intuit.com/authenticate"\r\nExpect: 100-continue\r\n'
                    + f"Content-Length: {len(AUTH)}\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 100")
        raw.sendall(AUTH)
        answer = b""
        while b"</soap:Envelope>" not in answer:
            chunk = raw.recv(4096)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200") and b"authenticateResult" in answer


def test_idle_connections_beyond_the_cap_are_turned_away():
    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.server import MAX_CONNECTIONS

    with WebConnectorServer(make_rig().service) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                for _ in range(MAX_CONNECTIONS)]
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as extra:
                assert extra.recv(10) == b""  # closed at once
        finally:
            for sock in idle:
                sock.close()
        gone = threading.Event()
        for _ in range(500):  # the server notices the closed sockets on its own threads
            if server.open_connections == 0:
                break
            gone.wait(0.01)
        assert server.open_connections == 0
        assert httpx.post(f"http://127.0.0.1:{server.port}/qbwc", content=AUTH).status_code == 200
