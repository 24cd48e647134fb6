"""``QboLedger``: the engine's ``PushLedger`` for QuickBooks Online.

Each posting is one QBO write carrying the engine's deterministic request id, and its PrivateNote
carries the posting key, so after a lost answer ``find_posted`` can tell whether it landed. The
posted total is predicted before sending (lines, discount and the tax QuickBooks will add for
this company) and read back after, and compared with the store's to the cent. What the company is
(country, sales tax, currencies) is read when the connection is first used or tested.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import (
    CheckResult,
    LedgerRecord,
    PostedRef,
    PostedWithProblem,
    Resolution,
    RetireOutcome,
)
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo import bulk, documents, mapping, tax
from ecom_ledger_desktop.connectors.ledgers.qbo.client import BATCH_MAX_ITEMS, QboClient, quote
from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyCache, CompanyFacts
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.connectors.ledgers.qbo.kind import API_BASE
from ecom_ledger_desktop.connectors.ledgers.qbo.line_items import LINE_KINDS, ensure_line_item
from ecom_ledger_desktop.connectors.ledgers.qbo.lookups import QboLookups
from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
from ecom_ledger_desktop.connectors.ledgers.qbo.readback import QboReadBack
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem, SyncError
from ecom_ledger_desktop.core.money import round_money, to_decimal
from ecom_ledger_desktop.models.commerce import StockLevel
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
CDC_MAX_AGE = timedelta(days=29)  # CDC looks back 30 days at most; keep a day's margin


class TotalMismatchError(PostedWithProblem):
    """The document was posted but QuickBooks' total differs from the store's."""


class QboLedger:
    """QuickBooks Online as a push ledger (implements ``connectors.base.PushLedger``)."""

    def __init__(
        self,
        tokens: QboTokens,
        realm_id: str,
        *,
        api_base: str = API_BASE,
        minorversion: int = 75,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        income_account: str = "Sales of Product Income",
        default_deposit_account: str = "Undeposited Funds",
        clock: Clock | None = None,
        limits_scale: float = 1.0,
        batching: bool = True,
        company: CompanyCache | None = None,
        item_policy: UnmappedSkuPolicy = "flag",
        unreturned_item: str = "Returns not restocked",
    ) -> None:
        self.tokens = tokens
        self.batching = batching
        self.client = QboClient(api_base, realm_id, tokens, minorversion=minorversion,
                                policy=policy, transport=transport, limits_scale=limits_scale)
        self.company = company or CompanyCache()
        self.lookups = QboLookups(self.client, home_currency=lambda: self.facts().home_currency,
                                  income_account=income_account)
        self.default_deposit_account = default_deposit_account
        self.item_policy = item_policy  # may items for gift cards, rounding... be created?
        self.unreturned_item = unreturned_item
        self._clock = clock or SystemClock()
        self._checking = False  # check_document: build bodies, create nothing
        self._readback: QboReadBack | None = None

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Sales documents dated ``start``..``end`` as QuickBooks holds them (``ReadBackLedger``)."""
        if self._readback is None:
            self._readback = QboReadBack(self.client, self.facts().home_currency)
        return self._readback.documents_between(start, end)

    def read_calls(self) -> int:
        """Queries ``documents_between`` has made so far."""
        return self._readback.calls if self._readback is not None else 0

    def facts(self, *, refresh: bool = False) -> CompanyFacts:
        """What the company is (country, sales tax, currencies): read once, then cached."""
        return self.company.get(self.client, refresh=refresh)

    # -- references -----------------------------------------------------------------------
    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """Find (email, then name + postcode), reactivate or create the customer; its Id."""
        return self.lookups.ensure_customer(customer, request_id)

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The item by SKU (then name), else per the unmapped-SKU policy; its Id."""
        return self.lookups.ensure_item(item, policy, standard_item, request_id)

    def retire(self, kind: str, ledger_id: str, created_since: datetime,
               request_id: str) -> RetireOutcome:
        """Make a customer/item an undo no longer needs inactive, if nothing else uses it."""
        from ecom_ledger_desktop.connectors.ledgers.qbo.retire import retire

        outcome = retire(self.client, kind, ledger_id, created_since, request_id)
        if outcome.retired:  # a later posting looks it up again (and reactivates it)
            cache: dict[Any, str] = (self.lookups.customers if kind == "customer"
                                     else self.lookups.items)
            for key in [k for k, v in cache.items() if v == ledger_id]:
                del cache[key]
        return outcome

    def undo_obstacles(self, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
        """Why QuickBooks would not take some documents back cleanly (read in bulk)."""
        from ecom_ledger_desktop.connectors.ledgers.qbo.undo_checks import undo_obstacles

        return undo_obstacles(self.client, documents)

    def resolve_name(self, kind: str, name: str) -> str:
        """The Id of a named item, account, payment method or tax code (cached)."""
        return self.lookups.resolve_name(kind, name)

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
                return _posted(row, entity)
        return None

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Live documents of the document's entity numbered like it (voided ones left out)."""
        entity = mapping.ENTITY_OF_KIND[document.kind]
        rows = self.client.query(
            f"SELECT * FROM {entity} WHERE DocNumber = {quote(document.doc_number)}")
        return [_posted(row, entity) for row in rows
                if str(row.get("DocNumber")) == document.doc_number and not _voided(row)]

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
            raise fault.about(_record(entity, document), document.txn_date.isoformat()) from None
        return self._checked(created, entity, document)

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
                when = _closed_date(fault, current, document)
                raise fault.about(_record(entity, document), when) from None
            return self._checked(updated, entity, document)
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
                return _deleted(target, entity)
            raise
        if not deleting and _voided(current):  # voided by hand, or our void's answer was lost
            return _posted(current, entity)
        try:
            if deleting:
                self.client.delete(entity, target.ledger_id, str(current["SyncToken"]),
                                   request_id)
                return _deleted(target, entity)
            voided = self.client.void(entity, target.ledger_id, str(current["SyncToken"]),
                                      request_id)
        except QboFault as fault:
            raise fault.about(label, str(current.get("TxnDate") or "")) from None
        return _posted(voided, entity)

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
        return _posted(created, "Payment")

    # -- stock ----------------------------------------------------------------------------
    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """Quantities on hand of inventory items changed since ``since`` (CDC, or all)."""
        now = self._clock.now()
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        if since is None or now - since > CDC_MAX_AGE:
            rows = self.client.query("SELECT *, Sku FROM Item WHERE Type = 'Inventory'")
            cursor = self.client.last_server_time or now
        else:
            changed, server_time = self.client.cdc(["Item"], since)
            rows = changed.get("Item", [])
            cursor = server_time or now
        levels: dict[str, StockLevel] = {}
        for row in rows:
            sku = str(row.get("Sku") or "").strip()
            if not sku or row.get("status") == "Deleted" or row.get("Type") != "Inventory":
                continue
            if row.get("QtyOnHand") is None:
                continue
            levels[sku] = StockLevel(sku=sku, qty=to_decimal(row["QtyOnHand"]))
        return list(levels.values()), cursor

    # -- connection -----------------------------------------------------------------------
    def check(self) -> list[CheckResult]:
        """Sign-in, company (and what it is: tax, currencies) and item access, in plain words."""
        steps = ("Signed in to QuickBooks", "Company", "Company settings",
                 "Products and services can be read")
        results: list[CheckResult] = []
        try:
            self.tokens.access_token()
            results.append(CheckResult(steps[0], True))
            facts = self.facts(refresh=True)  # a test re-reads what the company is
            results.append(CheckResult(steps[1], True, f"connected to '{facts.name}'"))
            results.append(CheckResult(steps[2], True, facts.describe()))
            self.client.query_page("SELECT * FROM Item", 1, 1)
            results.append(CheckResult(steps[3], True))
        except SyncError as exc:
            results.append(CheckResult(steps[len(results)], False, str(exc)))
        return results

    def close(self) -> None:
        """Release network resources."""
        self.client.close()

    # -- internals ------------------------------------------------------------------------
    def _document_body(self, document: SalesDocument, resolution: Resolution) -> dict[str, Any]:
        """The body, once QuickBooks' total for it (this company's tax) matches the store's."""
        facts = self.facts()
        record = _record(mapping.ENTITY_OF_KIND[document.kind], document)
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
        return self._checked(row, entity, document)

    @staticmethod
    def _checked(row: dict[str, Any], entity: str, document: SalesDocument) -> PostedRef:
        posted = _posted(row, entity)
        expected = round_money(document.total, document.currency)
        actual = round_money(posted.total if posted.total is not None else Decimal(0),
                             document.currency)
        if actual != expected:
            raise TotalMismatchError(RecordProblem(
                "total_mismatch",
                f"QuickBooks totals {_record(entity, document)} at {actual} {document.currency} "
                f"but the store's total is {expected}. It is posted as QuickBooks Id "
                f"{posted.ledger_id}; void it and post again once the cause is fixed.",
                [Fix("void_and_repost", "Void it in QuickBooks and post it again"),
                 Fix("ignore", "Keep QuickBooks' total")],
                detail=f"{entity} Id={posted.ledger_id} TotalAmt={actual} expected={expected}"),
                posted)
        return posted


