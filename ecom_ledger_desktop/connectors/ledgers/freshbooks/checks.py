"""What FreshBooks would refuse or total differently, found before anything is sent.

Both the posting (``create_document`` / ``update_document``) and the exact preview
(``check_document``) run these on the body about to be sent, so the preview flags an order with
the very words the run would: a tax FreshBooks does not have or a line with more than two taxes
(raised while the lines are built: ``lookups.line_taxes``), and an invoice FreshBooks would total
at another amount than the store's (its per-line, per-tax rounding is reproduced in
``documents.lines_body``; a gap the "Tax rounding" line cannot close, e.g. an order whose lines
and tax do not add up to its total, or a line amount below the cent FreshBooks keeps).
"""

from __future__ import annotations

from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import SalesDocument


def refuse_other_total(document: SalesDocument, predicted: Decimal, record: str) -> None:
    """``total_mismatch`` (nothing sent) when FreshBooks would total ``record`` at
    ``predicted`` rather than the store's total."""
    expected = round_money(document.total, document.currency)
    if predicted == expected:
        return
    raise RecordError(RecordProblem(
        "total_mismatch",
        f"FreshBooks would total {record} at {predicted} {document.currency} but the store's "
        f"total is {expected}; nothing was posted. Check the order's lines, discounts and tax "
        "in the store (FreshBooks keeps each line to the cent and rounds each line's tax), then "
        "retry.",
        [Fix("retry", "Retry"), Fix("ignore", "Ignore this record")],
        detail=f"predicted={predicted} expected={expected}"))
