"""The HTTPS certificate of the Web Connector endpoint on a LAN address.

The app makes a self-signed certificate for the address (kept 0600 in the data folder) or checks
one the user supplies (it must match its key, be valid now and name the address). The Web
Connector trusts it only once it is imported on the QuickBooks computer: ``trust_steps`` says how.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ecom_ledger_desktop.core.paths import private_dir, private_file

CERT_NAME = "qbwc-endpoint.pem"
KEY_NAME = "qbwc-endpoint.key"
WINDOWS_CERT_NAME = "qbwc-endpoint.cer"
VALIDITY_DAYS = 825  # long enough not to bother the merchant often, short of the 27-month norm
RENEW_BEFORE_DAYS = 30


class CertificateProblem(Exception):
    """The certificate cannot serve this address; ``str()`` says what to do."""


@dataclass(frozen=True)
class CertificateInfo:
    """What the app shows about the endpoint's certificate."""

    cert_path: Path
    key_path: Path
    names: tuple[str, ...]
    not_after: datetime
    sha256: str  # colon-separated fingerprint, to compare on the QuickBooks computer
    self_signed: bool

    def status(self, now: datetime) -> str:
        """One line: for which names, until when."""
        days = (self.not_after - now).days
        kind = "self-signed" if self.self_signed else "supplied"
        return (f"HTTPS certificate ({kind}) for {', '.join(self.names)}, valid until "
                f"{self.not_after:%Y-%m-%d} ({days} days)")


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def generate_self_signed(folder: Path, names: list[str], now: datetime) -> CertificateInfo:
    """A new key and self-signed certificate for ``names`` (host names and/or IP addresses)."""
    if not names:
        raise CertificateProblem("Give the address or computer name the Web Connector will call.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # what older Windows trusts
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ecom-ledger-desktop Web Connector service"),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALIDITY_DAYS))
        .add_extension(_san(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    private_dir(folder)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    _write_private(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return _info(cert, cert_path, key_path)


def _write_private(path: Path, data: bytes) -> None:
    private_file(path)
    path.write_bytes(data)


def check_certificate(cert_path: Path, key_path: Path, name: str, now: datetime) -> CertificateInfo:
    """Check a certificate and key for serving ``name``; raise ``CertificateProblem`` in plain words."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        raise CertificateProblem(f"The file {cert_path.name} is not a PEM certificate: choose the "
                                 "certificate file (.pem or .crt).") from None
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        raise CertificateProblem(f"The file {key_path.name} is not an unencrypted PEM private key: choose "
                                 "the key that belongs to the certificate.") from None
    own = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    theirs = cert.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    if own != theirs:
        raise CertificateProblem("The private key does not belong to this certificate: choose the matching "
                                 "key file.")
    if now < cert.not_valid_before_utc:
        raise CertificateProblem(f"The certificate is not valid before {cert.not_valid_before_utc:%Y-%m-%d}.")
    if now >= cert.not_valid_after_utc:
        raise CertificateProblem(f"The certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}: renew it "
                                 "or let the app make one.")
    info = _info(cert, cert_path, key_path)
    if not _covers(info.names, name):
        raise CertificateProblem(f"The certificate is for {', '.join(info.names) or 'no name'}, not for "
                                 f"{name}: the Web Connector would refuse it.")
    return info


def ensure_certificate(folder: Path, names: list[str], now: datetime) -> CertificateInfo:
    """The app's own certificate for ``names``: the kept one while it is good, else a new one."""
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if cert_path.exists() and key_path.exists():
        try:
            info = check_certificate(cert_path, key_path, names[0], now)
        except CertificateProblem:
            pass
        else:
            fresh = info.not_after - now > timedelta(days=RENEW_BEFORE_DAYS)
            if fresh and all(_covers(info.names, n) for n in names):
                return info
    return generate_self_signed(folder, names, now)


def _covers(names: tuple[str, ...], wanted: str) -> bool:
    wanted = wanted.lower().strip("[]")
    for given in names:
        name = given.lower()
        if name == wanted:
            return True
        if name.startswith("*.") and "." in wanted and wanted.split(".", 1)[1] == name[2:]:
            return True
    return False


def _info(cert: x509.Certificate, cert_path: Path, key_path: Path) -> CertificateInfo:
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [*san.get_values_for_type(x509.DNSName),
                 *(str(ip) for ip in san.get_values_for_type(x509.IPAddress))]
    except x509.ExtensionNotFound:
        pass  # modern clients ignore the common name; a certificate without SAN names nothing
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateInfo(cert_path, key_path, tuple(names), cert.not_valid_after_utc,
                           ":".join(digest[i:i + 2] for i in range(0, len(digest), 2)),
                           cert.issuer == cert.subject)


def export_for_windows(info: CertificateInfo, target: Path) -> Path:
    """The certificate (public part only) as a DER ``.cer`` file to copy to the QuickBooks computer."""
    cert = x509.load_pem_x509_certificate(info.cert_path.read_bytes())
    target.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    return target


def server_context(info: CertificateInfo) -> ssl.SSLContext:
    """A TLS 1.2+ server context with this certificate and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(info.cert_path), str(info.key_path))
    return context


def trust_steps(info: CertificateInfo, url: str) -> str:
    """Plain instructions for trusting a self-signed certificate on the QuickBooks computer."""
    if not info.self_signed:
        return (f"The Web Connector will call {url}. Your certificate must be trusted on the QuickBooks "
                "computer (it is if a certificate authority it trusts issued it).")
    return "\n".join([
        f"The Web Connector will call {url} over HTTPS. Windows must trust this app's certificate first:",
        f"1. Copy the file {WINDOWS_CERT_NAME} (use 'Save certificate') to the QuickBooks computer.",
        "2. Double-click it, choose 'Install Certificate…', 'Local Machine', then 'Place all certificates "
        "in the following store' and pick 'Trusted Root Certification Authorities'.",
        f"3. Check that the fingerprint Windows shows (SHA-256) is {info.sha256}.",
        "4. Restart the Web Connector, then add the .qwc file.",
        "Without this the Web Connector stops with QBWC1048 (it could not verify the certificate).",
    ])
