"""The bodies ``FreshBooksLedger`` sends for a document, built once for the posting and once
for the exact preview's check (``check_document``): the same lines, names and taxes, the same
refusals; only the check writes nothing (a tax FreshBooks lacks is named, not created) and reads
no id FreshBooks did not issue (the preview's stand-ins)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.base import Resolution
from ecom_ledger_desktop.connectors.ledgers.freshbooks import documents
from ecom_ledger_desktop.connectors.ledgers.freshbooks.checks import refuse_other_total
from ecom_ledger_desktop.connectors.ledgers.freshbooks.discount import as_invoice_discount
from ecom_ledger_desktop.connectors.ledgers.freshbooks.lookups import NAME_PREFIX, Lookups
from ecom_ledger_desktop.connectors.ledgers.freshbooks.posted import record_label
from ecom_ledger_desktop.models.ledger import DocumentLine, SalesDocument


class FreshBooksBodies:
    """Invoice and credit-note bodies, and ``DocumentChecker``, for ``FreshBooksLedger``."""

    lookups: Lookups
    discount_as: str
    number_field: str

    def check_document(self, document: SalesDocument, resolution: Resolution) -> None:
        """Build the lines as ``create_document`` would and check them as it does (taxes,
        FreshBooks' own total), writing nothing (``DocumentChecker``, for the exact preview):
        a tax FreshBooks lacks is only named, and the preview's ids stand for themselves."""
        record = record_label(document)
        _, expected = self._lines(document, resolution, record, checking=True)
        refuse_other_total(document, expected, record)

    def _lines(self, document: SalesDocument, resolution: Resolution, record: str,
               checking: bool = False) -> tuple[list[dict[str, Any]], Decimal]:
        as_discount = self._as_discount(document, resolution, record, checking)
        if as_discount is not None:
            return as_discount[0], as_discount[1]
        return documents.lines_body(document, *self._namers(resolution, checking), record)

    def _as_discount(self, document: SalesDocument, resolution: Resolution, record: str,
                     checking: bool = False
                     ) -> tuple[list[dict[str, Any]], Decimal, Decimal] | None:
        """The invoice with FreshBooks' invoice discount, when the rule asks and it is exact."""
        if self.discount_as != "invoice_discount":
            return None
        return as_invoice_discount(document, *self._namers(resolution, checking), record)

    def _namers(self, resolution: Resolution, checking: bool
                ) -> tuple[documents.LineName, documents.TaxName]:
        """How lines are named and taxed; ``checking``: with no writes and no look-up of an id
        FreshBooks did not issue (the preview's)."""
        def name_of(line: DocumentLine) -> str:
            return self._line_name(line, resolution, checking)

        def taxes(rate: Decimal, code: str | None, record: str) -> list[tuple[str, Decimal]]:
            return self.lookups.line_taxes(rate, code, record, create=not checking)
        return name_of, taxes

    def _invoice_body(self, document: SalesDocument, resolution: Resolution,
                      lines: list[dict[str, Any]], record: str) -> dict[str, Any]:
        body = documents.invoice_body(document, resolution.customer_id, lines, self.number_field)
        if self.discount_as == "invoice_discount":  # 0 when lines carry it (an update clears it)
            as_discount = self._as_discount(document, resolution, record)
            body["discount_value"] = str(as_discount[2]) if as_discount else "0"
        return body

    def _line_name(self, line: DocumentLine, resolution: Resolution,
                   checking: bool = False) -> str:
        ref = line.item
        for key in (ref.ledger_id, resolution.item_ids.get(ref.item_key or ""),
                    resolution.item_ids.get(ref.ledger_name or "")):
            if key and (not checking or key.isdigit() or key.startswith(NAME_PREFIX)):
                return self.lookups.line_name(key)
            if key:
                break
        return ref.ledger_name or line.description or line.kind.replace("_", " ").title()
