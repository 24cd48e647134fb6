"""Before an undo: what QuickBooks Online holds that a void would take away with our document.

Read in bulk (``Id IN (…)`` per entity, plus the Preferences for the close date), never one
document at a time. A document already voided or deleted has no obstacle: its void is a no-op.
"""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.connectors.base import PostedRef
from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient, quote
from ecom_ledger_desktop.core.money import to_decimal

CHUNK = 100
TOKEN_CHECKED = ("SalesReceipt", "RefundReceipt", "CreditMemo")  # invoices move with payments


def undo_obstacles(client: QboClient, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
    """See ``UndoCheckingLedger.undo_obstacles``."""
    if not documents:
        return {}
    prefs = client.query_page("SELECT * FROM Preferences", 1, 1)
    close = str(((prefs[0] if prefs else {}).get("AccountingInfoPrefs") or {})
                .get("BookCloseDate") or "")
    by_entity: dict[str, dict[str, PostedRef]] = {}
    for ref, kind in documents:
        entity = ref.extra.get("entity") or mapping.ENTITY_OF_KIND.get(kind, "Payment")
        by_entity.setdefault(entity, {})[ref.ledger_id] = ref
    found: dict[str, str] = {}
    for entity, refs in by_entity.items():
        ids = list(refs)
        for start in range(0, len(ids), CHUNK):
            chunk = ", ".join(quote(i) for i in ids[start:start + CHUNK])
            for row in client.query(f"SELECT * FROM {entity} WHERE Id IN ({chunk})"):
                why = _obstacle(entity, row, refs.get(str(row.get("Id"))), close)
                if why:
                    found[str(row["Id"])] = why
    return found


def _obstacle(entity: str, row: dict[str, Any], ref: PostedRef | None, close: str) -> str:
    if ref is None or row.get("status") == "Deleted" or _voided(row):
        return ""
    date = str(row.get("TxnDate") or "")[:10]
    if close and date and date <= close:
        return (f"the books are closed up to {close} in QuickBooks and it is dated {date}; "
                "reopen the period there first, or keep it")
    links = [link for link in _links(row)]
    deposits = [str(link.get("TxnId")) for link in links if link.get("TxnType") == "Deposit"]
    if deposits:
        return (f"it was deposited in QuickBooks (deposit {', '.join(deposits)}); take it out "
                "of the deposit there first, or keep it")
    ours = set(filter(None, ref.extra.get("payments", "").split(",")))
    by_hand = [str(link.get("TxnId")) for link in links
               if link.get("TxnType") == "Payment" and str(link.get("TxnId")) not in ours]
    if entity == "Invoice" and by_hand:
        return (f"a payment was recorded on it in QuickBooks (payment {', '.join(by_hand)}); "
                "remove that payment there first, or keep it")
    if entity in TOKEN_CHECKED and ref.sync_token is not None \
            and str(row.get("SyncToken")) != ref.sync_token:
        return ("it was changed in QuickBooks after it was posted; undoing would void those "
                "changes too. Void it there yourself if you want it gone, or keep it")
    return ""


def _links(row: dict[str, Any]) -> list[dict[str, Any]]:
    links = list(row.get("LinkedTxn") or [])
    for line in row.get("Line") or []:
        links += list(line.get("LinkedTxn") or [])
    return [link for link in links if isinstance(link, dict)]


def _voided(row: dict[str, Any]) -> bool:
    return "Voided" in str(row.get("PrivateNote") or "") and not to_decimal(
        row.get("TotalAmt") or 0)
