"""``QboLedger``: the engine's ``PushLedger`` for QuickBooks Online.

Each posting is one QBO write carrying the engine's deterministic request id, and its PrivateNote
carries the posting key, so after a lost answer ``find_posted`` can tell whether it landed. The
posted total is predicted before sending (lines, discount and the tax QuickBooks will add for
this company) and read back after, and compared with the store's to the cent. What the company is
(country, sales tax, currencies) is read when the connection is first used or tested; that and
the references are ``connection.QboConnection``, the posted answers ``posted``.
"""

from __future__ import annotations

import logging
from typing import Any

from ecom_ledger_desktop.connectors.base import ItemBooking, PostedRef, Resolution
from ecom_ledger_desktop.connectors.ledgers.qbo import bulk, documents, mapping, tax
from ecom_ledger_desktop.connectors.ledgers.qbo.client import BATCH_MAX_ITEMS, quote
from ecom_ledger_desktop.connectors.ledgers.qbo.connection import QboConnection
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.connectors.ledgers.qbo.line_items import LINE_KINDS, ensure_line_item
from ecom_ledger_desktop.connectors.ledgers.qbo.posted import (
    checked,
    closed_date,
    deleted_ref,
    is_voided,
    posted_ref,
    record_label,
)
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy

log = logging.getLogger(__name__)

OBJECT_NOT_FOUND = "610"


