"""FreshBooks ledger connector: OAuth with rotating refresh tokens, error mapping, PushLedger.

Names load on first use, so reading the kind's declaration never imports httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.ledger import FreshBooksLedger
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens

_WHERE = {"FreshBooksFault": "faults", "FreshBooksLedger": "ledger",
          "FreshBooksTokens": "oauth"}

__all__ = ["FreshBooksFault", "FreshBooksLedger", "FreshBooksTokens"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
