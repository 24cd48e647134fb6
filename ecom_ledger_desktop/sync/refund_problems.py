"""What the queue says about a refund whose order is not in the books."""

from __future__ import annotations

import json
from datetime import date

from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.journal_repo import PostingRow


def order_not_posted(row: PostingRow, start_date: date) -> RecordProblem:
    """A refund whose order is not in the books and waits for nothing: the merchant decides."""
    order = json.loads(row.payload).get("order")
    order = order if isinstance(order, dict) else {}
    number = str(order.get("number") or f"id {row.depends_on}")
    placed = str(order.get("placed") or "")
    if placed and placed < start_date.isoformat():
        why = (f"order {number} was placed on {placed}, before this pair's start date "
               f"({start_date.isoformat()}), so it is not in the books")
    else:
        why = f"order {number} is not in the books (it was ignored or never imported)"
    return RecordProblem(
        "order_not_posted",
        f"Refund {row.record_number} cannot be tied to its order: {why}. Import the order (it "
        "is posted, then the refund against it), post the refund on its own for the customer, "
        "or ignore it.",
        fixes=[Fix("import_order", f"Import order {number} despite the start date"),
               Fix("post_refund_alone", "Post the refund on its own"),
               Fix("ignore", "Ignore this refund (with a reason)")],
        detail=str(row.depends_on or ""))
