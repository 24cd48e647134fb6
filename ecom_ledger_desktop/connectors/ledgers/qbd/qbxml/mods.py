"""Editing a posted sales document: ``SalesReceiptMod``, ``InvoiceMod``, ``CreditMemoMod``.

A Mod names the document (``TxnID``) and the ``EditSequence`` QuickBooks last gave it (read by a
query just before: a stale one is refused with 3200). Its lines replace the document's: each is
a ``…LineMod`` with ``TxnLineID`` "-1" (a new line), and lines left out are deleted. Children
follow the qbXML 13.0 ``xsd:sequence`` of each Mod (the header as in the Add, without
``ExternalGUID``; ``InvoiceMod`` has ``SetCredit`` before its lines, not sent).
"""
# ruff: noqa: RUF009  (amount()/price()/text()/many() are dataclasses.field() with qbXML metadata)

from __future__ import annotations

from dataclasses import dataclass, fields
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
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.lists import Address
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.transactions import (
    CreditMemoAdd,
    InvoiceAdd,
    SalesLine,
    SalesReceiptAdd,
)

NEW_LINE = "-1"  # TxnLineID of a line the Mod adds


@dataclass(frozen=True)
class SalesLineMod:
    """A ``SalesReceiptLineMod`` / ``InvoiceLineMod`` / ``CreditMemoLineMod``."""

    txn_line_id: str = NEW_LINE
    item_ref: Ref | None = None
    desc: str | None = text(4095)
    quantity: Decimal | None = price()
    rate: Decimal | None = price()
    class_ref: Ref | None = None
    amount: Decimal | None = amount()
    service_date: date | None = None
    sales_tax_code_ref: Ref | None = None
    override_item_account_ref: Ref | None = None
    other1: str | None = text(29)
    other2: str | None = text(29)


@dataclass(frozen=True)
class SalesReceiptMod:
    """``SalesReceiptMod`` (schema order)."""

    txn_id: str
    edit_sequence: str
    customer_ref: Ref | None = None
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
    sales_receipt_line_mod: list[SalesLineMod] = many()


@dataclass(frozen=True)
class _ReceivableMod:
    """The header ``InvoiceMod`` and ``CreditMemoMod`` share (schema order); each adds its line
    list last."""

    txn_id: str
    edit_sequence: str
    customer_ref: Ref | None = None
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


@dataclass(frozen=True)
class InvoiceMod(_ReceivableMod):
    """``InvoiceMod`` (schema order)."""

    invoice_line_mod: list[SalesLineMod] = many()


@dataclass(frozen=True)
class CreditMemoMod(_ReceivableMod):
    """``CreditMemoMod`` (schema order)."""

    credit_memo_line_mod: list[SalesLineMod] = many()


_MOD_OF: dict[type, tuple[type, str, str]] = {
    SalesReceiptAdd: (SalesReceiptMod, "sales_receipt_line_add", "sales_receipt_line_mod"),
    InvoiceAdd: (InvoiceMod, "invoice_line_add", "invoice_line_mod"),
    CreditMemoAdd: (CreditMemoMod, "credit_memo_line_add", "credit_memo_line_mod"),
}


def line_mod(line: SalesLine) -> SalesLineMod:
    """The Add line as a new line of a Mod."""
    return SalesLineMod(NEW_LINE, **{f.name: getattr(line, f.name) for f in fields(line)})


def as_mod(document: SalesReceiptAdd | InvoiceAdd | CreditMemoAdd, txn_id: str,
           edit_sequence: str) -> SalesReceiptMod | InvoiceMod | CreditMemoMod:
    """The Mod that makes the posted document ``txn_id`` what ``document`` would add."""
    mod_type, add_lines, mod_lines = _MOD_OF[type(document)]
    header = {f.name: getattr(document, f.name) for f in fields(document)
              if f.name not in (add_lines, "external_guid")}
    lines = [line_mod(line) for line in getattr(document, add_lines)]
    result: SalesReceiptMod | InvoiceMod | CreditMemoMod = mod_type(
        txn_id=txn_id, edit_sequence=edit_sequence, **header, **{mod_lines: lines})
    return result


def mod(request_id: str, document: SalesReceiptMod | InvoiceMod | CreditMemoMod) -> Request:
    """``…ModRq`` for the document's type."""
    kind = type(document).__name__
    return request(f"{kind}Rq", request_id, document, wrap=kind)
