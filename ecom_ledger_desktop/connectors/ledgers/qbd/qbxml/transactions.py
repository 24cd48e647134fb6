"""Sales transaction requests: SalesReceiptAdd, InvoiceAdd, CreditMemoAdd, ReceivePaymentAdd and
the queries that find them again by ``RefNumber`` (query-before-add).

Children follow the qbXML 13.0 ``xsd:sequence`` of each Add (reference B6.3/B6.4); lines are
``…LineAdd`` elements (ItemRef · Desc · Quantity · Rate · ClassRef · Amount · … ·
SalesTaxCodeRef · … · Other1 · Other2). ``RefNumber`` is not unique in QuickBooks, so a query by
it may return several documents: the one carrying our journal key in its ``Memo`` is ours.
"""
# ruff: noqa: RUF009  (amount()/price()/text()/many() are dataclasses.field() with qbXML metadata)

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import (
    Ref,
    Request,
    amount,
    many,
    price,
    request,
    text,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.lists import Address, Iterator

ADD_OF_KIND = {"sales_receipt": "SalesReceipt", "invoice": "Invoice",
               "credit_memo": "CreditMemo", "refund_receipt": "CreditMemo",
               "payment": "ReceivePayment"}


@dataclass(frozen=True)
class SalesLine:
    """A ``SalesReceiptLineAdd`` / ``InvoiceLineAdd`` / ``CreditMemoLineAdd`` (shared prefix)."""

    item_ref: Ref | None = None
    desc: str | None = text(4095)
    quantity: Decimal | None = price()
    rate: Decimal | None = price()
    class_ref: Ref | None = None
    amount: Decimal | None = amount()
    service_date: date | None = None
    sales_tax_code_ref: Ref | None = None  # Tax / Non (US)
    override_item_account_ref: Ref | None = None
    other1: str | None = text(29)
    other2: str | None = text(29)


@dataclass(frozen=True)
class SalesReceiptAdd:
    """``SalesReceiptAdd`` (schema order)."""

    customer_ref: Ref
    class_ref: Ref | None = None
    template_ref: Ref | None = None
    txn_date: date | None = None
    ref_number: str | None = text(11)
    bill_address: Address | None = None
    ship_address: Address | None = None
    is_pending: bool | None = None
    check_number: str | None = text(25)
    payment_method_ref: Ref | None = None
    due_date: date | None = None
    ship_date: date | None = None
    item_sales_tax_ref: Ref | None = None
    memo: str | None = text(4095)
    is_to_be_printed: bool | None = None
    is_to_be_emailed: bool | None = None
    is_tax_included: bool | None = None
    customer_sales_tax_code_ref: Ref | None = None
    deposit_to_account_ref: Ref | None = None
    other: str | None = text(29)
    exchange_rate: Decimal | None = None
    external_guid: str | None = None
    sales_receipt_line_add: list[SalesLine] = many()


@dataclass(frozen=True)
class InvoiceAdd:
    """``InvoiceAdd`` (schema order)."""

    customer_ref: Ref
    class_ref: Ref | None = None
    ar_account_ref: Ref | None = None
    template_ref: Ref | None = None
    txn_date: date | None = None
    ref_number: str | None = text(11)
    bill_address: Address | None = None
    ship_address: Address | None = None
    is_pending: bool | None = None
    po_number: str | None = text(25)
    terms_ref: Ref | None = None
    due_date: date | None = None
    ship_date: date | None = None
    item_sales_tax_ref: Ref | None = None
    memo: str | None = text(4095)
    is_to_be_printed: bool | None = None
    is_to_be_emailed: bool | None = None
    is_tax_included: bool | None = None
    customer_sales_tax_code_ref: Ref | None = None
    other: str | None = text(29)
    exchange_rate: Decimal | None = None
    external_guid: str | None = None
    invoice_line_add: list[SalesLine] = many()


@dataclass(frozen=True)
class CreditMemoAdd:
    """``CreditMemoAdd`` (schema order): a refund, money owed back to the customer."""

    customer_ref: Ref
    class_ref: Ref | None = None
    ar_account_ref: Ref | None = None
    template_ref: Ref | None = None
    txn_date: date | None = None
    ref_number: str | None = text(11)
    bill_address: Address | None = None
    ship_address: Address | None = None
    is_pending: bool | None = None
    po_number: str | None = text(25)
    terms_ref: Ref | None = None
    due_date: date | None = None
    ship_date: date | None = None
    item_sales_tax_ref: Ref | None = None
    memo: str | None = text(4095)
    is_to_be_printed: bool | None = None
    is_to_be_emailed: bool | None = None
    is_tax_included: bool | None = None
    customer_sales_tax_code_ref: Ref | None = None
    other: str | None = text(29)
    exchange_rate: Decimal | None = None
    external_guid: str | None = None
    credit_memo_line_add: list[SalesLine] = many()


@dataclass(frozen=True)
class AppliedToTxnAdd:
    """A payment applied to one invoice."""

    txn_id: str
    payment_amount: Decimal | None = amount()


@dataclass(frozen=True)
class ReceivePaymentAdd:
    """``ReceivePaymentAdd`` (schema order; ``RefNumber`` up to 20 here)."""

    customer_ref: Ref
    ar_account_ref: Ref | None = None
    txn_date: date | None = None
    ref_number: str | None = text(20)
    total_amount: Decimal | None = amount()
    exchange_rate: Decimal | None = None
    payment_method_ref: Ref | None = None
    memo: str | None = text(4095)
    deposit_to_account_ref: Ref | None = None
    external_guid: str | None = None
    is_auto_apply: bool | None = None
    applied_to_txn_add: list[AppliedToTxnAdd] = many()


@dataclass(frozen=True)
class TxnDateRangeFilter:
    """Documents dated in [from, to]."""

    from_txn_date: date | None = None
    to_txn_date: date | None = None


@dataclass(frozen=True)
class ModifiedDateRangeFilter:
    """Documents whose ``TimeModified`` is in [from, to], both ends included (QuickBooks'
    local date-times, best sent back exactly as QuickBooks wrote them)."""

    from_modified_date: str | None = None
    to_modified_date: str | None = None


@dataclass(frozen=True)
class EntityFilter:
    """Documents of one customer (by full name)."""

    full_name: str | None = None


@dataclass(frozen=True)
class TxnQuery:
    """The shared shape of ``SalesReceiptQuery``/``InvoiceQuery``/``CreditMemoQuery``/
    ``ReceivePaymentQuery``: ``TxnID+`` | ``RefNumber+`` | filters, then ``IncludeLineItems``
    (``IncludeLinkedTxns``: invoices only, e.g. the payments applied to one). The modified and
    the date range filters are a choice: give one at most."""

    txn_id: list[str] = many()
    ref_number: list[str] = many()
    max_returned: int | None = None
    modified_date_range_filter: ModifiedDateRangeFilter | None = None
    txn_date_range_filter: TxnDateRangeFilter | None = None
    entity_filter: EntityFilter | None = None
    include_line_items: bool | None = None
    include_linked_txns: bool | None = None
    include_ret_element: list[str] = many()


@dataclass(frozen=True)
class TransactionTypeFilter:
    """``TransactionTypeFilter``: which transaction types (``TxnTypeFilter``) to return."""

    txn_type_filter: list[str] = many()


@dataclass(frozen=True)
class TransactionQuery:
    """``TransactionQuery`` (every type at once) by ``RefNumber``."""

    max_returned: int | None = None
    ref_number: list[str] = many()
    transaction_type_filter: TransactionTypeFilter | None = None


@dataclass(frozen=True)
class ToDepositQuery:
    """``ReceivePaymentToDepositQuery``: receipts and payments still in Undeposited Funds."""

    include_ret_element: list[str] = many()


@dataclass(frozen=True)
class TxnVoid:
    """``TxnVoid``: which kind of transaction, and its TxnID."""

    txn_void_type: str  # SalesReceipt, Invoice, CreditMemo, ReceivePayment, ...
    txn_id: str


def void(request_id: str, kind: str, txn_id: str) -> Request:
    """``TxnVoidRq``: QuickBooks keeps the transaction, zeroes it and marks its memo "VOID:"
    (a cancelled order, or void-and-repost)."""
    return request("TxnVoidRq", request_id, TxnVoid(kind, txn_id))


def add(request_id: str, document: SalesReceiptAdd | InvoiceAdd | CreditMemoAdd
        | ReceivePaymentAdd) -> Request:
    """``…AddRq`` for the document's type."""
    kind = type(document).__name__
    return request(f"{kind}Rq", request_id, document, wrap=kind)


def query_by_ref(kind: str, request_id: str, ref_numbers: list[str]) -> Request:
    """``<Kind>QueryRq`` by ``RefNumber`` (kind: SalesReceipt, Invoice, CreditMemo,
    ReceivePayment): the query before an add whose earlier outcome is unknown."""
    return request(f"{kind}QueryRq", request_id, TxnQuery(ref_number=ref_numbers))


def txn_query(kind: str, request_id: str, query: TxnQuery, *, iterator: Iterator | None = None,
              iterator_id: str | None = None) -> Request:
    """Any ``<Kind>QueryRq``, optionally with an iterator (``MaxReturned`` is the chunk)."""
    attributes: dict[str, str] = {}
    if iterator is not None:
        attributes["iterator"] = iterator
        if iterator_id is not None:
            attributes["iteratorID"] = iterator_id
    return request(f"{kind}QueryRq", request_id, query, attributes=attributes)


def to_deposit_query(request_id: str) -> Request:
    """``ReceivePaymentToDepositQueryRq``: what is not deposited yet (a sales receipt or payment
    that was in Undeposited Funds and is not listed has gone into a bank deposit)."""
    return request("ReceivePaymentToDepositQueryRq", request_id,
                   ToDepositQuery(["TxnID", "TxnType"]))


def transaction_query(request_id: str, ref_numbers: list[str],
                      types: list[str] | None = None) -> Request:
    """``TransactionQueryRq`` by ``RefNumber`` across types (``SalesReceipt``, ``Invoice``, …)."""
    return request("TransactionQueryRq", request_id, TransactionQuery(
        ref_number=ref_numbers,
        transaction_type_filter=TransactionTypeFilter(types) if types else None))
