"""Sales documents (receipt, invoice, refund receipt, credit memo) as QuickBooks Online JSON.

Discounts are posted as one ``DiscountLineDetail`` line with a positive, fixed (not percent)
Amount: that is the discount line the QBO reference documents ("discount Amount is positive and
subtracted from the subtotal"), it needs no "Discount" item, and QBO subtracts it as given, so the
total stays exact. Tax codes and header tax fields come from a ``tax.TaxPlan`` (chosen by what the
company is); a foreign-currency document carries the store's exchange rate when the company's
home currency is the store's base currency, so QuickBooks' home amount is the store's base amount.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyFacts
from ecom_ledger_desktop.connectors.ledgers.qbo.mapping import (
    DESCRIPTION_MAX,
    DOC_NUMBER_MAX,
    ENTITY_OF_KIND,
    PRIVATE_NOTE_MAX,
    address,
    clean_text,
    normalise_email,
    valid_email,
)
from ecom_ledger_desktop.connectors.ledgers.qbo.tax import TaxPlan
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import DocumentLine, LedgerPayment, SalesDocument

ItemIdOf = Callable[[DocumentLine], str]
NameId = Callable[[str, str], str]
PAYMENT_REF_MAX = 21  # PaymentRefNum: 21 in the older reference, 100 in the newer; keep to 21
RATE_DECIMALS = range(4, 13)  # ExchangeRate precisions tried, fewest first
_REF_ENTITIES = ("SalesReceipt", "RefundReceipt")  # the forms that carry PaymentRefNum


def document_body(document: SalesDocument, customer_id: str, item_id_of: ItemIdOf,
                  name_id: NameId, *, plan: TaxPlan, facts: CompanyFacts,
                  default_deposit_account: str, record: str) -> dict[str, Any]:
    """The QBO JSON of a sales document (no Id/SyncToken)."""
    entity = ENTITY_OF_KIND[document.kind]
    if len(document.doc_number) > DOC_NUMBER_MAX:
        raise RecordError(RecordProblem(
            "invalid_data",
            f"The document number '{document.doc_number}' is longer than the "
            f"{DOC_NUMBER_MAX} characters QuickBooks allows.",
            [Fix("edit_field", "Shorten the document number")]))
    body: dict[str, Any] = {
        "DocNumber": document.doc_number,
        "TxnDate": document.txn_date.isoformat(),
        "CustomerRef": {"value": customer_id},
        "CurrencyRef": {"value": document.currency.upper()},
        "Line": document_lines(document, item_id_of, plan),
        **plan.header,
    }
    notes = [document.private_note]
    rate, rate_note = exchange_rate(document, facts, record)
    if rate is not None:
        body["ExchangeRate"] = rate
    if entity in _REF_ENTITIES and document.payment_ref:
        ref, ref_note = payment_ref(document.payment_ref)
        body["PaymentRefNum"] = ref
        notes.append(ref_note)
    notes.append(rate_note)
    note = clean_text("\n".join(n for n in notes if n), PRIVATE_NOTE_MAX)
    if note:
        body["PrivateNote"] = note
    email = normalise_email(document.email)
    if valid_email(email):
        body["BillEmail"] = {"Address": email}
    for key, value in (("BillAddr", document.bill_address), ("ShipAddr", document.ship_address)):
        physical = address(value)
        if physical:
            body[key] = physical
    if entity in _REF_ENTITIES:
        deposit = document.deposit_account
        if entity == "RefundReceipt" and not deposit:
            deposit = default_deposit_account  # RefundReceipt requires one
        if deposit:
            body["DepositToAccountRef"] = {"value": name_id("account", deposit)}
        if document.payment_method:
            body["PaymentMethodRef"] = {"value": name_id("payment_method",
                                                         document.payment_method)}
    return body


def document_lines(document: SalesDocument, item_id_of: ItemIdOf, plan: TaxPlan
                   ) -> list[dict[str, Any]]:
    """Sales item lines in order, then one fixed-amount discount line for all discounts."""
    lines: list[dict[str, Any]] = []
    discount = Decimal(0)
    for index, (line, code) in enumerate(zip(document.lines, plan.codes, strict=True)):
        if line.kind == "discount":
            discount -= line.amount  # a discount line takes from the total: amount <= 0
            continue
        lines.append(sales_item_line(line, item_id_of(line), code, plan.inclusive,
                                     document.currency,
                                     plan.gross[index] if plan.gross else None))
    if plan.inclusive and plan.discount is not None and discount:
        discount = plan.discount  # gross, as QuickBooks takes it off tax-inclusive amounts
    if discount < 0:
        raise RecordError(RecordProblem(
            "invalid_data",
            f"The discounts on {document.doc_number} add up to more than nothing "
            f"({-discount}); a discount must lower the total.",
            [Fix("edit_field", "Correct the discount")]))
    if discount:
        lines.append({"DetailType": "DiscountLineDetail", "Amount": discount,
                      "DiscountLineDetail": {"PercentBased": False}})
    return lines


def sales_item_line(line: DocumentLine, item_id: str, tax_code: str | None, inclusive: bool,
                    currency: str, gross: Decimal | None = None) -> dict[str, Any]:
    """One SalesItemLineDetail line; Qty/UnitPrice only when they multiply to the Amount.

    ``Amount`` is always net of tax; with tax-inclusive prices ``TaxInclusiveAmt`` carries the
    line's gross amount, as QuickBooks returns it for ``GlobalTaxCalculation: TaxInclusive``.
    """
    detail: dict[str, Any] = {"ItemRef": {"value": item_id}}
    if line.qty is not None and line.unit_price is not None:
        # QBO checks Amount == Qty * UnitPrice; when the store's figures don't multiply out
        # exactly (per-line rounding), the amount wins and the pair is left out.
        if round_money(line.qty * line.unit_price, currency) == round_money(line.amount, currency):
            detail["Qty"] = line.qty
            detail["UnitPrice"] = line.unit_price
    elif line.qty is not None and line.amount == 0:
        detail["Qty"] = line.qty
    if tax_code is not None:
        detail["TaxCodeRef"] = {"value": tax_code}
    if inclusive:
        detail["TaxInclusiveAmt"] = gross if gross is not None else line.amount + line.tax_amount
    body: dict[str, Any] = {"DetailType": "SalesItemLineDetail", "Amount": line.amount,
                            "SalesItemLineDetail": detail}
    description = clean_text(line.description, DESCRIPTION_MAX)
    if description:
        body["Description"] = description
    return body


def exchange_rate(document: SalesDocument, facts: CompanyFacts, record: str
                  ) -> tuple[Decimal | None, str]:
    """The ``ExchangeRate`` to send (None: none) and a note when QuickBooks picks its own.

    The store's rate is sent when the company's home currency is the store's base currency;
    its precision is chosen so that QuickBooks' home total (total × rate, to the cent) equals
    the store's base total.
    """
    currency = document.currency.upper()
    home = facts.home_currency.upper()
    if currency == home:
        return None, ""
    if not facts.multicurrency:
        raise RecordError(RecordProblem(
            "currency_not_enabled",
            f"{record} is in {currency} but multicurrency is off in this QuickBooks company "
            f"(home currency {home}). Turn on multicurrency in QuickBooks (Account and settings, "
            "Advanced, Currency), test the connection again, then retry.",
            [Fix("retry", "Retry after turning on multicurrency"), Fix("ignore", "Ignore")]))
    base = (document.base_currency or currency).upper()
    if base != home or document.base_rate is None:
        why = (f"the store's base currency {base} is not the company's home currency {home}"
               if base != home else "the store sent no exchange rate")
        return None, f"Exchange rate: QuickBooks' own for {currency} ({why})."
    return _fitted_rate(document, record), ""


def _fitted_rate(document: SalesDocument, record: str) -> Decimal:
    rate = document.base_rate
    assert rate is not None
    total, base_total = document.total, document.base_total
    if base_total is None or total == 0:
        return rate
    home = document.base_currency or document.currency
    target = round_money(base_total, home)
    if round_money(total * rate, home) == target:
        return rate
    for places in RATE_DECIMALS:
        candidate = round(base_total / total, places)
        if round_money(total * candidate, home) == target:
            return candidate
    raise RecordError(RecordProblem(
        "exchange_rate_mismatch",
        f"{record}: no exchange rate makes QuickBooks' home total equal the store's base total "
        f"{target} (store rate {rate}). Check the order's base amounts in the store, then retry.",
        [Fix("retry", "Retry"), Fix("ignore", "Ignore")],
        detail=f"total={total} base_total={base_total} rate={rate}"))


def payment_ref(value: str) -> tuple[str, str]:
    """``PaymentRefNum`` (≤21: the tail of a longer id) and a note keeping the full id."""
    text = clean_text(value, 200)
    if len(text) <= PAYMENT_REF_MAX:
        return text, ""
    return text[-PAYMENT_REF_MAX:], f"Payment reference: {text}"


def payment_body(payment: LedgerPayment, customer_id: str, invoice_id: str, facts: CompanyFacts,
                 deposit_id: str, method_id: str | None) -> dict[str, Any]:
    """A Payment applied to one invoice: dated when paid, with the provider's transaction id."""
    body: dict[str, Any] = {
        "CustomerRef": {"value": customer_id},
        "TotalAmt": payment.amount,
        "TxnDate": payment.txn_date.isoformat(),
        "CurrencyRef": {"value": payment.currency.upper()},
        "Line": [{"Amount": payment.amount,
                  "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
        "DepositToAccountRef": {"value": deposit_id},
    }
    if method_id:
        body["PaymentMethodRef"] = {"value": method_id}
    notes = [payment.private_note]
    if payment.payment_ref:
        ref, ref_note = payment_ref(payment.payment_ref)
        body["PaymentRefNum"] = ref
        notes.append(ref_note)
    home = facts.home_currency.upper()
    if payment.currency.upper() != home and facts.multicurrency:
        if (payment.base_currency or payment.currency).upper() == home and payment.base_rate:
            body["ExchangeRate"] = payment.base_rate
        else:
            notes.append(f"Exchange rate: QuickBooks' own for {payment.currency.upper()}.")
    note = clean_text("\n".join(n for n in notes if n), PRIVATE_NOTE_MAX)
    if note:
        body["PrivateNote"] = note
    return body
