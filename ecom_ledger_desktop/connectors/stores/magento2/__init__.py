"""Magento 2 / Adobe Commerce store connector (REST ``/rest/<store>/V1``).

Modules: ``client`` (``Magento2Store``), ``parse`` (order JSON -> canonical model), ``memos``
(credit memo JSON, the return-to-stock rule), ``taxes`` (per-rate and per-item tax,
tax-inclusive prices), ``payments`` (payments dated by their invoice, offline methods, gift
card / store credit / reward redemptions), ``context`` (the store's time zone and the invoices
of each page of orders), ``lines`` (configurable / bundle row rule), ``search``
(searchCriteria and the skip-proof keyset walk), ``errors`` (response classification),
``fields`` (typed reads with merchant-readable failures), ``checks`` ("Test connection"),
``kind`` (the connection kind's declaration: settings, builder, demo simulator).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
    from ecom_ledger_desktop.connectors.stores.magento2.errors import classify
    from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
    from ecom_ledger_desktop.connectors.stores.magento2.parse import parse_order

# loaded on first use: reading the connection kind (``kind``) must not pull in httpx
_WHERE = {"Magento2Store": "client", "classify": "errors", "parse_creditmemo": "memos",
          "parse_order": "parse"}
__all__ = ["Magento2Store", "classify", "parse_creditmemo", "parse_order"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
