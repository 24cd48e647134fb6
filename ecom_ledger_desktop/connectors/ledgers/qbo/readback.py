"""Read QuickBooks Online's sales documents back by date, for the reconciliation.

One query per document entity over the date range (``TxnDate``), paged by 1,000 rows (QBO's page
maximum), so a range costs ``sum(ceil(rows / 1000))`` calls, at least one per entity. A document
deleted in QuickBooks is simply absent from a query; a voided one is kept, zeroed, with "Voided"
in its PrivateNote.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.base import LedgerRecord
from ecom_ledger_desktop.connectors.ledgers.qbo.client import PAGE_SIZE, QboClient, quote
from ecom_ledger_desktop.core.money import to_decimal

KIND_OF_ENTITY = {"SalesReceipt": "sales_receipt", "Invoice": "invoice",
                  "RefundReceipt": "refund_receipt", "CreditMemo": "credit_memo"}


class QboReadBack:
    """Counts its calls so the reconciliation can say what it cost."""

    def __init__(self, client: QboClient, home_currency: str = "") -> None:
        self.client = client
        self.home_currency = home_currency
        self.calls = 0

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Every sales, refund and credit document dated ``start``..``end``."""
        records: list[LedgerRecord] = []
        for entity, kind in KIND_OF_ENTITY.items():
            sql = (f"SELECT * FROM {entity} WHERE TxnDate >= {quote(start.isoformat())} "
                   f"AND TxnDate <= {quote(end.isoformat())} ORDERBY Id")
            position = 1
            while True:
                page = self.client.query_page(sql, position, PAGE_SIZE)
                self.calls += 1
                records.extend(self._record(row, kind) for row in page)
                if len(page) < PAGE_SIZE:
                    break
                position += PAGE_SIZE
        return records

    def _record(self, row: dict[str, Any], kind: str) -> LedgerRecord:
        note = str(row.get("PrivateNote") or "")
        total = to_decimal(row.get("TotalAmt") or 0)
        detail = row.get("TxnTaxDetail") or {}
        return LedgerRecord(
            kind=kind, ledger_id=str(row["Id"]), txn_date=date.fromisoformat(
                str(row.get("TxnDate"))[:10]),
            number=str(row.get("DocNumber") or ""),
            customer=str(_ref(row, "CustomerRef", "name") or _ref(row, "CustomerRef", "value")),
            total=total, tax=to_decimal(detail.get("TotalTax") or 0) if detail else Decimal("0"),
            currency=str(_ref(row, "CurrencyRef", "value") or self.home_currency),
            payment_method=str(_ref(row, "PaymentMethodRef", "name") or ""),
            note=note, voided="Voided" in note and not total)


def _ref(row: dict[str, Any], field: str, part: str) -> Any:
    ref = row.get(field)
    return ref.get(part) if isinstance(ref, dict) else None
