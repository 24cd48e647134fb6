"""Items for lines that are not products: gift cards, redemptions, rounding, adjustments, fees.

A gift card *sold* is money owed to the card holder, not revenue, and a gift card / store credit /
reward redemption uses that debt up; both post to one item whose account is the "Gift Card
Liability" (Other Current Liability), so the liability nets to zero across sale and use. When the
named item is missing it is created (a Service item on that account) only if the pair's
unmapped-item policy allows creating items; otherwise the line is flagged in plain words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.connectors.ledgers.qbo.lookups import QboLookups
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountSpec:
    """The account a created item books to (found by name, else created)."""

    name: str
    account_type: str
    sub_type: str


GIFT_CARD_LIABILITY = AccountSpec("Gift Card Liability", "Other Current Liability",
                                  "OtherCurrentLiabilities")
#: line kind -> (what it is, in words; the account its item books to, None = the income account)
LINE_KINDS: dict[str, tuple[str, AccountSpec | None]] = {
    "gift_card": ("a gift card sold", GIFT_CARD_LIABILITY),
    "redemption": ("a gift card, store credit or reward redemption", GIFT_CARD_LIABILITY),
    "rounding": ("the store's rounding", None),
    "adjustment": ("an extra amount refunded", None),
    "fee": ("a fee kept back on a refund", None),
    "unreturned": ("goods refunded but not returned to stock", None),
}


def ensure_line_item(lookups: QboLookups, kind: str, name: str, create: bool,
                     request_id: str) -> str:
    """The Id of the item ``name`` for a ``kind`` line; created when ``create`` allows it."""
    try:
        return lookups.resolve_name("item", name)
    except RecordError as missing:
        if missing.problem.code != "missing_reference":
            raise
    what, account = LINE_KINDS.get(kind, ("this line", None))
    if not create:
        where = (f"a Service item on an Other Current Liability account such as "
                 f"'{account.name}'" if account else "an item on an income account")
        raise RecordError(RecordProblem(
            "missing_reference",
            f"There is no item called '{name}' in QuickBooks for {what}. Create it in QuickBooks "
            f"as {where}, or let items be created (rules set PAIR unmapped_sku_policy "
            "create_item), then retry.",
            [Fix("create_item", f"Create '{name}' in QuickBooks"),
             Fix("edit_field", "Choose another item in the posting rules"),
             Fix("retry", "Retry")], detail=name))
    account_id = (_ensure_account(lookups, account, request_id) if account is not None
                  else lookups.resolve_name("account", lookups.income_account))
    body: dict[str, Any] = {"Name": mapping.clean_name(name, mapping.ITEM_NAME_MAX),
                            "Type": "Service", "IncomeAccountRef": {"value": account_id},
                            "Description": what[0].upper() + what[1:]}
    try:
        created = lookups.client.create("Item", body, f"{request_id}:item")
    except QboFault as fault:
        raise fault.about(f"item '{name}'") from None
    log.info("created QuickBooks item %s for %s lines", created.get("Id"), kind)
    lookups.names[("item", name)] = str(created["Id"])
    return str(created["Id"])


def _ensure_account(lookups: QboLookups, spec: AccountSpec, request_id: str) -> str:
    try:
        return lookups.resolve_name("account", spec.name)
    except RecordError as missing:
        if missing.problem.code != "missing_reference":
            raise
    body = {"Name": spec.name, "AccountType": spec.account_type, "AccountSubType": spec.sub_type}
    try:
        created = lookups.client.create("Account", body, f"{request_id}:account")
    except QboFault as fault:
        raise fault.about(f"account '{spec.name}'") from None
    lookups.names[("account", spec.name)] = str(created["Id"])
    return str(created["Id"])
