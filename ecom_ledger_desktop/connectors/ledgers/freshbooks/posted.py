"""What FreshBooks answers a posting with, read as our ``PostedRef`` (invoice, credit note,
payment), and the check of its total against the store's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.ledger import SalesDocument

LABEL = {"sales_receipt": "invoice", "invoice": "invoice", "refund_receipt": "credit note",
         "credit_memo": "credit note"}


class TotalMismatchError(PostedWithProblem):
    """Posted, but FreshBooks' total differs from the store's."""


def checked(posted: PostedRef, document: SalesDocument, expected: Decimal) -> PostedRef:
    """``posted``, once its total is the store's to the cent (else ``TotalMismatchError``)."""
    actual = posted.total if posted.total is not None else Decimal(0)
    if actual != document.total:
        raise TotalMismatchError(RecordProblem(
            "total_mismatch",
            f"FreshBooks totals {record_label(document)} at {actual} {document.currency} but the "
            f"store's total is {document.total} (expected {expected}). It is posted as "
            f"FreshBooks id {posted.ledger_id}; delete it there and post it again once the "
            "cause is fixed.",
            [Fix("void_and_repost", "Delete it in FreshBooks and post it again"),
             Fix("ignore", "Keep FreshBooks' total")],
            detail=f"id={posted.ledger_id} amount={actual} expected={document.total}"),
            posted)
    return posted


def record_label(document: SalesDocument) -> str:
    return f"{LABEL[document.kind]} {document.doc_number}"


def money_of(row: dict[str, Any]) -> Decimal | None:
    amount = row.get("amount")
    return to_decimal(amount.get("amount")) if isinstance(amount, dict) else None


def invoice_ref(row: dict[str, Any]) -> PostedRef:
    number = row.get("invoice_number") or row.get("po_number")
    return PostedRef(ledger_id=str(row["id"]), doc_number=str(number) if number else None,
                     total=money_of(row), extra={"resource": "invoices"})


def credit_ref(row: dict[str, Any]) -> PostedRef:
    number = row.get("credit_number")
    return PostedRef(ledger_id=str(row["id"]), doc_number=str(number) if number else None,
                     total=money_of(row), extra={"resource": "credit_notes"})


def payment_ref(row: dict[str, Any]) -> PostedRef:
    return PostedRef(ledger_id=str(row["id"]), total=money_of(row),
                     extra={"resource": "payments"})
