"""The SOAP service the QuickBooks Web Connector calls: sessions, the HTTP(S) server, its certificate
and the .qwc file. qbXML passes through as opaque strings from an ``ExchangeSource``.

Wiring (what the app's core does; the journal-backed source is the pull-ledger slice)::

    password = issue_password(secret_store, "acme-books")        # shown once, typed into the Web Connector
    service = WebConnectorService([WebConnectorAccount("acme-qbwc", "acme-books")], secret_store,
                                  source, clock)                 # source: an ExchangeSource
    endpoint = WebConnectorEndpoint(service, EndpointSettings(), data_dir, clock)   # or lan_address=...
    endpoint.start()                                             # a background thread; endpoint.stop()
    qwc = build_qwc(QwcSettings(endpoint.url, "acme-qbwc", file_id, "Acme shop"))  # keep file_id
    service.status.describe("acme-books")   # "Web Connector last connected 3 h ago. QuickBooks busy: ..."
    endpoint.setup_lines()                  # address, certificate status, how to trust it

Modules: ``service`` (the operations), ``sessions`` (tickets), ``signin`` (password, pauses),
``status`` (what the app shows), ``soap`` (envelopes), ``server`` (HTTP(S) thread), ``endpoint``
(settings + certificate + server), ``certificates``, ``qwc``, ``exchange`` (the source protocol).
"""

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
