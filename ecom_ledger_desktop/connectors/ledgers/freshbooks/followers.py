"""FreshBooks items and clients that follow the store (the ``catalog_sync`` and
``customer_details_sync`` rules).

Items: a store product without an item (by SKU) gets one; a name or price that changed is
updated; a product the store removed or disabled is archived (``vis_state`` 2, FreshBooks'
"inactive"; never deleted), and one sold again is made active again.

Client details (address and phone): the client's note keeps what ecom-ledger last wrote, as a
fingerprint of those details and the store time they are from. Details still equal to that
fingerprint were not edited in FreshBooks, so a newer store record replaces them. Details that
differ from it were edited in FreshBooks (at the client's ``updated`` time, naive US/Eastern): a
store record newer than that edit replaces them (last writer wins); an older one leaves them
alone and the difference goes to the error queue.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.base import CatalogOutcome
from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
from ecom_ledger_desktop.connectors.ledgers.freshbooks.lookups import _address
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.commerce import Product
from ecom_ledger_desktop.models.ledger import LedgerCustomer

EASTERN = ZoneInfo("America/New_York")
ACTIVE, ARCHIVED = 0, 2
DETAIL_FIELDS = ("bus_phone", "p_street", "p_street2", "p_city", "p_province", "p_code",
                 "p_country")
MARK = re.compile(r"\[store details (?P<fp>[0-9a-f]{10}) as of (?P<at>[0-9T:+\-.Z]+)\]")


# -- items --------------------------------------------------------------------------------------
def sync_items(client: FreshBooksClient, products: list[Product], removed: list[str],
               currency: str) -> CatalogOutcome:
    """Items in step with ``products``; ``removed`` SKUs archived (see the module docstring)."""
    outcome = CatalogOutcome()
    by_sku: dict[str, dict[str, Any]] = {}
    for state in (ARCHIVED, ACTIVE):  # an active item wins over an archived twin
        for listed in client.list("items", {"vis_state": str(state)}):
            if listed.get("sku") and int(listed.get("vis_state") or 0) == state:
                by_sku[str(listed["sku"])] = listed
    for product in products:
        row = by_sku.get(product.sku)
        try:
            if not product.active:
                _archive(client, row, outcome)
            elif row is None:
                cost = {"amount": str(product.price), **({"code": currency} if currency else {})}
                client.create("items", {"name": product.name or product.sku, "sku": product.sku,
                                        "unit_cost": cost})
                outcome.created += 1
            else:
                _follow(client, row, product, outcome)
        except FreshBooksFault as fault:
            outcome.problems.append((product.sku, RecordProblem(
                "invalid_data", f"FreshBooks refused the item for SKU '{product.sku}' "
                f"({product.name}): {fault}. Correct the product in the store or the item in "
                "FreshBooks; the next sync tries again.", [Fix("ignore", "Ignore")],
                detail=product.sku)))
    for sku in removed:
        _archive(client, by_sku.get(sku), outcome)
    return outcome


def _follow(client: FreshBooksClient, row: dict[str, Any], product: Product,
            outcome: CatalogOutcome) -> None:
    changes: dict[str, Any] = {}
    if product.name and str(row.get("name") or "") != product.name:
        changes["name"] = product.name
    cost = to_decimal((row.get("unit_cost") or {}).get("amount") or "0")
    if cost != Decimal(product.price):
        changes["unit_cost"] = {"amount": str(product.price)}
    if int(row.get("vis_state") or 0) != ACTIVE:
        changes["vis_state"] = ACTIVE  # sold again
    if changes:
        client.update("items", row["id"], changes)
        outcome.updated += 1


def _archive(client: FreshBooksClient, row: dict[str, Any] | None,
             outcome: CatalogOutcome) -> None:
    if row is not None and int(row.get("vis_state") or 0) == ACTIVE:
        client.update("items", row["id"], {"vis_state": ARCHIVED})
        row["vis_state"] = ARCHIVED
        outcome.deactivated += 1


# -- client details -----------------------------------------------------------------------------
def store_details(customer: LedgerCustomer) -> dict[str, str]:
    """The address and phone the store gives (empty ones left out: they say nothing)."""
    fields = {"bus_phone": customer.phone, **_address("p", customer.bill_address)}
    return {k: str(v) for k, v in fields.items() if k in DETAIL_FIELDS and v}


def fingerprint(details: dict[str, str]) -> str:
    """A short hash of the details fields (all of them, blanks included)."""
    text = "\x1f".join(details.get(k, "").strip() for k in DETAIL_FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def with_mark(note: str, details: dict[str, str], as_of: datetime | None) -> str:
    """``note`` with the mark of what ecom-ledger wrote (replacing an older mark)."""
    if as_of is None:
        return note
    mark = f"[store details {fingerprint(details)} as of {as_of.astimezone(UTC).isoformat()}]"
    return (MARK.sub("", note).strip() + " " + mark).strip()


def follow_client(client: FreshBooksClient, client_id: str,
                  customer: LedgerCustomer) -> RecordProblem | None:
    """The client's address and phone brought up to the store's (module docstring)."""
    wanted = store_details(customer)
    if not wanted or customer.as_of is None:
        return None
    row = client.get("clients", client_id)
    current = {k: str(row.get(k) or "") for k in DETAIL_FIELDS}
    merged = {**current, **wanted}
    if merged == current:
        return None
    note = str(row.get("note") or "")
    mark = MARK.search(note)
    ours = mark is not None and mark.group("fp") == fingerprint(current)
    store_at = customer.as_of.astimezone(UTC)
    if ours:
        assert mark is not None
        if store_at < datetime.fromisoformat(mark.group("at")):
            return None  # an older store record than the details we wrote: nothing new
    else:
        edited = _eastern(str(row.get("updated") or ""))
        if edited is not None and store_at <= edited:
            return _conflict(client_id, customer, current, wanted, edited)
    client.update("clients", client_id, {**wanted, "note": with_mark(note, merged, store_at)})
    return None


def _conflict(client_id: str, customer: LedgerCustomer, current: dict[str, str],
              wanted: dict[str, str], edited: datetime) -> RecordProblem:
    differ = [k for k, v in wanted.items() if current.get(k, "") != v]
    words = ", ".join("phone" if k == "bus_phone" else k.removeprefix("p_").replace(
        "province", "region").replace("code", "postcode") for k in differ)
    return RecordProblem(
        "customer_conflict",
        f"Client {customer.display_name} (FreshBooks id {client_id}): its {words} were changed "
        f"in FreshBooks on {edited:%Y-%m-%d %H:%M} UTC, after the store's order details of "
        f"{customer.as_of:%Y-%m-%d %H:%M} UTC, and they differ. FreshBooks' details were kept; "
        "if the store's are right, correct the client in FreshBooks.",
        [Fix("ignore", "Keep FreshBooks' details")],
        detail="; ".join(f"{k}: FreshBooks '{current.get(k, '')}', store '{wanted[k]}'"
                         for k in differ))


def _eastern(stamp: str) -> datetime | None:
    """FreshBooks' ``updated`` (naive US/Eastern) as an aware UTC instant."""
    try:
        return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=EASTERN).astimezone(UTC)
    except ValueError:
        return None
