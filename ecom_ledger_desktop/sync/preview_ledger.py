"""A ledger wrapper for the exact preview: reads from the real ledger, records every write.

The dispatcher drives it exactly as it drives the real ledger (``sync/preview.py``). Look-ups
(names, accounts, posted documents) go to the real ledger, which is only read; a customer or
item is matched with the ledger's read-only finders (``LookupLedger``) and, when none matches,
recorded as one to create; documents, payments and voids are recorded instead of sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecom_ledger_desktop.connectors.base import (
    CheckResult,
    DocumentChecker,
    IncomeAccountLedger,
    ItemBooking,
    LookupLedger,
    PostedRef,
    PushLedger,
    Resolution,
)
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.models.ledger import (
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy
from ecom_ledger_desktop.sync.preview_model import PreviewCustomer, PreviewItem

PREVIEW_ID = "preview:"  # ids the recorder hands back start with this; never sent anywhere


@dataclass
class RecordedWrite:
    """One document write the run would have sent."""

    op: str  # create | update | void | payment
    request_id: str
    document: SalesDocument | None = None
    payment: LedgerPayment | None = None
    customer_id: str = ""
    kind: str = ""


class RecordingLedger:
    """Answers look-ups from ``real`` (read-only) and records the writes a run would make."""

    def __init__(self, real: PushLedger, label: str) -> None:
        self.real = real
        self.label = label
        self.writes: list[RecordedWrite] = []
        self.customers: dict[str, PreviewCustomer] = {}  # ledger id -> how it was chosen
        self.new_items: dict[str, PreviewItem] = {}
        self._finder = real if isinstance(real, LookupLedger) else None

    # -- references: read, or recorded as "to create" -------------------------------------------
    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """The matching customer's real id, else a preview id for one to be created."""
        match = self._finder.match_customer(customer) if self._finder else None
        if match is not None:
            found, how = match
            self.customers[found] = PreviewCustomer(
                customer.key, customer.display_name, customer.email, "matched",
                f"matched by {how}", found)
            return found
        by = "email" if customer.email else "name"
        new_id = f"{PREVIEW_ID}customer:{customer.key}"
        if self._finder is None:
            action, reason = "unknown", (f"matched or created when posting ({self.label} cannot "
                                         "be searched without writing)")
        else:
            action, reason = "new", f"new: no customer with this {by} in {self.label}"
        self.customers[new_id] = PreviewCustomer(customer.key, customer.display_name,
                                                 customer.email, action, reason)
        return new_id

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The item by SKU; else what the unmapped-SKU policy would do, without doing it."""
        found = self._finder.find_item(item) if self._finder else None
        if found is not None:
            return found
        if policy == "standard_item":
            return self.real.resolve_name("item", standard_item)
        if policy == "flag" and self._finder is not None:
            raise RecordError(RecordProblem(
                "unmapped_sku",
                f"SKU '{item.sku}' ({item.name}) is not in {self.label}: map it to an existing "
                "item or create it.",
                [Fix("map_sku", f"Map it to an existing {self.label} item"),
                 Fix("create_item", f"Create it in {self.label}")], detail=item.sku))
        reason = ("new: no item with this SKU" if self._finder is not None else
                  "found by SKU or handled by the unmapped-item rule when posting")
        self.new_items.setdefault(item.key, PreviewItem(item.key, item.sku, item.name, reason))
        return f"{PREVIEW_ID}item:{item.key}"

    def resolve_name(self, kind: str, name: str) -> str:
        """Read from the real ledger (it only looks up)."""
        return self.real.resolve_name(kind, name)

    def ensure_line_item(self, kind: str, name: str, policy: UnmappedSkuPolicy,
                         request_id: str) -> str:
        """The named item if it exists; else one to create (``create_item``) or the ledger's own
        flag (asked under the "flag" policy, a ledger creates nothing)."""
        try:
            return self.real.ensure_line_item(kind, name, "flag", request_id)
        except RecordError as missing:
            if policy != "create_item" or missing.problem.code != "missing_reference":
                raise
        self.new_items.setdefault(f"line:{kind}:{name}", PreviewItem(
            f"line:{kind}:{name}", "", name, f"new: the {kind.replace('_', ' ')} item"))
        return f"{PREVIEW_ID}item:line:{kind}:{name}"

    def find_posted(self, posting_key: str, document: SalesDocument | LedgerPayment
                    ) -> PostedRef | None:
        """Read from the real ledger."""
        return self.real.find_posted(posting_key, document)

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Read from the real ledger."""
        return self.real.documents_numbered(document)

    # -- writes: recorded, never sent -----------------------------------------------------------
    def _recorded(self, write: RecordedWrite, number: str | None) -> PostedRef:
        self.writes.append(write)
        return PostedRef(ledger_id=f"{PREVIEW_ID}{len(self.writes)}", doc_number=number)

    def _check(self, document: SalesDocument, resolution: Resolution) -> None:
        """What the ledger would refuse before sending is refused here too (a flag)."""
        if isinstance(self.real, DocumentChecker):
            self.real.check_document(document, resolution)

    def create_document(self, document: SalesDocument, resolution: Resolution, request_id: str,
                        linked: PostedRef | None = None) -> PostedRef:
        """Checked as the ledger would, then recorded."""
        self._check(document, resolution)
        return self._recorded(RecordedWrite("create", request_id, document,
                                            customer_id=resolution.customer_id,
                                            kind=document.kind), document.doc_number)

    def update_document(self, target: PostedRef, document: SalesDocument, resolution: Resolution,
                        request_id: str) -> PostedRef:
        """Checked as the ledger would, then recorded."""
        self._check(document, resolution)
        return self._recorded(RecordedWrite("update", request_id, document,
                                            customer_id=resolution.customer_id,
                                            kind=document.kind), target.doc_number)

    def void_document(self, target: PostedRef, kind: str, request_id: str) -> PostedRef:
        """Recorded."""
        return self._recorded(RecordedWrite("void", request_id, kind=kind), target.doc_number)

    def create_payment(self, payment: LedgerPayment, invoice: PostedRef, resolution: Resolution,
                       request_id: str) -> PostedRef:
        """Recorded."""
        return self._recorded(RecordedWrite("payment", request_id, payment=payment,
                                            customer_id=resolution.customer_id,
                                            kind="refund_payout" if payment.refund_payout
                                            else "payment"), None)

    # -- not used by a preview ------------------------------------------------------------------
    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """A preview moves no stock."""
        raise NotImplementedError("a preview moves no stock")

    def check(self) -> list[CheckResult]:
        """The real ledger's check."""
        return self.real.check()

    def close(self) -> None:
        """The real ledger belongs to its context: nothing to close here."""


