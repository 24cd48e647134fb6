"""QuickBooks Online ledger connector: OAuth, fault classification, REST client, PushLedger."""

from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault, TokenExpired, classify
from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger, TotalMismatchError
from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens

__all__ = ["QboClient", "QboFault", "QboLedger", "QboTokens", "TokenExpired", "TotalMismatchError",
           "classify"]
