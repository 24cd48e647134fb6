"""Read QuickBooks Desktop's sales documents back by date, for the reconciliation.

One qbXML message set through the Web Connector session holds a ``SalesReceiptQuery``, an
``InvoiceQuery`` and a ``CreditMemoQuery`` filtered by ``TxnDateRangeFilter``: one round trip
per range. QuickBooks Desktop is read only while a Web Connector session is open; otherwise the
mailbox raises ``LedgerAway`` ("waiting for the Web Connector"). A refund receipt is posted as a
credit memo, so a read-back credit memo is a ``refund`` (matched by its TxnID within the family).
A deleted transaction is absent; a voided one is kept with "VOID:" in its memo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import LedgerRecord
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request

KIND_OF_TXN = {"SalesReceipt": "sales_receipt", "Invoice": "invoice", "CreditMemo": "refund"}
Ask = Callable[..., list[parse.Response]]


class QbdReadBack:
    """Counts its exchanges (Web Connector round trips)."""

    def __init__(self, ask: Ask, home_currency: Callable[[], str]) -> None:
        self._ask = ask
        self._home_currency = home_currency
        self.calls = 0

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Every sales receipt, invoice and credit memo dated ``start``..``end``."""
        span = transactions.TxnDateRangeFilter(start, end)
        requests: list[Request] = [
            transactions.txn_query(kind, f"readback-{kind}", transactions.TxnQuery(
                txn_date_range_filter=span)) for kind in KIND_OF_TXN]
        self.calls += 1
        answers = self._ask(*requests, record="the reconciliation's read-back")
        currency = self._home_currency()
        records: list[LedgerRecord] = []
        for kind, answer in zip(KIND_OF_TXN, answers, strict=True):
            for txn in parse.txn_records(answer):
                total = txn.total_amount if txn.total_amount is not None else Decimal("0")
                records.append(LedgerRecord(
                    kind=KIND_OF_TXN[kind], ledger_id=txn.txn_id,
                    txn_date=txn.txn_date or start, number=txn.ref_number,
                    customer=txn.customer, total=total,
                    tax=txn.sales_tax_total or Decimal("0"), currency=currency,
                    note=txn.memo, voided=txn.voided))
        return records
