"""A Web Connector service wired for tests: an in-memory source and keyring, a manual clock."""

from __future__ import annotations

from dataclasses import dataclass

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import (
    PASSWORD_KEY,
    MemoryExchangeSource,
    ServiceSettings,
    WebConnectorAccount,
    WebConnectorService,
)
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.secrets.store import MemorySecretStore

USER = "acme-qbwc"
PASSWORD = "correct horse battery staple"
CONNECTION = "acme-books"
COMPANY_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Acme.QBW"


def request(n: int) -> str:
    """A stand-in qbXML request (the service treats qbXML as opaque text)."""
    return (f'<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq '
            f'onError="stopOnError"><CustomerQueryRq requestID="{n}"><FullName>Jane &amp; Co {n}</FullName>'
            "</CustomerQueryRq></QBXMLMsgsRq></QBXML>")


@dataclass
class Rig:
    service: WebConnectorService
    source: MemoryExchangeSource
    secrets: MemorySecretStore
    clock: ManualClock


def make_rig(settings: ServiceSettings | None = None, company_file: str = "") -> Rig:
    clock = ManualClock()
    secrets = MemorySecretStore()
    secrets.set(CONNECTION, PASSWORD_KEY, PASSWORD)
    source = MemoryExchangeSource()
    service = WebConnectorService([WebConnectorAccount(USER, CONNECTION, company_file)], secrets, source,
                                  clock, settings or ServiceSettings())
    return Rig(service, source, secrets, clock)
