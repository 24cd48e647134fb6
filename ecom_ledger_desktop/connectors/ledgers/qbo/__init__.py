"""QuickBooks Online ledger connector: OAuth, fault classification, REST client, PushLedger.

The names are loaded on first use: OAuth pulls in authlib and cryptography (about 30 MB), which an
app without a QuickBooks connection never needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient
    from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault, TokenExpired, classify
    from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger
    from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
    from ecom_ledger_desktop.connectors.ledgers.qbo.posted import TotalMismatchError

_WHERE = {"QboClient": "client", "QboFault": "faults", "TokenExpired": "faults",
          "classify": "faults", "QboLedger": "ledger", "TotalMismatchError": "posted",
          "QboTokens": "oauth"}

__all__ = ["QboClient", "QboFault", "QboLedger", "QboTokens", "TokenExpired", "TotalMismatchError",
           "classify"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
