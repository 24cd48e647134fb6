"""Ledger documents (``models/ledger.py``) as qbXML requests, the QuickBooks Desktop way.

- Tax (``tax_treatment == "ledger"``): each line is ``Tax`` or ``Non`` by the store's own per-line
  tax, the form's ``ItemSalesTaxRef`` is a 0 % sales tax item (so QuickBooks adds no tax of its
  own), and the store's exact tax is one line per store rate on the Sales Tax item mapped to
  that rate: a sales-tax-type item, so it counts in QuickBooks' sales tax liability. ``line_item``
  posts the store's ``tax`` lines on their item, everything ``Non``.
- Discounts, shipping, gift cards sold, redemptions, rounding, fees and extra refunds are lines
  on their own items (the line's item, else the one the books name for that kind), as the
  QuickBooks Online connector posts them; a refunded product that did not go back to stock posts
  on the "unreturned" item so QuickBooks does not put it back on hand.
- QuickBooks Desktop has no refund receipt in qbXML's sales forms: refunds are credit memos.
- ``RefNumber`` is the store's number (≤ 11, else the deterministic short form of
  ``limits.ref_number``); the ``Memo`` carries the note with ``ecom-ledger key: <key>`` and
  ``Other`` the full store number, so a query by ``RefNumber`` settles an unknown outcome
  (:func:`settle`).
- A foreign-currency document carries the store's rate as ``ExchangeRate`` when the company's
  home currency is the store's base currency (precision chosen so that total × rate is the
  store's base total to the cent). Dates are the model's, already in the store's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks, rate_key
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Ref, Request, format_price
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.entities import address
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.mods import as_mod, mod
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.parse import TxnRecord
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.transactions import (
    AppliedToTxnAdd,
    CreditMemoAdd,
    InvoiceAdd,
    ReceivePaymentAdd,
    SalesLine,
    SalesReceiptAdd,
    add,
)
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import DocumentLine, LedgerPayment, SalesDocument

KEY_IN_MEMO = re.compile(r"ecom-ledger key: (?P<key>\S+)")
ZERO = Decimal(0)
RATE_DECIMALS = range(4, 13)
ItemNameOf = Callable[[DocumentLine], str]


def default_item_name(line: DocumentLine, books: QbdBooks) -> str:
    """The QuickBooks item a line posts to: its own, its SKU's, or the books' item for its kind."""
    if line.item.ledger_name:
        return limits.clean_name(line.item.ledger_name, f"the item '{line.item.ledger_name}'")
    if line.kind == "item" and line.restock is False:
        return books.line_items["unreturned"]
    if line.item.item_key and line.item.item_key.startswith("sku:"):
        return limits.item_name(line.item.item_key.removeprefix("sku:"))
    if line.kind in books.line_items:
        return books.line_items[line.kind]
    raise RecordError(RecordProblem(
        "unmapped_sku", f"The line '{line.description or line.kind}' has no QuickBooks item. "
        "Map it in the posting rules, then retry.",
        [Fix("map_sku", "Map it to a QuickBooks item"), Fix("retry", "Retry")]))


def _record(document: SalesDocument) -> str:
    return f"{document.kind.replace('_', ' ')} {document.doc_number}"


def _line(line: DocumentLine, item: str, code: str, currency: str) -> SalesLine:
    quantity = None if line.kind != "item" or line.restock is False else line.qty
    rate = None
    if quantity is not None and line.unit_price is not None:
        sent = Decimal(format_price(line.unit_price))  # as QuickBooks will read it
        if round_money(quantity * sent, currency) == round_money(line.amount, currency):
            rate = sent  # QuickBooks checks Amount = Quantity × Rate; else Amount alone
    return SalesLine(item_ref=Ref.named(item),
                     desc=limits.fit_text(line.description, limits.DESC_MAX, multiline=True) or None,
                     quantity=quantity, rate=rate, amount=round_money(line.amount, currency),
                     sales_tax_code_ref=Ref.named(code))


def _tax_lines(document: SalesDocument, books: QbdBooks) -> list[SalesLine]:
    """One line per store rate on its Sales Tax item, together exactly the store's tax."""
    currency = document.currency
    per_rate: dict[str, Decimal] = {}
    for line in document.lines:
        if line.taxable and (line.tax_amount or line.tax_rate):
            key = rate_key(line.tax_rate) if line.tax_rate is not None else ""
            per_rate[key] = per_rate.get(key, ZERO) + line.tax_amount
    total = round_money(document.tax_total, currency)
    if not per_rate and total:
        per_rate[""] = ZERO
    if not per_rate:
        return []
    gap = total - round_money(sum(per_rate.values(), ZERO), currency)
    largest = max(per_rate, key=lambda k: (abs(per_rate[k]), k))
    per_rate[largest] += gap  # shipping tax, rounding: on the main rate
    lines = []
    for key, value in sorted(per_rate.items()):
        item = books.tax_items.get(key) or (document.tax_code if key == "" else None)
        if not item:
            shown = key or "RATE"
            raise RecordError(RecordProblem(
                "unmapped_tax_rate",
                f"{_record(document)} is taxed at {key or 'a rate the store did not name'}"
                f"{'%' if key else ''} but no QuickBooks Sales Tax item is mapped to that rate. "
                f"Map it (rules set PAIR tax_codes.{shown} \"<sales tax item>\", or the "
                "connection's Sales Tax items per rate), then retry.",
                [Fix("edit_field", "Map the tax rate to a Sales Tax item"), Fix("retry", "Retry")],
                detail=key))
        lines.append(SalesLine(item_ref=Ref.named(item), desc=f"Sales tax {key}%" if key else
                               "Sales tax", amount=round_money(value, currency)))
    return lines


