"""The accountant's view of the simulated FreshBooks business: month-end figures.

From the simulator's own records (live invoices, payments and credit notes; deleted ones and
draft invoices count for nothing, as in FreshBooks' reports), by document date (``create_date``
/ payment ``date``) and per currency:
:meth:`Reports.tax_collected` (tax per tax name, credits subtracted), :meth:`Reports.revenue`
(net of tax and discount, credits subtracted), :meth:`Reports.payments_by_method`,
:meth:`Reports.open_receivables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .books import Books, dec, line_taxes, totals


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with something still to pay on ``as_of``."""

    id: int
    invoice_number: str
    client_id: int
    create_date: date
    currency: str
    outstanding: Decimal


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


class Reports:
    """Figures over one business (thread-safe: every call takes the books' lock)."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def _live(self, path: str) -> list[dict[str, Any]]:
        """Live records; of invoices, those not left as drafts."""
        return [r for r in self.books.records[path].values() if r["vis_state"] == 0
                and r.get("v3_status") != "draft"]

    def tax_collected(self, start: date, end: date, currency: str | None = None
                      ) -> dict[str, Decimal]:
        """Tax on invoices dated in [start, end] minus tax on credit notes, by tax name."""
        out: dict[str, Decimal] = {}
        with self.books.lock:
            for path, sign, dated in (("invoices/invoices", 1, "create_date"),
                                      ("credit_notes/credit_notes", -1, "create_date")):
                for doc in self._live(path):
                    if not start <= _day(doc[dated]) <= end or \
                            (currency and doc["currency_code"] != currency):
                        continue
                    off = dec(doc.get("discount_value"))
                    for line in doc["lines"]:
                        for name, amount in line_taxes(line, off):
                            out[name] = out.get(name, Decimal(0)) + sign * amount
        return out

    def revenue(self, start: date, end: date, currency: str | None = None) -> Decimal:
        """Invoiced amounts before tax (after discount) in [start, end], less credit notes."""
        total = Decimal(0)
        with self.books.lock:
            for path, sign in (("invoices/invoices", 1), ("credit_notes/credit_notes", -1)):
                for doc in self._live(path):
                    if not start <= _day(doc["create_date"]) <= end or \
                            (currency and doc["currency_code"] != currency):
                        continue
                    net, discount, _ = totals(doc["lines"], dec(doc.get("discount_value")))
                    total += sign * (net + discount)
        return total

    def payments_by_method(self, start: date, end: date, currency: str | None = None
                           ) -> dict[str, Decimal]:
        """Payments dated in [start, end] per payment type ("VISA", "Check"), of live invoices."""
        out: dict[str, Decimal] = {}
        with self.books.lock:
            invoices = self.books.records["invoices/invoices"]
            for pay in self._live("payments/payments"):
                invoice = invoices.get(pay["invoiceid"])
                if invoice is None or invoice["vis_state"] != 0 or \
                        not start <= _day(pay["date"]) <= end or \
                        (currency and invoice["currency_code"] != currency):
                    continue
                out[pay["type"]] = out.get(pay["type"], Decimal(0)) + dec(pay["amount"])
        return out

    def open_receivables(self, as_of: date | None = None) -> list[OpenInvoice]:
        """Invoices dated on or before ``as_of`` still owed on that date, oldest first."""
        out = []
        with self.books.lock:
            paid: dict[int, Decimal] = {}
            for pay in self._live("payments/payments"):
                if as_of is None or _day(pay["date"]) <= as_of:
                    paid[pay["invoiceid"]] = paid.get(pay["invoiceid"], Decimal(0)) + \
                        dec(pay["amount"])
            for inv in self._live("invoices/invoices"):
                if as_of is not None and _day(inv["create_date"]) > as_of:
                    continue
                owed = dec(inv["amount"]) - paid.get(inv["id"], Decimal(0))
                if owed > 0:
                    out.append(OpenInvoice(inv["id"], str(inv["invoice_number"]),
                                           inv["customerid"], _day(inv["create_date"]),
                                           inv["currency_code"], owed))
        return sorted(out, key=lambda o: (o.create_date, o.id))
