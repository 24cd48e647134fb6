"""The Magento 2 connection kind: what the CLI, the app and the admin code know about it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_ledger_desktop.connectors.kinds import (
    BuildContext,
    ConnectionKind,
    Setting,
    require_secret,
    require_setting,
)

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import StoreConnector
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore


def _time_zone_problem(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "use an IANA time zone such as America/New_York, or leave it empty to use the store's"
    return ""


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> StoreConnector:
    """A ``Magento2Store`` for ``config`` (httpx is imported only now)."""
    from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
    from ecom_ledger_desktop.connectors.stores.magento2.context import StoreCache

    settings = config.settings
    cache = context.cached(("magento2", config.name, settings.get("base_url", ""),
                            settings.get("store_code", "")), StoreCache)
    include_tax = {"yes": True, "no": False}.get(settings.get("prices_include_tax", ""))
    return Magento2Store(require_setting(config, "base_url"),
                         require_secret(config, secrets, "token"),
                         store_code=settings.get("store_code", "default"),
                         policy=context.policy, name=config.name,
                         timezone=settings.get("timezone") or None,
                         prices_include_tax=include_tax,
                         restock=settings.get("refund_restock") or "auto",
                         cache=cache)


KIND = ConnectionKind(
    name="magento2",
    role="store",
    system="Magento 2",
    brand="Magento",
    noun="store",
    where_to_find_key=(
        "Create an integration in the Magento admin (System › Integrations), give it access to "
        "Sales and Catalog, activate it and copy its access token here. The token is kept in "
        "this computer's keychain, never in a file."),
    settings=(
        Setting("base_url", "Shop address", "https://shop.example.com", required=True, url=True,
                help="the shop's base URL", cli_flag="--url"),
        Setting("store_code", "Store code", "default", help="the store view code",
                default="default", save_default=True),
        Setting("timezone", "Time zone", "read from the store; or e.g. America/New_York",
                advanced=True, validate=_time_zone_problem,
                help="the store's time zone (IANA, e.g. America/New_York); default: read from "
                     "Magento's store configuration"),
        Setting("token", "Access token", "from System › Integrations in the Magento admin",
                secret=True, required=True,
                help="env var holding the integration access token"),
        # yes/no (else guessed from the orders); auto/always/never: see magento2/memos.py
        Setting("prices_include_tax", "Prices include tax", in_form=False, choices=("yes", "no"),
                help="yes or no: whether catalogue prices include tax (default: guessed)"),
        Setting("refund_restock", "Refunds restock", in_form=False,
                choices=("auto", "always", "never"),
                help="auto, always or never: whether a refund puts items back in stock"),
    ),
    connects="key",
    builder="ecom_ledger_desktop.connectors.stores.magento2.kind:build",
    demo_simulator="ecom_ledger_desktop.sandbox.magento2:Magento2Simulator",
    advanced_caption="Time zone (only when the store's own setting is wrong)",
    order_summary="ecom_ledger_desktop.connectors.stores.magento2.summary:order_summary",
    orders_in_back_office="Sales › Orders",
    offline_payments={"checkmo": "check / money order", "banktransfer": "bank transfer",
                      "cashondelivery": "cash on delivery", "purchaseorder": "purchase order"},
)