class RecordingIncomeLedger(RecordingLedger):
    """The recorder of a ledger whose items book to income accounts (``IncomeAccountLedger``):
    accounts are read from it; a summary item it lacks is recorded as one to create."""

    def __init__(self, real: IncomeAccountLedger, label: str) -> None:
        super().__init__(real, label)  # type: ignore[arg-type]  # also a PushLedger
        self.accounts = real

    def item_booking(self, item_id: str | None, item: LedgerItem | None) -> ItemBooking:
        """Read from the real ledger (an item to create: where it would book)."""
        if item_id is not None and item_id.startswith(PREVIEW_ID):
            item_id = None
        return self.accounts.item_booking(item_id, item)

    def summary_item_name(self, account: str) -> str:
        """The real ledger's name for it."""
        return self.accounts.summary_item_name(account)

    def ensure_summary_item(self, account: str, request_id: str) -> str:
        """The summary item if it exists; else recorded as one to create."""
        name = self.summary_item_name(account)
        try:
            return self.real.resolve_name("item", name)
        except RecordError as missing:
            if missing.problem.code != "missing_reference":
                raise
        self.new_items.setdefault(f"summary:{account}", PreviewItem(
            f"summary:{account}", "", name, f"new: the summary item on the account {account}"))
        return f"{PREVIEW_ID}item:summary:{account}"


def recording_ledger(real: PushLedger, label: str) -> RecordingLedger:
    """The recorder for ``real``, with the optional capabilities the dispatcher asks about."""
    if isinstance(real, IncomeAccountLedger):
        return RecordingIncomeLedger(real, label)
    return RecordingLedger(real, label)
