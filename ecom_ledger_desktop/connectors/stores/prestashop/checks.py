""""Test connection" for PrestaShop: the key, one line per resource permission, the shop's time
zone and currency, in plain words.

``GET /api/`` lists what the key may do per resource (``get="true" put="false"``...): every
resource the sync reads needs GET; the note needs POST on customer_threads and
customer_messages; stock write-back needs PUT on stock_availables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from defusedxml import ElementTree

from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.stores.prestashop.errors import WHERE_KEY, lacks
from ecom_ledger_desktop.core.errors import SyncError

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore

#: resource -> (methods, what for)
NEEDED: dict[str, tuple[tuple[str, ...], str]] = {
    "orders": (("GET",), "reading orders"),
    "order_details": (("GET",), "order lines and their tax"),
    "order_payments": (("GET",), "payments"),
    "order_cart_rules": (("GET",), "coupons and gift cards used"),
    "order_slip": (("GET",), "refunds (credit slips)"),
    "order_states": (("GET",), "order statuses"),
    "customers": (("GET",), "buyers"),
    "addresses": (("GET",), "addresses"),
    "currencies": (("GET",), "currencies"),
    "configurations": (("GET",), "the shop's time zone and currency"),
    "taxes": (("GET",), "tax rates"),
    "groups": (("GET",), "whether prices include tax"),
    "countries": (("GET",), "countries"),
    "states": (("GET",), "states"),
    "customer_threads": (("GET", "POST"), "the note with the ledger document number"),
    "customer_messages": (("GET", "POST"), "the note with the ledger document number"),
    "products": (("GET",), "stock write-back"),
    "combinations": (("GET",), "stock write-back of variants"),
    "stock_availables": (("GET", "PUT"), "stock write-back"),
}


def run(store: PrestaShopStore) -> list[CheckResult]:
    """Every line of the report."""
    try:
        response = store.request("GET", "", once=True)
    except SyncError as error:
        return [CheckResult("Webservice key", False, str(error))]
    version = response.headers.get("PSWS-Version", "")
    lines = [CheckResult("Webservice key", True, f"accepted by {store.base_url}"
                         + (f" (PrestaShop {version})" if version else ""))]
    try:
        api = ElementTree.fromstring(response.content).find("api")
    except Exception:  # defusedxml raises several kinds
        api = None
    if api is None:
        return [*lines, CheckResult("Permissions", False, "PrestaShop did not list what the key "
                                    f"may do; check the key in {WHERE_KEY}.")]
    for resource, (methods, purpose) in NEEDED.items():
        granted = api.find(resource)
        missing = [m for m in methods
                   if granted is None or granted.get(m.lower()) != "true"]
        if missing:
            lines.append(CheckResult(f"Access to {resource}", False,
                                     f"{lacks(missing[0], resource)} (needed for {purpose})"))
        else:
            lines.append(CheckResult(f"Access to {resource}", True, purpose))
    try:
        zone = store.facts.zone_name
        currency = store.facts.default_currency
    except SyncError as error:
        return [*lines, CheckResult("Time zone", False, str(error))]
    source = "the connection's setting" if store.facts.override else "PrestaShop's PS_TIMEZONE"
    lines.append(CheckResult("Time zone", True, f"{zone} (from {source}); orders are dated in it"))
    lines.append(CheckResult("Currency", True, f"the shop's default currency is {currency}"))
    return lines