def sales_lines(document: SalesDocument, books: QbdBooks,
                item_name_of: ItemNameOf | None = None) -> list[SalesLine]:
    """The document's lines, then (tax in QuickBooks' tax system) its sales tax lines."""
    ledger_tax = document.tax_treatment == "ledger"
    lines = []
    for line in document.lines:
        item = item_name_of(line) if item_name_of else default_item_name(line, books)
        code = books.taxable_code if ledger_tax and line.taxable else books.non_taxable_code
        lines.append(_line(line, item, code, document.currency))
    if ledger_tax:
        lines.extend(_tax_lines(document, books))
    predicted = round_money(sum((line.amount or ZERO for line in lines), ZERO), document.currency)
    expected = round_money(document.total, document.currency)
    if predicted != expected:
        raise RecordError(RecordProblem(
            "total_mismatch",
            f"QuickBooks would total {_record(document)} at {predicted} {document.currency} but "
            f"the store's total is {expected}; nothing was posted. Check the order's lines and "
            "tax in the store, then retry.",
            [Fix("retry", "Retry"), Fix("ignore", "Ignore this record")],
            detail=f"predicted={predicted} expected={expected}"))
    return lines


def exchange_rate(document: SalesDocument, books: QbdBooks) -> tuple[Decimal | None, str]:
    """The ``ExchangeRate`` to send (None: none) and a memo note when QuickBooks picks its own."""
    currency = document.currency.upper()
    home = books.home_currency.upper()
    if currency == home:
        return None, ""
    if not books.multicurrency:
        raise RecordError(RecordProblem(
            "currency_not_enabled",
            f"{_cap(_record(document))} is in {currency} but multicurrency is off in this "
            f"QuickBooks company (home currency {home}). Turn it on in QuickBooks (Edit > "
            "Preferences > Multiple Currencies), then retry.",
            [Fix("retry", "Retry after turning on multicurrency"), Fix("ignore", "Ignore")]))
    base = (document.base_currency or currency).upper()
    if base != home or document.base_rate is None:
        return None, f"Exchange rate: QuickBooks' own for {currency}."
    rate = document.base_rate
    if document.base_total is None or document.total == 0:
        return rate, ""
    target = round_money(document.base_total, home)
    if round_money(document.total * rate, home) == target:
        return rate, ""
    for places in RATE_DECIMALS:
        candidate = round(document.base_total / document.total, places)
        if round_money(document.total * candidate, home) == target:
            return candidate, ""
    return rate, f"Exchange rate: the store's {rate} (base total {target})."


def memo(note: str, *extra: str) -> str | None:
    """The memo: the note (with the journal key at its end) and extra notes before it."""
    text = "\n".join(part for part in (*extra, note) if part)
    return limits.fit_tail(text, limits.MEMO_MAX, "the memo") or None


def document_request(request_id: str, document: SalesDocument, customer_name: str,
                     books: QbdBooks, item_name_of: ItemNameOf | None = None) -> Request:
    """``SalesReceiptAddRq``/``InvoiceAddRq``/``CreditMemoAddRq`` for a ledger document."""
    return add(request_id, document_add(document, customer_name, books, item_name_of))


def document_mod_request(request_id: str, document: SalesDocument, customer_name: str,
                         books: QbdBooks, item_name_of: ItemNameOf | None, txn_id: str,
                         edit_sequence: str) -> Request:
    """``SalesReceiptModRq``/``InvoiceModRq``/``CreditMemoModRq``: the posted document
    ``txn_id`` (at ``edit_sequence``) becomes what ``document`` would add, lines replaced."""
    return mod(request_id, as_mod(document_add(document, customer_name, books, item_name_of),
                                  txn_id, edit_sequence))


