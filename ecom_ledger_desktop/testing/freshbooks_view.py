"""``LedgerView`` of a FreshBooks business through its REST API (simulated or real).

Invoices are the sales (``invoice``), credit notes the refunds (``credit_memo``), payments the
payments; deleted records (``vis_state`` 1) are listed as voided, archived ones (2) as live. A
sale paid in the store carries its own payment (its note begins "Paid in the web store."): that
payment is part of the sale, not a posting of its own, so it is left out, unless the sale has
more than one, which are listed so the verification counts the duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.testing.verify import LedgerDocument

PER_PAGE = 100
SALE_PAYMENT = "Paid in the web store."  # the FreshBooks connector's note on a sale's payment
VIS_STATES = ("0", "1", "2")  # active, deleted, archived


class FreshBooksRestView:
    """Lists every invoice, credit note and payment of one FreshBooks account."""

    def __init__(self, api_base: str, account_id: str, access_token: Callable[[], str] | str,
                 timeout: float = 30.0) -> None:
        self.api_base = api_base.rstrip("/")
        self.account_id = account_id
        self._token = access_token
        self.timeout = timeout

    def documents(self) -> list[LedgerDocument]:
        """Every sale, refund and payment, deleted ones included."""
        out: list[LedgerDocument] = []
        for row in self._all("invoices/invoices", "invoices"):
            note = str(row.get("notes") or "")
            number = row.get("invoice_number") or row.get("po_number") or ""
            out.append(LedgerDocument("invoice", str(row["id"]), str(number), note,
                                      _amount(row), voided=row.get("vis_state") == 1))
        for row in self._all("credit_notes/credit_notes", "credit_notes"):
            out.append(LedgerDocument("credit_memo", str(row["id"]),
                                      str(row.get("credit_number") or ""),
                                      str(row.get("notes") or ""), _amount(row),
                                      voided=row.get("vis_state") == 1))
        own: dict[str, list[LedgerDocument]] = defaultdict(list)
        for row in self._all("payments/payments", "payments"):
            note = str(row.get("note") or "")
            document = LedgerDocument("payment", str(row["id"]), "", note, _amount(row),
                                      voided=row.get("vis_state") == 1)
            if note.startswith(SALE_PAYMENT):
                if not document.voided:
                    own[str(row.get("invoiceid"))].append(document)
                continue
            out.append(document)
        for payments in own.values():
            if len(payments) > 1:  # a sale paid twice: listed so it counts as a duplicate
                out.extend(payments)
        return out

    def _all(self, path: str, plural: str) -> Iterator[dict[str, Any]]:
        token = self._token() if callable(self._token) else self._token
        headers = {"Authorization": f"Bearer {token}"}
        url = f"{self.api_base}/accounting/account/{self.account_id}/{path}"
        with httpx.Client(timeout=self.timeout, headers=headers) as http:
            for vis_state in VIS_STATES:
                page, pages = 1, 1
                while page <= pages:
                    response = http.get(url, params={"page": page, "per_page": PER_PAGE,
                                                     "search[vis_state]": vis_state})
                    response.raise_for_status()
                    result = response.json()["response"]["result"]
                    rows = result.get(plural) or []
                    yield from (r for r in rows if str(r.get("vis_state")) == vis_state)
                    pages = int(result.get("pages") or 1)
                    if not rows:
                        break
                    page += 1


def _amount(row: dict[str, Any]) -> Decimal | None:
    amount = row.get("amount")
    return Decimal(str(amount["amount"])) if isinstance(amount, dict) else None
