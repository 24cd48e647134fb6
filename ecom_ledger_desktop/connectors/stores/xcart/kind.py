"""The X-Cart connection kind: what the CLI, the app and the admin code know about it."""

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



def _zone_problem(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "use an IANA time zone such as America/New_York, or leave it empty to use the shop's"
    return ""


def _ready_problem(value: str) -> str:
    codes = [c.strip() for c in value.split(",") if c.strip()]
    wrong = [c for c in codes if not (c.isalnum() and c.isupper() and len(c) <= 4)]
    if not codes or wrong:
        return ("list X-Cart payment status codes separated by commas (P = Paid, A = Authorized, "
                "PP = Partially paid, or a code of your own), e.g. P")
    return ""


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext
          ) -> StoreConnector:
    """An ``XCartStore`` for ``config`` (httpx is imported only now)."""
    from ecom_ledger_desktop.connectors.stores.xcart.client import XCartStore

    settings = config.settings
    ready = tuple(c.strip() for c in (settings.get("ready_statuses") or "P").split(",")
                  if c.strip())
    gift_cards = frozenset(s.strip() for s in (settings.get("gift_card_skus") or "").split(",")
                           if s.strip())
    return XCartStore(require_setting(config, "base_url"),
                      require_secret(config, secrets, "api_key"),
                      version=settings.get("api_version") or "auto",
                      timezone=settings.get("timezone") or None, ready_statuses=ready,
                      gift_card_skus=gift_cards,
                      restock=settings.get("refund_restock") == "always",
                      policy=context.policy, name=config.name)


KIND = ConnectionKind(
    name="xcart",
    role="store",
    system="X-Cart",
    brand="X-Cart",
    noun="store",
    where_to_find_key=(
        "X-Cart 5.0-5.4: install the free REST API add-on (My add-ons), open its Settings and copy "
        "the read/write API key here (the read-only key can read orders but cannot write notes or "
        "stock). X-Cart 5.5 and later: Settings › API, create a read/write key. The key is kept in "
        "this computer's keychain, never in a file."),
    settings=(
        Setting("base_url", "Shop address", "https://shop.example.com", required=True, url=True,
                help="the shop's address (where admin.php is)", cli_flag="--url"),
        Setting("api_version", "API version", "auto", choices=("auto", "5.4", "5.5"),
                default="auto", save_default=True,
                help="auto (detect), 5.4 (the REST API add-on of X-Cart 5.0-5.4) or 5.5 (the "
                     "API of X-Cart 5.5 and later)"),
        Setting("timezone", "Time zone", "read from the shop; or e.g. America/New_York",
                advanced=True, validate=_zone_problem,
                help="the shop's time zone (IANA); default: read from X-Cart (5.x), needed for "
                     "5.5 and later"),
        Setting("ready_statuses", "Statuses that make an order ready", "P", advanced=True,
                default="P", validate=_ready_problem,
                help="payment status codes that make an order ready for the books, comma-"
                     "separated (P = Paid; add A to book authorized orders)"),
        Setting("gift_card_skus", "Gift certificate SKUs", "e.g. GIFT-25, GIFT-50", advanced=True,
                help="SKUs of the gift certificates the shop sells, comma-separated: booked as "
                     "money owed to the holder, not as sales"),
        Setting("refund_restock", "Refunds restock", in_form=False, choices=("always", "never"),
                help="always or never (default): whether the goods of an order refunded whole "
                     "are back in stock (X-Cart does not record it)"),
        Setting("api_key", "API key", "from the REST API settings in the X-Cart admin",
                secret=True, required=True, help="env var holding the read/write REST API key"),
    ),
    connects="key",
    builder="ecom_ledger_desktop.connectors.stores.xcart.kind:build",
    demo_simulator="ecom_ledger_desktop.sandbox.xcart:XCartSimulator",
    advanced_caption="Time zone, statuses that make an order ready, gift certificates",
    order_summary="ecom_ledger_desktop.connectors.stores.xcart.summary:order_summary",
    orders_in_back_office="Orders › Orders list",
    offline_payments={"Check": "check", "WireTransfer": "wire transfer", "COD": "cash on delivery",
                      "PhoneOrdering": "phone ordering", "PurchaseOrder": "purchase order",
                      "MoneyOrdering": "money order"},
)
