"""The endpoint's HTTPS certificate: made for the LAN address, kept private, checked when supplied,
and trusted by a client pinned to it."""

from __future__ import annotations

import os
import ssl
import stat
import warnings
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import WebConnectorServer
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.certificates import (
    CertificateProblem,
    check_certificate,
    ensure_certificate,
    export_for_windows,
    generate_self_signed,
    server_context,
    trust_steps,
)
from tests.connectors.qbd_webconnector.support import CONNECTION, PASSWORD, USER, make_rig, request

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certs")
    return generate_self_signed(folder, ["127.0.0.1", "backoffice.local"], NOW)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_files_are_private_and_name_the_addresses(made):
    for path in (made.cert_path, made.key_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made.names == ("backoffice.local", "127.0.0.1")
    assert made.self_signed and timedelta(days=700) < made.not_after - NOW < timedelta(days=900)
    assert "valid until" in made.status(NOW)


def test_kept_certificate_is_reused_and_renewed_near_expiry(tmp_path):
    folder = tmp_path
    made = ensure_certificate(folder, ["backoffice.local"], NOW)
    assert ensure_certificate(folder, ["backoffice.local"], NOW).sha256 == made.sha256
    later = made.not_after - timedelta(days=10)
    renewed = ensure_certificate(folder, ["backoffice.local"], later)
    assert renewed.sha256 != made.sha256 and renewed.not_after > made.not_after


def test_a_new_address_gets_a_new_certificate(tmp_path):
    first = ensure_certificate(tmp_path, ["192.168.1.20"], NOW)
    second = ensure_certificate(tmp_path, ["192.168.1.30"], NOW)
    assert first.sha256 != second.sha256 and second.names == ("192.168.1.30",)


def test_supplied_certificate_checks(tmp_path, made):
    other = generate_self_signed(tmp_path, ["elsewhere.local"], NOW)
    with pytest.raises(CertificateProblem, match="does not belong"):
        check_certificate(made.cert_path, other.key_path, "backoffice.local", NOW)
    with pytest.raises(CertificateProblem, match=r"not for backoffice\.local"):
        check_certificate(other.cert_path, other.key_path, "backoffice.local", NOW)
    with pytest.raises(CertificateProblem, match="expired"):
        check_certificate(made.cert_path, made.key_path, "backoffice.local", NOW + timedelta(days=1000))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(CertificateProblem, match="not a PEM certificate"):
        check_certificate(garbage, made.key_path, "backoffice.local", NOW)
    assert check_certificate(made.cert_path, made.key_path, "BACKOFFICE.local", NOW).sha256 == made.sha256


def test_windows_export_and_trust_steps(tmp_path, made):
    cer = export_for_windows(made, tmp_path / "qbwc-endpoint.cer")
    assert x509.load_der_x509_certificate(cer.read_bytes()).fingerprint is not None
    steps = trust_steps(made, "https://backoffice.local:8443/qbwc")
    assert made.sha256 in steps and "Trusted Root Certification Authorities" in steps and "QBWC1048" in steps


def test_https_with_the_generated_certificate_verified_by_a_pinned_client(tmp_path):
    # TLS checks the certificate against the wall clock
    made = generate_self_signed(tmp_path, ["127.0.0.1", "backoffice.local"], datetime.now(UTC))
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    body = (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><authenticate xmlns="http://developer.intuit.com/">'
            f"<strUserName>{USER}</strUserName><strPassword>{PASSWORD}</strPassword></authenticate>"
            "</soap:Body></soap:Envelope>").encode()
    with WebConnectorServer(rig.service, tls=server_context(made)) as server:
        url = f"https://127.0.0.1:{server.port}/qbwc"
        assert server.url("backoffice.local") == f"https://backoffice.local:{server.port}/qbwc"
        pinned = ssl.create_default_context(cafile=str(made.cert_path))
        with httpx.Client(verify=pinned) as client:
            reply = client.post(url, content=body)
        assert reply.status_code == 200 and b"authenticateResult" in reply.content
        with pytest.raises(httpx.ConnectError), httpx.Client(verify=True) as untrusting:
            untrusting.post(url, content=body)  # not trusted: what QBWC1048 looks like
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.load_verify_locations(cafile=str(made.cert_path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        with pytest.raises(httpx.ConnectError), httpx.Client(verify=old) as outdated:
            outdated.post(url, content=body)  # TLS below 1.2 is refused