def _posted(row: dict[str, Any], entity: str) -> PostedRef:
    total = row.get("TotalAmt")
    return PostedRef(
        ledger_id=str(row["Id"]),
        doc_number=str(row["DocNumber"]) if row.get("DocNumber") is not None else None,
        sync_token=str(row.get("SyncToken")) if row.get("SyncToken") is not None else None,
        total=to_decimal(total) if total is not None else None,
        extra={"entity": entity})


def _deleted(target: PostedRef, entity: str) -> PostedRef:
    """A refund document deleted in place of a void: nothing of it is left in the books."""
    return PostedRef(ledger_id=target.ledger_id, doc_number=target.doc_number, total=Decimal(0),
                     extra={"entity": entity, "deleted": "1"})


def _voided(row: dict[str, Any]) -> bool:
    # QBO keeps a voided transaction, zeroed, with "Voided" in its PrivateNote
    return "Voided" in str(row.get("PrivateNote") or "") and not to_decimal(
        row.get("TotalAmt") or 0)


def _record(entity: str, document: SalesDocument) -> str:
    return f"{mapping.LABEL_OF_ENTITY.get(entity, entity)} {document.doc_number}"


def _closed_date(fault: QboFault, current: dict[str, Any], document: SalesDocument) -> str:
    """For a closed period, the posted date QBO protects; otherwise the document date."""
    if fault.code == "6210" and current.get("TxnDate"):
        return str(current["TxnDate"])
    return document.txn_date.isoformat()