class QboLedger(QboConnection):
    """QuickBooks Online as a push ledger (implements ``connectors.base.PushLedger``)."""

    # -- documents ------------------------------------------------------------------------
    def find_posted(self, posting_key: str, document: SalesDocument | LedgerPayment
                    ) -> PostedRef | None:
        """The posting carrying ``posting_key`` in its PrivateNote, if QuickBooks has it."""
        if isinstance(document, LedgerPayment):
            where = f"TxnDate = {quote(document.txn_date.isoformat())}"
            customer_id = self.lookups.customers.get((document.customer_key,
                                                      document.currency.upper()))
            if customer_id:
                where += f" AND CustomerRef = {quote(customer_id)}"
            entity = "Payment"
        else:
            entity = mapping.ENTITY_OF_KIND[document.kind]
            where = f"DocNumber = {quote(document.doc_number)}"
        for row in self.client.query(f"SELECT * FROM {entity} WHERE {where}"):
            if posting_key and posting_key in str(row.get("PrivateNote") or ""):
                return posted_ref(row, entity)
        return None

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Live documents of the document's entity numbered like it (voided ones left out)."""
        entity = mapping.ENTITY_OF_KIND[document.kind]
        rows = self.client.query(
            f"SELECT * FROM {entity} WHERE DocNumber = {quote(document.doc_number)}")
        return [posted_ref(row, entity) for row in rows
                if str(row.get("DocNumber")) == document.doc_number and not is_voided(row)]

    def create_document(self, document: SalesDocument, resolution: Resolution, request_id: str,
                        linked: PostedRef | None = None) -> PostedRef:
        """Post a sales receipt / invoice / refund receipt / credit memo; checks the total.

        ``linked`` (the original sale of a refund) is not sent: QBO has no link from a
        RefundReceipt or CreditMemo to a SalesReceipt; the engine keeps that link itself.
        """
        entity = mapping.ENTITY_OF_KIND[document.kind]
        body = self._document_body(document, resolution)
        try:
            created = self.client.create(entity, body, request_id)
        except QboFault as fault:
            raise fault.about(record_label(entity, document), document.txn_date.isoformat()) from None
        return checked(created, entity, document)

    def update_document(self, target: PostedRef, document: SalesDocument, resolution: Resolution,
                        request_id: str) -> PostedRef:
        """Replace a posted document's lines and header (sparse, with the current SyncToken)."""
        entity = target.extra.get("entity") or mapping.ENTITY_OF_KIND[document.kind]
        body = self._document_body(document, resolution)
        for attempt in (1, 2):
            current = self.client.get(entity, target.ledger_id)
            sparse = {**body, "Id": target.ledger_id, "SyncToken": current["SyncToken"]}
            try:
                updated = self.client.update(
                    entity, sparse, request_id if attempt == 1 else f"{request_id}:stale")
            except QboFault as fault:
                if fault.code == "5010" and attempt == 1:
                    log.info("stale SyncToken updating %s %s; re-reading", entity,
                             target.ledger_id)
                    continue
                when = closed_date(fault, current, document)
                raise fault.about(record_label(entity, document), when) from None
            return checked(updated, entity, document)
        raise AssertionError("unreachable")  # pragma: no cover

    def void_document(self, target: PostedRef, kind: str, request_id: str) -> PostedRef:
        """Void a posted document (QBO keeps it, with zero amounts).

        Refund receipts and credit memos cannot be voided in QuickBooks Online: they are
        deleted, and one already deleted (a resend after a lost answer) counts as done; so does
        one already voided (by hand in QuickBooks, or by a void whose answer was lost).
        """
        entity = target.extra.get("entity") or mapping.ENTITY_OF_KIND[kind]
        label = f"{mapping.LABEL_OF_ENTITY.get(entity, entity)} {target.doc_number or ''}".strip()
        deleting = not self.client.can_void(entity)
        try:
            current = self.client.get(entity, target.ledger_id)
        except QboFault as fault:
            if deleting and fault.code == OBJECT_NOT_FOUND:
                return deleted_ref(target, entity)
            raise
        if not deleting and is_voided(current):  # voided by hand, or our void's answer was lost
            return posted_ref(current, entity)
        try:
            if deleting:
                self.client.delete(entity, target.ledger_id, str(current["SyncToken"]),
                                   request_id)
                return deleted_ref(target, entity)
            voided = self.client.void(entity, target.ledger_id, str(current["SyncToken"]),
                                      request_id)
        except QboFault as fault:
            raise fault.about(label, str(current.get("TxnDate") or "")) from None
        return posted_ref(voided, entity)

    def create_payment(self, payment: LedgerPayment, invoice: PostedRef, resolution: Resolution,
                       request_id: str) -> PostedRef:
        """Receive ``payment`` against the posted ``invoice`` (dated when paid, with its ref)."""
        deposit = payment.deposit_account or self.default_deposit_account
        body = documents.payment_body(
            payment, resolution.customer_id, invoice.ledger_id, self.facts(),
            self._name_id(resolution, "account", deposit),
            self._name_id(resolution, "payment_method", payment.payment_method)
            if payment.payment_method else None)
        try:
            created = self.client.create("Payment", body, request_id)
        except QboFault as fault:
            record = f"the payment for invoice {invoice.doc_number or invoice.ledger_id}"
            raise fault.about(record, payment.txn_date.isoformat()) from None
        return posted_ref(created, "Payment")

    # -- internals ------------------------------------------------------------------------
    def _document_body(self, document: SalesDocument, resolution: Resolution) -> dict[str, Any]:
        """The body, once QuickBooks' total for it (this company's tax) matches the store's."""
        facts = self.facts()
        record = record_label(mapping.ENTITY_OF_KIND[document.kind], document)
        plan = tax.plan_tax(document, facts,
                            lambda name: self._name_id(resolution, "tax_code", name),
                            self.lookups.tax_code_rate, record)
        tax.check_predicted(document, plan, facts, record)
        return documents.document_body(
            document, resolution.customer_id,
            lambda line: self._item_id(resolution, line, document),
            lambda kind, name: self._name_id(resolution, kind, name),
            plan=plan, facts=facts, default_deposit_account=self.default_deposit_account,
            record=record)

    def ensure_line_item(self, kind: str, name: str, policy: UnmappedSkuPolicy,
                         request_id: str) -> str:
        """The item for a gift-card / redemption / rounding / adjustment / fee line.

        Created (a gift card's on the "Gift Card Liability" account) when ``policy`` is
        ``create_item``; otherwise a missing one is flagged saying what to create.
        """
        if self._checking:  # a preview: an item the create would make is taken as made
            try:
                return ensure_line_item(self.lookups, kind, name, False, request_id)
            except RecordError as missing:
                if policy != "create_item" or missing.problem.code != "missing_reference":
                    raise
                return f"preview:item:{kind}:{name}"
        return ensure_line_item(self.lookups, kind, name, policy == "create_item", request_id)

    def _item_id(self, resolution: Resolution, line: DocumentLine,
                 document: SalesDocument) -> str:
        ref = line.item
        if (document.kind in ("refund_receipt", "credit_memo") and ref.item_key
                and getattr(line, "restock", True) is False):
            # not back in stock: book the refund off revenue without putting stock back
            return self._special_item(resolution, "unreturned", self.unreturned_item)
        if ref.ledger_id:
            return ref.ledger_id
        for key in (ref.item_key, ref.ledger_name):
            if key and key in resolution.item_ids:
                return resolution.item_ids[key]
        if ref.ledger_name and line.kind in LINE_KINDS:
            return self._special_item(resolution, line.kind, ref.ledger_name)
        if ref.ledger_name:
            return self.resolve_name("item", ref.ledger_name)
        raise RecordError(RecordProblem(
            "unmapped_sku",
            f"The line '{line.description or ref.item_key}' has no QuickBooks item: map it to an "
            "existing item or create it.",
            [Fix("map_sku", "Map it to an existing QuickBooks item"),
             Fix("create_item", "Create it in QuickBooks")], detail=ref.item_key or ""))

    def _special_item(self, resolution: Resolution, kind: str, name: str) -> str:
        if name in resolution.item_ids:
            return resolution.item_ids[name]
        # the pair's rule (on the resolution) or this connection's own may allow creating it
        policy: UnmappedSkuPolicy = "create_item" if "create_item" in (
            resolution.item_policy, self.item_policy) else self.item_policy
        return self.ensure_line_item(kind, name, policy, f"line-item:{kind}:{name}")

    def _name_id(self, resolution: Resolution, kind: str, name: str) -> str:
        # "account:Cash" beats a bare "Cash" (an account and a payment method may share a name).
        return (resolution.names.get(f"{kind}:{name}") or resolution.names.get(name)
                or self.resolve_name(kind, name))

    # -- income accounts (daily summaries with a line per income account) --------------------
    def item_booking(self, item_id: str | None, item: LedgerItem | None) -> ItemBooking:
        """Where item ``item_id`` books its sales (None: one we would create)."""
        if item_id and item_id.startswith("preview:"):
            item_id = None  # a preview's item to create: where it would book
        return self.income.item_booking(item_id)

    def summary_item_name(self, account: str) -> str:
        """"Daily sales — Apparel"."""
        return self.income.summary_item_name(account)

    def ensure_summary_item(self, account: str, request_id: str) -> str:
        """The summary item on ``account``, created when missing."""
        return self.income.ensure_summary_item(account, request_id)

    # -- batches (large runs) ---------------------------------------------------------------
    batch_size = BATCH_MAX_ITEMS

    def prefetch(self) -> None:
        """Load the company's customers and items once, for a large run."""
        self.lookups.prefetch()

    def find_customer(self, customer: LedgerCustomer) -> str | None:
        """An existing active match for the customer, without writing anything."""
        return self.lookups.find_customer(customer)

    def check_document(self, document: SalesDocument, resolution: Resolution) -> None:
        """Build the document's body as ``create_document`` would (tax plan, QuickBooks'
        predicted total, references), sending nothing; raises what the create would raise."""
        self._checking = True
        try:
            self._document_body(document, resolution)
        finally:
            self._checking = False

    def match_customer(self, customer: LedgerCustomer) -> tuple[str, str] | None:
        """The active match and how it matched (email, else name and postcode); no writes."""
        found = self.lookups.find_customer(customer)
        if found is None:
            return None
        return found, ("email" if self.lookups.matches_email(customer, found)
                       else "name and postcode")

    def find_item(self, item: LedgerItem) -> str | None:
        """An existing active item for the SKU (then name), without writing anything."""
        found = self.lookups.find_item_row(item)
        return str(found["Id"]) if found is not None and found.get("Active", True) is not False else None

    def create_customers(self, customers: list[LedgerCustomer], request_id: str
                         ) -> dict[str, str | RecordProblem]:
        """Create up to 30 customers in one batch request."""
        return bulk.create_customers(self, customers, request_id)

    def create_documents(self, documents: list[tuple[str, SalesDocument, Resolution]],
                         request_id: str) -> dict[str, PostedRef | RecordError]:
        """Create up to 30 sales documents in one batch request."""
        return bulk.create_documents(self, documents, request_id)

    def document_body(self, document: SalesDocument, resolution: Resolution) -> dict[str, Any]:
        """The QBO JSON of a document (shared by single and batch creates)."""
        return self._document_body(document, resolution)

    def checked(self, row: dict[str, Any], entity: str, document: SalesDocument) -> PostedRef:
        """The posted reference, after checking QuickBooks' total against the store's."""
        return checked(row, entity, document)
