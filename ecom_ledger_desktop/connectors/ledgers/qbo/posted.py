"""What QuickBooks Online answers a posting with, read as our ``PostedRef``: the posted
reference (checked against the store's total to the cent), a deleted refund, a voided row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem
from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.core.money import round_money, to_decimal
from ecom_ledger_desktop.models.ledger import SalesDocument


class TotalMismatchError(PostedWithProblem):
    """The document was posted but QuickBooks' total differs from the store's."""


def checked(row: dict[str, Any], entity: str, document: SalesDocument) -> PostedRef:
    """The posted reference, after checking QuickBooks' total against the store's."""
    posted = posted_ref(row, entity)
    expected = round_money(document.total, document.currency)
    actual = round_money(posted.total if posted.total is not None else Decimal(0),
                         document.currency)
    if actual != expected:
        raise TotalMismatchError(RecordProblem(
            "total_mismatch",
            f"QuickBooks totals {record_label(entity, document)} at {actual} {document.currency} "
            f"but the store's total is {expected}. It is posted as QuickBooks Id "
            f"{posted.ledger_id}; void it and post again once the cause is fixed.",
            [Fix("void_and_repost", "Void it in QuickBooks and post it again"),
             Fix("ignore", "Keep QuickBooks' total")],
            detail=f"{entity} Id={posted.ledger_id} TotalAmt={actual} expected={expected}"),
            posted)
    return posted


def posted_ref(row: dict[str, Any], entity: str) -> PostedRef:
    total = row.get("TotalAmt")
    return PostedRef(
        ledger_id=str(row["Id"]),
        doc_number=str(row["DocNumber"]) if row.get("DocNumber") is not None else None,
        sync_token=str(row.get("SyncToken")) if row.get("SyncToken") is not None else None,
        total=to_decimal(total) if total is not None else None,
        extra={"entity": entity})


def deleted_ref(target: PostedRef, entity: str) -> PostedRef:
    """A refund document deleted in place of a void: nothing of it is left in the books."""
    return PostedRef(ledger_id=target.ledger_id, doc_number=target.doc_number, total=Decimal(0),
                     extra={"entity": entity, "deleted": "1"})


def is_voided(row: dict[str, Any]) -> bool:
    # QBO keeps a voided transaction, zeroed, with "Voided" in its PrivateNote
    return "Voided" in str(row.get("PrivateNote") or "") and not to_decimal(
        row.get("TotalAmt") or 0)


def record_label(entity: str, document: SalesDocument) -> str:
    return f"{mapping.LABEL_OF_ENTITY.get(entity, entity)} {document.doc_number}"


def closed_date(fault: QboFault, current: dict[str, Any], document: SalesDocument) -> str:
    """For a closed period, the posted date QBO protects; otherwise the document date."""
    if fault.code == "6210" and current.get("TxnDate"):
        return str(current["TxnDate"])
    return document.txn_date.isoformat()
