"""PrestaShop Webservice store connector (``/api``, 1.7 and 8.x).

Modules: ``client`` (``PrestaShopStore``), ``listing`` (the skip-proof ``date_upd`` walk),
``parse`` (order JSON -> canonical model), ``slips`` (credit slips -> refunds), ``context`` (the
shop's time zone, currencies, states, taxes, groups), ``status`` (the paid / cancelled rule),
``writes`` (the note and stock, XML built with lxml), ``errors`` (XML/JSON error bodies ->
taxonomy), ``fields`` (typed reads with merchant-readable failures), ``checks`` ("Test
connection"), ``kind`` (the connection kind's declaration).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore

_WHERE = {"PrestaShopStore": "client"}
__all__ = ["PrestaShopStore"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
