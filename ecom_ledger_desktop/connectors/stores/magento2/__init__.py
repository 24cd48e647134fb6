"""Magento 2 / Adobe Commerce store connector (REST ``/rest/<store>/V1``).

Modules: ``client`` (``Magento2Store``), ``parse`` (order JSON -> canonical model), ``memos``
(credit memo JSON, the return-to-stock rule), ``taxes`` (per-rate and per-item tax,
tax-inclusive prices), ``payments`` (payments dated by their invoice, offline methods, gift
card / store credit / reward redemptions), ``context`` (the store's time zone and the invoices
of each page of orders), ``lines`` (configurable / bundle row rule), ``search``
(searchCriteria and the skip-proof keyset walk), ``errors`` (response classification),
``fields`` (typed reads with merchant-readable failures), ``checks`` ("Test connection").
"""

from __future__ import annotations

from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
from ecom_ledger_desktop.connectors.stores.magento2.errors import classify
from ecom_ledger_desktop.connectors.stores.magento2.memos import parse_creditmemo
from ecom_ledger_desktop.connectors.stores.magento2.parse import parse_order

__all__ = ["Magento2Store", "classify", "parse_creditmemo", "parse_order"]
