"""``FreshBooksLedger``: the engine's ``PushLedger`` for FreshBooks.

Sales receipts and invoices become FreshBooks invoices (a sales receipt marked sent and paid at
once; an unpaid order's invoice marked sent, so reports count it, or left a draft when the pair's
``unpaid_invoice_status`` rule says so), payments are FreshBooks payments on the invoice, refunds
are credit notes, voids are soft deletes (``vis_state`` 1). FreshBooks has no idempotency key: the
journal key's short reference travels in the invoice's / credit note's notes and the payment's
note (the customer reads them: ``notes``), and after a lost answer ``find_posted`` searches for it
(finishing a half-done sale) before anything is sent again. Totals are checked against the
store's to the cent (``posted``). The store's order number goes to the invoice number, or to
the PO number when the pair's ``order_number_field`` rule says so (FreshBooks then numbers the
invoice).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import (
    CatalogOutcome,
    CheckResult,
    LedgerRecord,
    PostedRef,
    Resolution,
)
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.freshbooks import documents, followers, notes
from ecom_ledger_desktop.connectors.ledgers.freshbooks.bodies import FreshBooksBodies
from ecom_ledger_desktop.connectors.ledgers.freshbooks.catalog import FreshBooksCatalog
from ecom_ledger_desktop.connectors.ledgers.freshbooks.checks import refuse_other_total
from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
from ecom_ledger_desktop.connectors.ledgers.freshbooks.kind import API_BASE
from ecom_ledger_desktop.connectors.ledgers.freshbooks.lookups import Lookups, norm
from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
from ecom_ledger_desktop.connectors.ledgers.freshbooks.posted import (
    LABEL,
    checked,
    credit_ref,
    invoice_ref,
    payment_ref,
    record_label,
)
from ecom_ledger_desktop.connectors.ledgers.freshbooks.readback import FreshBooksReadBack
from ecom_ledger_desktop.connectors.ledgers.freshbooks.undo import FreshBooksUndo
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem, SyncError
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.commerce import Product, StockLevel
from ecom_ledger_desktop.models.ledger import (
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import PostingRules, UnmappedSkuPolicy

log = logging.getLogger(__name__)
REFUND_KINDS = ("refund_receipt", "credit_memo")


class FreshBooksLedger(FreshBooksCatalog, FreshBooksUndo, FreshBooksBodies):
    """FreshBooks as a push ledger (implements ``connectors.base.PushLedger``, and
    ``connectors.catalog.LedgerCatalog`` for the mapping editor and the error queue)."""

    def __init__(self, tokens: FreshBooksTokens, account_id: str, *, api_base: str = API_BASE,
                 policy: RetryPolicy | None = None, clock: Clock | None = None,
                 transport: httpx.BaseTransport | None = None,
                 number_field: str = "invoice_number", business: str = "") -> None:
        self.tokens = tokens
        self.account_id = account_id
        self.business = business
        self.number_field = number_field if number_field in ("invoice_number", "po_number") \
            else "invoice_number"
        self.client = FreshBooksClient(api_base, account_id, tokens, policy=policy,
                                       transport=transport)
        self.lookups = Lookups(self.client)
        self._clock = clock or SystemClock()
        self._readback = FreshBooksReadBack(self.client)
        self.unpaid_status = "sent"
        self.discount_as = "lines"

    def apply_rules(self, rules: PostingRules) -> None:
        """The pair's draft/sent rule for unpaid invoices and where the order number goes
        (``connectors.base.RulesLedger``)."""
        self.unpaid_status = rules.unpaid_invoice_status
        self.discount_as = rules.discount_as
        self.number_field = "po_number" if rules.order_number_field == "po_number" \
            else "invoice_number"

    # -- following the store (rules) ---------------------------------------------------------
    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Invoices and credit notes dated ``start``..``end`` (``ReadBackLedger``)."""
        return self._readback.documents_between(start, end)

    def read_calls(self) -> int:
        """Listing pages ``documents_between`` has read so far."""
        return self._readback.calls

    def sync_catalog(self, products: list[Product], removed: list[str]) -> CatalogOutcome:
        """Items follow the store's catalogue; removed products archived, never deleted."""
        return followers.sync_items(self.client, products, removed, "")

    def sync_customer_details(self, customer_id: str,
                              customer: LedgerCustomer) -> RecordProblem | None:
        """The client's address and phone follow the store's; a later FreshBooks edit wins."""
        return followers.follow_client(self.client, customer_id, customer)

    # -- references -------------------------------------------------------------------------
    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """Find (email, then organisation/name) or create the client; its id."""
        return self.lookups.ensure_client(customer)

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The item by SKU (then name), else per the unmapped-SKU policy."""
        return self.lookups.ensure_item(item, policy, standard_item)

    def match_customer(self, customer: LedgerCustomer) -> tuple[str, str] | None:
        """The matching client and how it matched, without writing anything (the preview); an
        archived one counts: the run makes it active again rather than adding another."""
        found = self.lookups.find_client(customer)
        archived = found is None and (found := self.lookups.find_client(
            customer, archived=True)) is not None
        if found is None:
            return None
        how = "email" if self.lookups.client_has_email(found, customer.email, archived) \
            else "name"
        return found, how + (", archived in FreshBooks: made active again" if archived else "")

    def find_item(self, item: LedgerItem) -> str | None:
        """The item for the SKU (then name) without writing anything (the exact preview); an
        archived one counts, as the run makes it active again."""
        return self.lookups.find_item(item.sku, item.name) or \
            self.lookups.find_item(item.sku, item.name, archived=True)

    def resolve_name(self, kind: str, name: str) -> str:
        """An item's id by name (a FreshBooks line needs none: a missing one is its name);
        payment methods, accounts and tax codes are used by name."""
        return self.lookups.item_named(name) if kind == "item" else name

    def ensure_line_item(self, kind: str, name: str, policy: UnmappedSkuPolicy,
                         request_id: str) -> str:
        """Shipping, gift card, rounding... lines are named lines in FreshBooks."""
        return self.lookups.item_named(name)

    # -- finding what was posted ------------------------------------------------------------
    def find_posted(self, posting_key: str, document: SalesDocument | LedgerPayment
                    ) -> PostedRef | None:
        """The document or payment carrying ``posting_key``; a sale found without its payment
        (the answer to the payment was lost) gets it now."""
        if isinstance(document, LedgerPayment):
            day = document.txn_date
            search = {"date_min": day.isoformat(),
                      "date_max": (day + timedelta(days=1)).isoformat()}
            for row in self.client.list("payments", search):
                if notes.carries(str(row.get("note") or ""), posting_key):
                    return payment_ref(row)
            return None
        if document.kind in REFUND_KINDS:
            client = self.lookups.find_client(_customer_of(document))
            if client is None:
                return None
            for row in self.client.list("credit_notes", {"clientid": client}):
                if notes.carries(str(row.get("notes") or ""), posting_key):
                    return credit_ref(row)
            return None
        for row in self.client.list("invoices", {self.number_field: document.doc_number}):
            if notes.carries(str(row.get("notes") or ""), posting_key):
                return self._finished(row, document)
        return None

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Live invoices carrying the document's number (credit notes are not numbered so)."""
        if document.kind in REFUND_KINDS:
            return []
        return [invoice_ref(row) for row in
                self.client.list("invoices", {self.number_field: document.doc_number})
                if str(row.get(self.number_field)) == document.doc_number]

    # -- writes -----------------------------------------------------------------------------
    def create_document(self, document: SalesDocument, resolution: Resolution, request_id: str,
                        linked: PostedRef | None = None) -> PostedRef:
        """Post an invoice (paid at once for a sales receipt) or a credit note for a refund."""
        record = record_label(document)
        lines, expected = self._lines(document, resolution, record)
        refuse_other_total(document, expected, record)
        try:
            if document.kind in REFUND_KINDS:
                row = self.client.create("credit_notes", documents.credit_note_body(
                    document, resolution.customer_id, lines))
                return checked(credit_ref(row), document, expected)
            row = self.client.create("invoices", self._invoice_body(
                document, resolution, lines, record))
        except FreshBooksFault as fault:
            if fault.status == 409:  # the number is taken: ours (a lost answer) or another's
                found = self.find_posted(_key(document), document)
                if found is not None:
                    return found
                raise RecordError(RecordProblem(
                    "duplicate_name",
                    f"FreshBooks already has an invoice numbered {document.doc_number} that "
                    "ecom-ledger did not post; renumber or delete it in FreshBooks, then retry.",
                    [Fix("retry", "Retry"), Fix("ignore", "Ignore this order")])) from None
            raise fault.about(record) from None
        return checked(self._finished(row, document), document, expected)

    def update_document(self, target: PostedRef, document: SalesDocument, resolution: Resolution,
                        request_id: str) -> PostedRef:
        """Replace a posted document's lines and header (FreshBooks replaces all lines)."""
        record = record_label(document)
        lines, expected = self._lines(document, resolution, record)
        refuse_other_total(document, expected, record)
        try:
            if document.kind in REFUND_KINDS:
                body = documents.credit_note_body(document, resolution.customer_id, lines)
                row = self.client.update("credit_notes", target.ledger_id, body)
                return checked(credit_ref(row), document, expected)
            row = self.client.update("invoices", target.ledger_id,
                                     self._invoice_body(document, resolution, lines, record))
            if document.kind == "sales_receipt":
                self._settle_payment(row, document)
                row = self.client.get("invoices", target.ledger_id)
        except FreshBooksFault as fault:
            raise fault.about(record) from None
        return checked(invoice_ref(row), document, expected)

    def void_document(self, target: PostedRef, kind: str, request_id: str) -> PostedRef:
        """Delete a posted document (FreshBooks keeps it as deleted, ``vis_state`` 1); an
        invoice's payments go with it. One already gone (a resend) counts as done."""
        try:
            if kind in REFUND_KINDS:
                self.client.update("credit_notes", target.ledger_id, {"vis_state": 1})
            elif kind == "payment":
                self.client.update("payments", target.ledger_id, {"vis_state": 1})
            else:
                for pay in self.client.list("payments", {"invoiceid": target.ledger_id}):
                    self.client.update("payments", pay["id"], {"vis_state": 1})
                self.client.delete("invoices", target.ledger_id)  # invoices: HTTP DELETE
        except FreshBooksFault as fault:
            if not fault.not_found:
                raise fault.about(f"{LABEL.get(kind, kind)} {target.doc_number or ''}".strip()
                                  ) from None
        return PostedRef(ledger_id=target.ledger_id, doc_number=target.doc_number,
                         total=Decimal(0), extra={"deleted": "1"})

    def create_payment(self, payment: LedgerPayment, invoice: PostedRef, resolution: Resolution,
                       request_id: str) -> PostedRef:
        """Record ``payment`` on the posted invoice (partial payments too)."""
        try:
            row = self.client.create("payments", documents.payment_of(payment,
                                                                      invoice.ledger_id))
        except FreshBooksFault as fault:
            raise fault.about(f"the payment for invoice {invoice.doc_number or invoice.ledger_id}"
                              ) from None
        return payment_ref(row)

    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """FreshBooks keeps no stock the store should follow: nothing, ever."""
        return [], self._clock.now().astimezone(UTC)

    # -- connection -------------------------------------------------------------------------
    def check(self) -> list[CheckResult]:
        """Sign-in, the business, and its taxes, in plain words."""
        steps = ("Signed in to FreshBooks", "Business", "Taxes")
        results: list[CheckResult] = []
        try:
            self.tokens.access_token()
            results.append(CheckResult(steps[0], True))
            me = self.client.identity()
            businesses = [m.get("business") or {} for m in me.get("business_memberships") or []]
            mine = next((b for b in businesses if b.get("account_id") == self.account_id), None)
            if mine is None:
                names = ", ".join(f"'{b.get('name')}'" for b in businesses) or "none"
                results.append(CheckResult(steps[1], False, (
                    f"this sign-in cannot reach account {self.account_id} (its businesses: "
                    f"{names}); sign in as a user of that business, or pick another")))
                return results
            results.append(CheckResult(steps[1], True, f"posting to '{mine.get('name')}' "
                                                       f"(account {self.account_id})"))
            taxes = self.lookups.taxes(refresh=True)
            listed = ", ".join(f"{t.get('name')} {t.get('amount')}%" for t in taxes)
            results.append(CheckResult(steps[2], True, (
                f"{len(taxes)} set up ({listed})" if taxes else
                "none set up yet: the first taxed order adds one per store rate")))
        except SyncError as exc:
            results.append(CheckResult(steps[len(results)], False, str(exc)))
        return results

    def close(self) -> None:
        """Release network resources."""
        self.client.close()

    # -- internals --------------------------------------------------------------------------
    def _finished(self, row: dict[str, Any], document: SalesDocument) -> PostedRef:
        """An invoice marked sent (drafts are left out of reports; an unpaid order's stays one
        when the rule says so) and, for a sales receipt, paid; a step whose answer was lost
        before is done now."""
        keep_draft = document.kind != "sales_receipt" and self.unpaid_status == "draft"
        if not keep_draft and (row.get("v3_status") == "draft"
                               or row.get("display_status") == "draft"):
            row = self.client.update("invoices", row["id"], {"action_mark_as_sent": True})
        if document.kind == "sales_receipt":
            self._settle_payment(row, document)
            row = self.client.get("invoices", row["id"])
        return invoice_ref(row)

    def _settle_payment(self, row: dict[str, Any], document: SalesDocument) -> None:
        """The sale's own payment (its note starts ``SALE_PAYMENT``; the invoice's later
        revisions carry other keys) equals its total: created, or corrected after an update."""
        ours = [p for p in self.client.list("payments", {"invoiceid": str(row["id"])})
                if str(p.get("note") or "").startswith(documents.SALE_PAYMENT)]
        total = to_decimal((row.get("amount") or {}).get("amount") or "0")
        if ours:
            if to_decimal(ours[0]["amount"]["amount"]) != total:
                self.client.update("payments", ours[0]["id"], {"amount": {"amount": str(total)}})
            return
        if total > 0:
            note = f"{documents.SALE_PAYMENT} {document.private_note}".strip()
            if document.payment_ref:
                note += f" Ref {document.payment_ref}"
            self.client.create("payments", documents.payment_body(
                str(row["id"]), total, document.txn_date.isoformat(), document.payment_method,
                note))


def _key(document: SalesDocument) -> str:
    note = document.private_note
    return note.split(notes.KEY_MARK, 1)[1].strip() if notes.KEY_MARK in note else ""


def _customer_of(document: SalesDocument) -> LedgerCustomer:
    """Enough of the document's customer to find its client again."""
    key = document.customer_key
    email = document.email or (key.removeprefix("email:").split(" (")[0]
                               if key.startswith("email:") else "")
    return LedgerCustomer(key=key, display_name=norm(email) or key, email=email,
                          currency=document.currency)
