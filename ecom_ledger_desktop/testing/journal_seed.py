"""Journal rows for benches that plant documents straight into a ledger simulator: the posted
sales receipt our journal would hold for each, so the reconciliation has both sides to compare."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from json import dumps

from ecom_ledger_desktop.db.state import State


def journal_posted_receipt(state: State, pair_id: int, n: int, day: date, total: Decimal,
                           ledger_id: str) -> None:
    """Journal bench order ``n`` (number ``B000n``) as a sales receipt posted as ``ledger_id``."""
    number = f"B{n:06d}"
    document = {"kind": "sales_receipt", "doc_number": number,
                "txn_date": day.isoformat(), "customer_key": "email:b@example.com",
                "currency": "USD", "total": str(total), "payment_method": "Check",
                "lines": [{"kind": "item", "item": {"item_key": "sku:B"},
                           "amount": str(total)}]}
    key = f"{pair_id}:order:{n}:bench:sales_receipt"
    state.journal.enqueue(pair_id=pair_id, posting_key=key, op="create",
                          doc_kind="sales_receipt", record_kind="order",
                          source_id=str(n), record_number=number, revision="1",
                          payload=dumps({"document": document, "customer": {}, "items": []}),
                          amount=total)
    state.journal.mark_posted(key, ledger_id, number, "0", total)
