""""Test connection" for X-Cart, in plain words: reached, API version, key (read, write),
time zone and currency, each with the fix when it fails."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.stores.xcart.errors import (
    KEY_HELP,
    KeyRefusedError,
    NotFoundError,
    ReadOnlyKeyError,
    XCartRequestError,
)
from ecom_ledger_desktop.connectors.stores.xcart.transport import Transport
from ecom_ledger_desktop.core.errors import RetriableError, SyncError

CURRENCY_CODES = {"840": "USD", "978": "EUR", "826": "GBP", "124": "CAD", "36": "AUD",
                  "392": "JPY"}
NOT_TRIED = "Not tried: the shop could not be reached or refused the key."


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def shop_config(api: Transport) -> dict[str, str]:
    """``time_zone`` and ``shop_currency`` from the 5.x add-on's ``config`` (5.5: none)."""
    if api.resolve() == "5.5":
        return {}
    rows = api.rest_get("config")
    out: dict[str, str] = {}
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, Mapping) and row.get("name") in ("time_zone", "shop_currency"):
            out[str(row["name"])] = str(row.get("value") or "")
    return out


def tax_rates(api: Transport) -> dict[str, Decimal]:
    """``CDEV_STAX_<rate id>`` / ``CDEV_VAT_<rate id>`` -> percent, from the Sales tax and VAT
    add-ons' ``tax`` entities (5.x); empty when neither answers (5.5, add-on not installed):
    percents are then worked out from the amounts."""
    if api.resolve() == "5.5":
        return {}
    out: dict[str, Decimal] = {}
    for path, prefix in (("cdev-salestax-tax", "CDEV_STAX"), ("cdev-vat-tax", "CDEV_VAT")):
        try:
            taxes = api.rest_get(path)
        except (XCartRequestError, NotFoundError):
            continue
        for tax in taxes if isinstance(taxes, list) else []:
            for rate in (tax.get("rates") or []) if isinstance(tax, Mapping) else []:
                if isinstance(rate, Mapping) and rate.get("type", "p") == "p" and \
                        isinstance(rate.get("value"), int | Decimal):
                    out[f"{prefix}_{rate.get('id')}"] = Decimal(rate["value"])
    return out


def _write_probe(api: Transport) -> CheckResult:
    """A change that cannot change anything: a PUT on order 0, which does not exist."""
    try:
        if api.version == "5.5":
            api.api_put("/api/orders/0", {}, once=True)
        else:
            api.rest_put("order/0", [("model[adminNotes]", "")], once=True)
    except ReadOnlyKeyError:
        return CheckResult("Key can write notes and stock", False,
                           "This is the read-only key: orders can be read but notes and stock "
                           f"cannot be written. {KEY_HELP}.")
    except (XCartRequestError, NotFoundError):
        pass  # "no such order": the key may write
    except SyncError as error:
        return CheckResult("Key can write notes and stock", False, str(error))
    return CheckResult("Key can write notes and stock", True, "The key is the read/write key.")


def run(api: Transport, override: str | None) -> list[CheckResult]:
    try:
        version = api.resolve(once=True)
    except KeyRefusedError as refused:
        return [CheckResult("Reached the shop", True, f"{api.base_url} answered."),
                CheckResult("API key accepted", False, str(refused)),
                CheckResult("Can read orders", False, NOT_TRIED)]
    except (RetriableError, SyncError) as error:
        return [CheckResult("Reached the shop", False,
                            f"Could not reach {api.base_url}: {error}. Check the address and "
                            "that the shop is online."),
                CheckResult("API key accepted", False, NOT_TRIED)]
    words = ("X-Cart 5.5 or later (the built-in API)" if version == "5.5"
             else "X-Cart 5.0-5.4 (the REST API add-on)")
    lines = [CheckResult("Reached the shop", True, f"{api.base_url} answered."),
             CheckResult("API version", True, f"This shop speaks {words}.")]
    try:
        if version == "5.5":
            api.api_get("/api/orders", [("itemsPerPage", "1")], once=True)
        else:
            api.rest_get("order", [("_cnd[limit][0]", "0"), ("_cnd[limit][1]", "1")], once=True)
        lines.append(CheckResult("API key accepted", True, "Orders can be read."))
    except SyncError as error:
        lines.append(CheckResult("API key accepted", False, str(error)))
        return lines
    lines.append(_write_probe(api))
    config = {}
    try:
        config = shop_config(api)
    except SyncError:
        config = {}
    zone = config.get("time_zone", "")
    if override:
        lines.append(CheckResult("Time zone", True, f"Using {override} (set on this connection)."
                                 + (f" The shop says {zone}." if zone and zone != override
                                    else "")))
    elif zone and valid_zone(zone):
        lines.append(CheckResult("Time zone", True, f"The shop's time zone is {zone}; orders are "
                                 "dated in it."))
    else:
        lines.append(CheckResult("Time zone", False, (
            "The shop's time zone cannot be read through this API; orders are dated by the UTC "
            "offset each one carries, which is right unless the offset is not whole hours. Set "
            "the shop's time zone (e.g. America/New_York) in this connection's settings.")))
    currency = CURRENCY_CODES.get(config.get("shop_currency", ""), config.get("shop_currency", ""))
    lines.append(CheckResult("Currency", True, (
        f"The shop bills in {currency}; orders shown in another currency (MultiCurrency) are "
        "booked in it." if currency else "Each order says its currency; X-Cart bills in the "
        "shop's currency.")))
    return lines

