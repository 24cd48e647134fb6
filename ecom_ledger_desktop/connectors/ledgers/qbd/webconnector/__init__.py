"""The SOAP service the QuickBooks Web Connector calls: sessions, the HTTP(S) server, its certificate
and the .qwc file. qbXML passes through as opaque strings from an ``ExchangeSource``."""

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import (
    CloseReason,
    CompanyInfo,
    ExchangeSource,
    MemoryExchangeSource,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.server import WebConnectorServer
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import (
    ServiceSettings,
    WebConnectorAccount,
    WebConnectorService,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.signin import PASSWORD_KEY, issue_password
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.status import StatusBoard, WebConnectorStatus

__all__ = [
    "PASSWORD_KEY",
    "CloseReason",
    "CompanyInfo",
    "ExchangeSource",
    "MemoryExchangeSource",
    "ServiceSettings",
    "StatusBoard",
    "WebConnectorAccount",
    "WebConnectorServer",
    "WebConnectorService",
    "WebConnectorStatus",
    "issue_password",
]
