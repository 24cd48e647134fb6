"""The PrestaShop connection kind: what the CLI, the app and the admin code know about it."""

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
from ecom_ledger_desktop.connectors.stores.prestashop.status import (
    StatusRule,
    parse_states,
    states_problem,
)

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import StoreConnector
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore


def _time_zone_problem(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "use an IANA time zone such as Europe/Paris, or leave it empty to use the shop's"
    return ""


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> StoreConnector:
    """A ``PrestaShopStore`` for ``config`` (httpx is imported only now)."""
    from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
    from ecom_ledger_desktop.connectors.stores.prestashop.context import ShopCache

    settings = config.settings
    cache = context.cached(("prestashop", config.name, settings.get("base_url", "")), ShopCache)
    include_tax = {"yes": True, "no": False}.get(settings.get("prices_include_tax", ""))
    rule = StatusRule(paid=parse_states(settings.get("paid_states", "")),
                      canceled=parse_states(settings.get("canceled_states", "")))
    return PrestaShopStore(require_setting(config, "base_url"),
                           require_secret(config, secrets, "ws_key"),
                           policy=context.policy, name=config.name,
                           timezone=settings.get("timezone") or None,
                           include_tax=include_tax, rule=rule,
                           gift_card_prefix=settings.get("gift_card_prefix") or "gift card",
                           cache=cache)


KIND = ConnectionKind(
    name="prestashop",
    role="store",
    system="PrestaShop",
    brand="PrestaShop",
    noun="shop",
    where_to_find_key=(
        "In the PrestaShop back office open Advanced Parameters › Webservice, make sure the "
        "webservice is enabled, and add a key: tick View (GET) for orders, order details, "
        "payments, credit slips, customers, addresses, currencies and the other resources "
        "'Test connection' lists, Add (POST) for customer threads and messages (the note with "
        "the ledger document number) and Modify (PUT) for stock availables if the books keep "
        "the stock. Copy the 32-character key here; it is kept in this computer's keychain, "
        "never in a file."),
    settings=(
        Setting("base_url", "Shop address", "https://shop.example.com", required=True, url=True,
                help="the shop's address (the Webservice is under /api)", cli_flag="--url"),
        Setting("ws_key", "Webservice key", "from Advanced Parameters › Webservice",
                secret=True, required=True, help="env var holding the Webservice key"),
        Setting("timezone", "Time zone", "read from the shop; or e.g. Europe/Paris",
                advanced=True, validate=_time_zone_problem,
                help="the shop's time zone (IANA); default: PrestaShop's PS_TIMEZONE"),
        Setting("paid_states", "Paid order states", "states flagged 'paid' (e.g. 2, 11)",
                advanced=True, validate=states_problem,
                help="order state ids or names that make an order paid and ready to post "
                     "(default: the states PrestaShop flags as paid, e.g. Payment accepted)"),
        Setting("canceled_states", "Cancelled order states", "Canceled (6)", advanced=True,
                validate=states_problem,
                help="order state ids or names that cancel an order (default: Canceled)"),
        Setting("gift_card_prefix", "Gift card vouchers start with", "gift card", advanced=True,
                help="cart rules whose name starts with this are gift cards redeemed, not "
                     "discounts; products named so are gift cards sold", default="gift card"),
        Setting("prices_include_tax", "Prices include tax", in_form=False, choices=("yes", "no"),
                help="yes or no (default: the customer group's price display)"),
    ),
    connects="key",
    builder="ecom_ledger_desktop.connectors.stores.prestashop.kind:build",
    demo_simulator="ecom_ledger_desktop.sandbox.prestashop:PrestaShopSimulator",
    advanced_caption="Time zone, order states and gift cards",
    order_summary="ecom_ledger_desktop.connectors.stores.prestashop.summary:order_summary",
    orders_in_back_office="Orders › Orders",
    offline_payments={"ps_checkpayment": "check", "ps_wirepayment": "bank wire",
                      "ps_cashondelivery": "cash on delivery"},
)
