"""Read FreshBooks' invoices and credit notes back by date, for the reconciliation.

Two listings filtered by ``create_date`` (``_min`` inclusive, ``_max`` exclusive), 100 rows a
page (FreshBooks' largest), so a range costs ``ceil(invoices/100) + ceil(credit notes/100)``
calls. A sales receipt and an invoice are both FreshBooks invoices, so a read-back invoice is a
``sale`` (and a credit note a ``refund``): the reconciliation matches it by id within its family.
Deleted (voided) documents are not listed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.base import LedgerRecord
from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.core.money import to_decimal

LISTINGS = (("invoices", "sale", "invoice_number"), ("credit_notes", "refund", "credit_number"))


class FreshBooksReadBack:
    """Counts its calls so the reconciliation can say what it cost."""

    def __init__(self, client: FreshBooksClient) -> None:
        self.client = client
        self.calls = 0

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Live invoices and credit notes dated ``start``..``end``."""
        search = {"create_date_min": start.isoformat(),
                  "create_date_max": (end + timedelta(days=1)).isoformat()}
        records: list[LedgerRecord] = []
        for resource, kind, number_field in LISTINGS:
            page, pages = 1, 1
            while page <= pages:
                rows, pages = self.client.page(resource, search, page)
                self.calls += 1
                records.extend(_record(row, kind, number_field) for row in rows)
                if not rows:
                    break
                page += 1
        return records


def _record(row: dict[str, Any], kind: str, number_field: str) -> LedgerRecord:
    amount = row.get("amount")
    total = to_decimal(amount.get("amount")) if isinstance(amount, dict) else Decimal("0")
    currency = str(row.get("currency_code") or (amount or {}).get("code") or "")
    name = row.get("organization") or " ".join(
        str(row.get(part) or "") for part in ("fname", "lname")).strip()
    return LedgerRecord(
        kind=kind, ledger_id=str(row["id"]), txn_date=date.fromisoformat(
            str(row.get("create_date"))[:10]),
        number=str(row.get(number_field) or row.get("po_number") or ""),
        customer=str(name or row.get("customerid") or row.get("clientid") or ""),
        total=total, currency=currency.upper(), note=str(row.get("notes") or ""),
        voided=int(row.get("vis_state") or 0) != 0)