def document_add(document: SalesDocument, customer_name: str, books: QbdBooks,
                 item_name_of: ItemNameOf | None = None
                 ) -> SalesReceiptAdd | InvoiceAdd | CreditMemoAdd:
    """The Add aggregate of a ledger document (lines, tax lines, exchange rate, memo)."""
    lines = sales_lines(document, books, item_name_of)
    rate, rate_note = exchange_rate(document, books)
    payment_note = f"Payment reference: {document.payment_ref}" if document.payment_ref else ""
    ref = limits.ref_number(document.doc_number)
    other = limits.fit_text(document.doc_number, limits.OTHER_MAX) or None
    header: dict[str, Any] = {
        "customer_ref": Ref.named(customer_name), "txn_date": document.txn_date,
        "ref_number": ref, "bill_address": address(document.bill_address),
        "ship_address": address(document.ship_address),
        "item_sales_tax_ref": Ref.named(books.zero_tax_item)
        if document.tax_treatment == "ledger" else None,
        "memo": memo(document.private_note, payment_note, rate_note),
        "other": other, "exchange_rate": rate,
    }
    if document.kind == "sales_receipt":
        return SalesReceiptAdd(
            **header,
            payment_method_ref=Ref.named(document.payment_method)
            if document.payment_method else None,
            deposit_to_account_ref=Ref.named(document.deposit_account or books.deposit_account),
            sales_receipt_line_add=lines)
    if document.kind == "invoice":
        return InvoiceAdd(**header, invoice_line_add=lines)
    return CreditMemoAdd(**header, credit_memo_line_add=lines)


def payment_request(request_id: str, payment: LedgerPayment, customer_name: str,
                    invoice_txn_id: str, ref_number: str, books: QbdBooks) -> Request:
    """``ReceivePaymentAddRq`` applying ``payment`` to the invoice ``invoice_txn_id``."""
    currency = payment.currency.upper()
    rate = None
    notes = []
    if currency != books.home_currency.upper() and books.multicurrency:
        if (payment.base_currency or currency).upper() == books.home_currency.upper() \
                and payment.base_rate:
            rate = payment.base_rate
        else:
            notes.append(f"Exchange rate: QuickBooks' own for {currency}.")
    if payment.payment_ref:
        notes.append(f"Payment reference: {payment.payment_ref}")
    amount = round_money(payment.amount, currency)
    return add(request_id, ReceivePaymentAdd(
        customer_ref=Ref.named(customer_name), txn_date=payment.txn_date,
        ref_number=limits.ref_number(ref_number, limits.PAYMENT_REF_NUMBER_MAX),
        total_amount=amount, exchange_rate=rate,
        payment_method_ref=Ref.named(payment.payment_method) if payment.payment_method else None,
        memo=memo(payment.private_note, *notes),
        deposit_to_account_ref=Ref.named(payment.deposit_account or books.deposit_account),
        applied_to_txn_add=[AppliedToTxnAdd(invoice_txn_id, amount)]))


def check_posted(record: TxnRecord, document: SalesDocument) -> RecordProblem | None:
    """After an add: QuickBooks' total against the store's, to the cent (None when equal).

    A difference means the document is in QuickBooks with another total (a tax item whose
    amount QuickBooks recomputed, a preference); the problem offers void-and-repost.
    """
    expected = round_money(document.total, document.currency)
    actual = round_money(record.total_amount or ZERO, document.currency)
    if actual == expected:
        return None
    return RecordProblem(
        "total_mismatch",
        f"QuickBooks totals {_record(document)} at {actual} {document.currency} but the "
        f"store's total is {expected}. It is in QuickBooks as {record.kind} {record.ref_number} "
        "(TxnID " + record.txn_id + "); void it and post again once the cause is fixed.",
        [Fix("void_and_repost", "Void it in QuickBooks and post it again"),
         Fix("ignore", "Keep QuickBooks' total")],
        detail=f"TxnID={record.txn_id} TotalAmount={actual} expected={expected}")


def settle(records: list[TxnRecord], key: str) -> list[TxnRecord]:
    """The documents among ``records`` (a query by ``RefNumber``) that carry journal ``key``.

    Empty: the earlier add did not happen, add it now. One: it happened, record its TxnID.
    More than one: a duplicate exists already; the caller flags it.
    """
    return [record for record in records
            if any(match.group("key") == key for match in KEY_IN_MEMO.finditer(record.memo))]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
