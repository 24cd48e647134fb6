"""The endpoint as the core owns it: this computer only by default, HTTPS when the LAN is served."""

from __future__ import annotations

import os
import socket
import ssl
import stat
from datetime import UTC, datetime

import httpx
import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.certificates import (
    CertificateProblem,
    generate_self_signed,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.endpoint import (
    EndpointSettings,
    WebConnectorEndpoint,
    suggest_lan_address,
)
from ecom_ledger_desktop.core.clock import SystemClock
from tests.connectors.qbd_webconnector.support import make_rig


def _endpoint(tmp_path, **settings) -> WebConnectorEndpoint:
    settings_ = EndpointSettings(port=0, **settings)
    return WebConnectorEndpoint(make_rig().service, settings_, tmp_path, SystemClock())


def test_default_is_this_computer_only_over_http(tmp_path):
    with _endpoint(tmp_path) as endpoint:
        assert endpoint.url.startswith("http://localhost:")
        assert httpx.get(endpoint.url.replace("localhost", "127.0.0.1")).status_code == 200
        assert "Only a Web Connector on this computer" in "\n".join(endpoint.setup_lines())
    assert not endpoint.running
    assert not (tmp_path / "webconnector").exists()


def test_serving_the_lan_makes_a_private_certificate_and_serves_https(tmp_path):
    with _endpoint(tmp_path, lan_address="127.0.0.1", host_name="backoffice.local") as endpoint:
        info = endpoint.certificate
        assert info is not None and set(info.names) == {"backoffice.local", "127.0.0.1"}
        if os.name != "nt":
            assert stat.S_IMODE(info.key_path.stat().st_mode) == 0o600
        assert endpoint.url.startswith("https://backoffice.local:")
        port = endpoint.url.rsplit(":", 1)[1].split("/")[0]
        pinned = ssl.create_default_context(cafile=str(info.cert_path))
        with httpx.Client(verify=pinned) as client:
            assert client.get(f"https://127.0.0.1:{port}/qbwc").status_code == 200
        lines = "\n".join(endpoint.setup_lines())
        assert info.sha256 in lines and "Trusted Root Certification Authorities" in lines


def test_the_lan_address_of_this_computer(tmp_path):
    address = suggest_lan_address()
    if address is None:
        pytest.skip("this computer has no network address besides loopback")
    try:
        endpoint = _endpoint(tmp_path, lan_address=address)
        endpoint.start()
    except OSError as exc:
        pytest.skip(f"cannot bind {address}: {exc}")
    try:
        info = endpoint.certificate
        assert info is not None and info.names == (address,)
        pinned = ssl.create_default_context(cafile=str(info.cert_path))
        with httpx.Client(verify=pinned) as client:
            assert client.get(endpoint.url).status_code == 200
    finally:
        endpoint.stop()


def test_a_supplied_certificate_is_checked_before_serving(tmp_path):
    now = datetime.now(UTC)
    theirs = generate_self_signed(tmp_path / "theirs", ["elsewhere.local"], now)
    endpoint = _endpoint(tmp_path, lan_address="127.0.0.1", host_name="backoffice.local",
                         cert_file=str(theirs.cert_path), key_file=str(theirs.key_path))
    with pytest.raises(CertificateProblem, match="not for backoffice"):
        endpoint.start()
    assert not endpoint.running
    good = generate_self_signed(tmp_path / "good", ["backoffice.local"], now)
    with _endpoint(tmp_path, lan_address="127.0.0.1", host_name="backoffice.local",
                   cert_file=str(good.cert_path), key_file=str(good.key_path)) as endpoint:
        assert endpoint.certificate is not None and endpoint.certificate.sha256 == good.sha256


def test_every_interface_needs_a_host_name(tmp_path):
    with pytest.raises(CertificateProblem, match="computer name"):
        _endpoint(tmp_path, lan_address="0.0.0.0").start()  # noqa: S104


def test_a_port_in_use_is_said_plainly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        endpoint = WebConnectorEndpoint(make_rig().service, EndpointSettings(port=taken.getsockname()[1]),
                                        tmp_path, SystemClock())
        with pytest.raises(OSError, match="choose another port"):
            endpoint.start()


def test_stopping_with_an_open_https_connection_leaves_no_thread(tmp_path):
    import threading

    before = set(threading.enumerate())
    endpoint = _endpoint(tmp_path, lan_address="127.0.0.1")
    endpoint.start()
    info = endpoint.certificate
    assert info is not None
    port = endpoint.url.rsplit(":", 1)[1].split("/")[0]
    with httpx.Client(verify=ssl.create_default_context(cafile=str(info.cert_path))) as client:
        assert client.get(f"https://127.0.0.1:{port}/qbwc").status_code == 200  # kept alive
        endpoint.stop()
    assert set(threading.enumerate()) - before == set()
