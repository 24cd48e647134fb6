"""Make a customer or item an undo no longer needs inactive (QuickBooks Online never deletes
list entries; an inactive one is reactivated if a later posting needs it again).

Kept, and said why, when QuickBooks shows it existed before our posting created it, or a live
(not voided) transaction uses it. Only transactions created since the entry was are read: an
older one cannot refer to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecom_ledger_desktop.connectors.base import RetireOutcome
from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient, quote
from ecom_ledger_desktop.core.money import to_decimal

TRANSACTIONS = ("SalesReceipt", "Invoice", "Payment", "RefundReceipt", "CreditMemo")


def retire(client: QboClient, kind: str, ledger_id: str, created_since: datetime,
           request_id: str) -> RetireOutcome:
    """See ``RetiringLedger.retire``."""
    entity = "Customer" if kind == "customer" else "Item"
    row = client.get(entity, ledger_id)
    name = str(row.get("DisplayName") or row.get("Name") or ledger_id)
    if row.get("Active", True) is False:
        return RetireOutcome(True, f"{kind} {name} is inactive")
    created = _created(row)
    if created is None or created < created_since:
        return RetireOutcome(False, f"{kind} {name} was in QuickBooks before the sync created "
                                    "its documents; it is kept")
    user = _used_by(client, kind, ledger_id, created)
    if user:
        return RetireOutcome(False, f"{kind} {name} is kept: {user} uses it")
    client.update(entity, {"Id": ledger_id, "SyncToken": str(row["SyncToken"]), "Active": False,
                           **_required(entity, row)}, request_id)
    return RetireOutcome(True, f"{kind} {name} made inactive")


def _created(row: dict[str, Any]) -> datetime | None:
    value = (row.get("MetaData") or {}).get("CreateTime")
    try:
        created = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return created.replace(tzinfo=UTC) if created and created.tzinfo is None else created


def _required(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """Fields a sparse update must repeat (QuickBooks wants an item's Name, a customer's
    DisplayName)."""
    return {"Name": row["Name"]} if entity == "Item" else {"DisplayName": row["DisplayName"]}


def _used_by(client: QboClient, kind: str, ledger_id: str, since: datetime) -> str:
    """A live transaction created since ``since`` that refers to the entry ("" when none)."""
    stamp = quote(since.isoformat())
    for entity in TRANSACTIONS:
        if kind == "customer":
            where = f"CustomerRef = {quote(ledger_id)} AND MetaData.CreateTime >= {stamp}"
        else:
            where = f"MetaData.CreateTime >= {stamp}"
        for row in client.query(f"SELECT * FROM {entity} WHERE {where}"):
            if _voided(row) or row.get("status") == "Deleted":
                continue
            if kind == "customer" or any(_item_of(line) == ledger_id
                                         for line in row.get("Line") or []):
                return f"{entity} {row.get('DocNumber') or row.get('Id')}"
    return ""


def _item_of(line: dict[str, Any]) -> str:
    for detail in ("SalesItemLineDetail", "GroupLineDetail"):
        ref = (line.get(detail) or {}).get("ItemRef") or {}
        if ref.get("value"):
            return str(ref["value"])
    return ""


def _voided(row: dict[str, Any]) -> bool:
    return "Voided" in str(row.get("PrivateNote") or "") and not to_decimal(
        row.get("TotalAmt") or 0)
