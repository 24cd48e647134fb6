"""Sales documents as FreshBooks invoices and credit notes, and payments.

Every line carries name, description, quantity, unit cost and the document's currency. In
"ledger" tax mode a taxed line carries the FreshBooks tax name and percent (``taxName1`` /
``taxAmount1``, and ``taxName2`` / ``taxAmount2`` when the rate maps to two taxes: a line carries
at most two); FreshBooks then computes each tax of each line, rounded to cents, which can differ
from the store's tax by a cent or so: that gap is posted as its own untaxed line ("Tax rounding")
so the invoice equals the store's total to the cent. Shipping, discounts, gift cards and
redemptions are ordinary lines (a discount is a negative line, split by the tax of the products
it was taken from).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.freshbooks.notes import for_customer
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import DocumentLine, LedgerPayment, SalesDocument

ROUNDING_LINE = "Tax rounding"
SALE_PAYMENT = "Paid in the web store."  # how a sale's own payment's note begins
#: FreshBooks payment types (reference D4), by lower-case name
PAYMENT_TYPES = {name.lower(): name for name in (
    "Check", "Credit", "Cash", "Bank Transfer", "Credit Card", "Debit", "PayPal", "2Checkout",
    "VISA", "MASTERCARD", "DISCOVER", "AMEX", "DINERS", "JCB", "ACH", "Other")}
_ALIASES = {"cheque": "Check", "card": "Credit Card", "mastercard": "MASTERCARD",
            "american express": "AMEX", "bank wire": "Bank Transfer", "wire": "Bank Transfer"}

#: (rate, mapped code, record) -> the line's FreshBooks taxes (name, percent), one or two
TaxName = Callable[[Decimal, "str | None", str], "list[tuple[str, Decimal]]"]
LineName = Callable[[DocumentLine], str]


def line_tax(amount: Decimal, rate: Decimal) -> Decimal:
    """One tax FreshBooks computes on one line (on its amount in cents): half-up to cents."""
    return (cents(amount) * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cents(amount: Decimal) -> Decimal:
    """A line's amount as FreshBooks keeps it (money has two decimals): half-up to cents."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def split_discounts(document: SalesDocument) -> list[DocumentLine]:
    """The document's lines, a taxed discount spread over the products it was taken from.

    FreshBooks taxes a negative line like any other, so a store discount taken off taxed and
    untaxed products alike is split by the products' amounts (as the store spreads it): a part
    taxed at each rate, the rest untaxed. What the spread misses by a cent of tax is left to the
    rounding line.
    """
    products = [line for line in document.lines if line.kind == "item"]
    base = sum((line.amount for line in products), Decimal(0))
    out: list[DocumentLine] = []
    for line in document.lines:
        if line.kind != "discount" or not line.taxable or line.tax_rate or not base:
            out.append(line)
            continue
        groups: dict[tuple[Decimal, str | None], Decimal] = {}
        for product in products:
            if product.taxable and product.tax_rate:
                group = (product.tax_rate, product.tax_code)
                groups[group] = groups.get(group, Decimal(0)) + product.amount
        left = line.amount
        for (rate, code), amount in groups.items():
            share = round_money(line.amount * amount / base, document.currency)
            out.append(line.model_copy(update={"amount": share, "tax_rate": rate,
                                               "tax_code": code, "qty": None,
                                               "unit_price": None}))
            left -= share
        if left:
            out.append(line.model_copy(update={"amount": left, "taxable": False,
                                               "tax_rate": None, "tax_code": None,
                                               "qty": None, "unit_price": None}))
    return out


def lines_body(document: SalesDocument, name_of: LineName, tax_name: TaxName, record: str
               ) -> tuple[list[dict[str, Any]], Decimal]:
    """FreshBooks lines for ``document`` and the total FreshBooks will compute for them."""
    code = document.currency.upper()
    taxed = document.tax_treatment == "ledger"
    out: list[dict[str, Any]] = []
    computed_tax = Decimal(0)
    net = Decimal(0)
    for line in split_discounts(document) if taxed else document.lines:
        qty, unit = _qty_unit(line, document.currency)
        body: dict[str, Any] = {"name": name_of(line)[:100], "description": line.description,
                                "qty": str(qty), "unit_cost": {"amount": str(unit),
                                                               "code": code}, "type": 0}
        rate = line.tax_rate if taxed and line.taxable else None
        if rate:
            for number, (name, percent) in enumerate(tax_name(rate, line.tax_code, record), 1):
                body[f"taxName{number}"] = name
                body[f"taxAmount{number}"] = format(percent.normalize(), "f")
                computed_tax += line_tax(qty * unit, percent)
        out.append(body)
        net += cents(qty * unit)
    if taxed:
        gap = round_money(document.tax_total, document.currency) - computed_tax
        if gap:
            out.append({"name": ROUNDING_LINE, "type": 0, "qty": "1",
                        "description": "Difference between the store's tax and FreshBooks' "
                                       "per-line tax rounding",
                        "unit_cost": {"amount": str(gap), "code": code}})
            net += gap
    return out, round_money(net + computed_tax, document.currency)


def _qty_unit(line: DocumentLine, currency: str) -> tuple[Decimal, Decimal]:
    """Quantity and unit cost whose product is the line's amount exactly."""
    if line.qty and line.unit_price is not None and line.qty * line.unit_price == line.amount:
        return line.qty.normalize(), line.unit_price
    return Decimal(1), line.amount


def invoice_body(document: SalesDocument, client_id: str, lines: list[dict[str, Any]],
                 number_field: str) -> dict[str, Any]:
    """The invoice: client, store-local date, currency, the order number, the journal key."""
    return {"customerid": int(client_id), "create_date": document.txn_date.isoformat(),
            "currency_code": document.currency.upper(), number_field: document.doc_number,
            "notes": for_customer(document.private_note), "lines": lines}


def credit_note_body(document: SalesDocument, client_id: str, lines: list[dict[str, Any]]
                     ) -> dict[str, Any]:
    """A credit note for a refund (goodwill credit; the journal key in its notes)."""
    return {"clientid": int(client_id), "create_date": document.txn_date.isoformat(),
            "currency_code": document.currency.upper(), "credit_type": "goodwill",
            "notes": for_customer(document.private_note), "lines": lines}


def payment_type(method: str | None) -> str:
    """The FreshBooks payment type for a payment-method name ("Other" when none fits)."""
    name = (method or "").strip().lower()
    return PAYMENT_TYPES.get(name) or _ALIASES.get(name) or "Other"


def payment_body(invoice_id: str, amount: Decimal, when: str, method: str | None,
                 note: str) -> dict[str, Any]:
    """A payment against an invoice (the journal key's reference in its note)."""
    return {"invoiceid": int(invoice_id), "amount": {"amount": str(amount)}, "date": when,
            "type": payment_type(method), "note": for_customer(note)}


def payment_of(payment: LedgerPayment, invoice_id: str) -> dict[str, Any]:
    """``payment_body`` for a ``LedgerPayment``."""
    note = payment.private_note + (f" Ref {payment.payment_ref}" if payment.payment_ref else "")
    return payment_body(invoice_id, payment.amount, payment.txn_date.isoformat(),
                        payment.payment_method, note.strip())
