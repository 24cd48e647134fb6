"""Sales transactions: sales receipts, invoices, credit memos, payments, and their queries.

Totals are computed the QuickBooks way: a line's ``Amount`` is given or ``Quantity × Rate``; a
Sales Tax item *line* takes its given amount (else its rate on the taxable lines above it); the
form's own tax is ``SalesTaxPercentage`` of its ``ItemSalesTaxRef`` (the company's default sales
tax item when the request names none) on the lines coded ``Tax``; ``TotalAmount`` = ``Subtotal``
+ ``SalesTaxTotal``. Inventory lines move ``QuantityOnHand`` (sales down, credits up). Adds are
not idempotent and ``RefNumber`` is not unique: the same request twice makes two documents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .changes import modified_filter
from .lists import Handler
from .outcome import Outcome, error, invalid_reference, not_found, number, ref_label
from .refunds import KIND as REFUND
from .refunds import refunded_from, void_refund
from .state import ITEM_KINDS, Company, Record, cents, day, ref

ZERO = Decimal(0)
LINE_OF = {"SalesReceipt": "SalesReceiptLine", "Invoice": "InvoiceLine",
           "CreditMemo": "CreditMemoLine"}
LABEL = {"SalesReceipt": "SalesReceipt", "Invoice": "Invoice", "CreditMemo": "CreditMemo",
         "ReceivePayment": "ReceivePayment"}


def _resolve(company: Company, kinds: tuple[str, ...] | str, data: dict[str, Any], key: str,
             what: str, where: str) -> tuple[Record | None, Outcome | None]:
    if key not in data:
        return None, None
    found = company.resolve(kinds, data[key])
    if found is None or found.data.get("IsActive") == "false":
        return None, invalid_reference(what, ref_label(data[key]), where)
    return found, None


def _taxable(company: Company, code: dict[str, Any] | None) -> bool:
    record = company.resolve("SalesTaxCode", code) if code else None
    return bool(record and record.data.get("IsTaxable") == "true")


def _lines(company: Company, kind: str, given: list[dict[str, Any]]
           ) -> tuple[list[dict[str, Any]], Outcome | None]:
    out: list[dict[str, Any]] = []
    taxable_so_far = ZERO
    where = f"{LABEL[kind]} line"
    for line in given:
        item, failure = _resolve(company, ITEM_KINDS, line, "ItemRef", "Item", where)
        if failure:
            return [], failure
        qty, rate, amount = (number(line.get(k)) for k in ("Quantity", "Rate", "Amount"))
        if item is not None and item.kind == "ItemSalesTax":
            if amount is None:
                tax_rate = number(item.data.get("TaxRate"), ZERO) or ZERO
                amount = cents(taxable_so_far * tax_rate / 100)
        elif amount is None:
            amount = cents((qty if qty is not None else Decimal(1)) * rate) if rate is not None \
                else ZERO
        elif qty is not None and rate is not None and cents(qty * rate) != cents(amount):
            return [], error(3210, f'The "Amount" field has an invalid value "{amount}".  '
                                   "QuickBooks error message: The amount does not equal the "
                                   "quantity times the rate.")
        code = line.get("SalesTaxCodeRef") or (item.data.get("SalesTaxCodeRef") if item and
                                               item.kind != "ItemSalesTax" else None)
        if code and company.resolve("SalesTaxCode", code) is None:
            return [], invalid_reference("Sales Tax Code", ref_label(code), where)
        if _taxable(company, code) and not (item and item.kind == "ItemSalesTax"):
            taxable_so_far += amount
        if rate is None and qty and amount:
            rate = (amount / qty).quantize(Decimal("0.00001")).normalize()
        out.append({"TxnLineID": company.new_id(), "ItemRef": ref(item) if item else None,
                    "Desc": line.get("Desc"), "Quantity": qty, "Rate": rate,
                    "Amount": cents(amount), "SalesTaxCodeRef": code,
                    "Other1": line.get("Other1"), "Other2": line.get("Other2"),
                    "_kind": item.kind if item else ""})
    return out, None


def _move_stock(company: Company, lines: list[dict[str, Any]], sign: int) -> None:
    for line in lines:
        if line["_kind"] == "ItemInventory" and line["Quantity"] is not None and line["ItemRef"]:
            item = company.get("ItemInventory", line["ItemRef"]["ListID"])
            if item is not None:
                item.data["QuantityOnHand"] = item.data["QuantityOnHand"] + sign * line["Quantity"]
                company.touch(item)


def sales_form(kind: str) -> Handler:
    """``SalesReceiptAdd``/``InvoiceAdd``/``CreditMemoAdd``."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        data = body[f"{kind}Add"]
        built = form_record(company, kind, data, data.get(f"{LINE_OF[kind]}Add", []))
        if isinstance(built, Outcome):
            return built
        record, customer, total = built
        company.txn_number += 1
        record = {"TxnNumber": str(company.txn_number), **record,
                  "RefNumber": data.get("RefNumber") or str(company.txn_number)}
        if kind != "SalesReceipt":
            _balance(company, customer, total if kind == "Invoice" else -total)
        _move_stock(company, record[f"{LINE_OF[kind]}Ret"], 1 if kind == "CreditMemo" else -1)
        return Outcome(rets=[(f"{kind}Ret", company.add(kind, record))])
    return handle


def form_record(company: Company, kind: str, data: dict[str, Any],
                given_lines: list[dict[str, Any]]
                ) -> tuple[dict[str, Any], Record, Decimal] | Outcome:
    """A sales form's fields computed from an Add's (or a merged Mod's) data and lines: the
    record (without TxnNumber), its customer and total; or the error outcome."""
    where = LABEL[kind]
    customer, failure = _resolve(company, ("Customer",), data, "CustomerRef", "Customer",
                                 where)
    if failure or customer is None:
        return failure or error(3140, "A customer is required.")
    refs: dict[str, Record | None] = {}
    for key, kinds, what in (("PaymentMethodRef", "PaymentMethod", "Payment Method"),
                             ("DepositToAccountRef", "Account", "Account"),
                             ("ARAccountRef", "Account", "Account"),
                             ("ItemSalesTaxRef", "ItemSalesTax", "Item")):
        refs[key], failure = _resolve(company, kinds, data, key, what, where)
        if failure:
            return failure
    lines, failure = _lines(company, kind, given_lines)
    if failure:
        return failure
    tax_item = refs["ItemSalesTaxRef"] or (company.named("ItemSalesTax",
                                                         company.default_tax_item)
                                           if company.default_tax_item else None)
    percent = number(tax_item.data.get("TaxRate"), ZERO) or ZERO if tax_item else ZERO
    subtotal = sum((line["Amount"] for line in lines), ZERO)
    taxable = sum((line["Amount"] for line in lines if line["_kind"] != "ItemSalesTax"
                   and _taxable(company, line["SalesTaxCodeRef"])), ZERO)
    tax = cents(taxable * percent / 100)
    total = subtotal + tax
    record: dict[str, Any] = {
        "CustomerRef": ref(customer),
        "TxnDate": data.get("TxnDate") or company.now().date().isoformat(),
        "RefNumber": data.get("RefNumber"),
        "BillAddress": data.get("BillAddress"), "ShipAddress": data.get("ShipAddress"),
        "Subtotal": cents(subtotal),
        "ItemSalesTaxRef": ref(tax_item) if tax_item else None,
        "SalesTaxPercentage": percent, "SalesTaxTotal": tax,
        "ExchangeRate": number(data.get("ExchangeRate"), Decimal(1)),
        "Memo": data.get("Memo"), "Other": data.get("Other"),
        f"{LINE_OF[kind]}Ret": lines,
    }
    if kind == "SalesReceipt":
        deposit = refs["DepositToAccountRef"] or company.named("Account", "Undeposited Funds")
        record.update({"TotalAmount": total, "DepositToAccountRef":
                       ref(deposit) if deposit else None, "PaymentMethodRef":
                       ref(refs["PaymentMethodRef"]) if refs["PaymentMethodRef"] else None})
    else:
        receivable = refs["ARAccountRef"] or company.named("Account", "Accounts Receivable")
        record["ARAccountRef"] = ref(receivable) if receivable else None
        if kind == "Invoice":
            record.update({"AppliedAmount": ZERO, "BalanceRemaining": total,
                           "IsPaid": "false"})
        else:
            record.update({"TotalAmount": total, "CreditRemaining": total})
    return record, customer, total


def _balance(company: Company, customer: Record, change: Decimal) -> None:
    for key in ("Balance", "TotalBalance"):
        customer.data[key] = cents(Decimal(customer.data.get(key, 0)) + change)


def receive_payment(company: Company, body: dict[str, Any]) -> Outcome:
    """``ReceivePaymentAdd``: money applied to the customer's invoices."""
    data = body["ReceivePaymentAdd"]
    where = "ReceivePayment"
    customer, failure = _resolve(company, ("Customer",), data, "CustomerRef", "Customer", where)
    if failure or customer is None:
        return failure or error(3140, "A customer is required.")
    method, failure = _resolve(company, "PaymentMethod", data, "PaymentMethodRef",
                               "Payment Method", where)
    if failure:
        return failure
    deposit, failure = _resolve(company, "Account", data, "DepositToAccountRef", "Account", where)
    if failure:
        return failure
    total = number(data.get("TotalAmount"))
    applied: list[tuple[Record, Decimal]] = []
    for item in data.get("AppliedToTxnAdd", []):
        invoice = company.get("Invoice", str(item["TxnID"]))
        if invoice is None or invoice.data["CustomerRef"]["ListID"] != customer.id:
            return not_found(str(item["TxnID"]))
        balance = invoice.data["BalanceRemaining"]
        amount = number(item.get("PaymentAmount"), balance) or ZERO
        if amount > balance:
            return error(3210, f'The "AppliedToTxnAdd payment amount" field has an invalid value '
                               f'"{amount}".  QuickBooks error message: You cannot pay more '
                               "than the amount due.")
        applied.append((invoice, amount))
    used = sum((amount for _, amount in applied), ZERO)
    total = used if total is None else total
    if used > total:
        return error(3210, f'The "TotalAmount" field has an invalid value "{total}".  QuickBooks '
                           "error message: The payment is less than the amounts applied.")
    rets = []
    for invoice, amount in applied:
        invoice.data["AppliedAmount"] -= amount
        invoice.data["BalanceRemaining"] -= amount
        invoice.data["IsPaid"] = "true" if invoice.data["BalanceRemaining"] == 0 else "false"
        company.touch(invoice)
        invoice.data.setdefault("_linked", []).append(
            {"TxnID": "", "TxnType": "ReceivePayment", "TxnDate": data.get("TxnDate") or
             company.now().date().isoformat(), "RefNumber": data.get("RefNumber"),
             "LinkType": "AMTTYPE", "Amount": -amount})
        rets.append({"TxnID": invoice.id, "TxnType": "Invoice",
                     "TxnDate": invoice.data["TxnDate"], "RefNumber": invoice.data["RefNumber"],
                     "BalanceRemaining": invoice.data["BalanceRemaining"], "Amount": -amount})
    _balance(company, customer, -total)
    company.txn_number += 1
    deposit = deposit or company.named("Account", "Undeposited Funds")
    receivable = company.named("Account", "Accounts Receivable")
    record = company.add("ReceivePayment", {
        "TxnNumber": str(company.txn_number), "CustomerRef": ref(customer),
        "ARAccountRef": ref(receivable) if receivable else None,
        "TxnDate": data.get("TxnDate") or company.now().date().isoformat(),
        "RefNumber": data.get("RefNumber"), "TotalAmount": cents(total),
        "ExchangeRate": number(data.get("ExchangeRate"), Decimal(1)),
        "PaymentMethodRef": ref(method) if method else None, "Memo": data.get("Memo"),
        "DepositToAccountRef": ref(deposit) if deposit else None,
        "UnusedPayment": cents(total - used), "UnusedCredits": ZERO, "AppliedToTxnRet": rets})
    for invoice, _amount in applied:  # the invoice's link names the payment
        for link in invoice.data["_linked"]:
            if not link["TxnID"]:
                link["TxnID"] = record.id
    return Outcome(rets=[("ReceivePaymentRet", record)])


def txn_query(kind: str) -> Handler:
    """``<kind>Query``: by ``TxnID``, by ``RefNumber`` (any case), or by date or modified
    range (``changes.py``)."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        records = list(company.all(kind))
        if "TxnID" in body:
            records = [r for r in records if r.id in body["TxnID"]]
            if not records:
                return not_found(str(body["TxnID"][0]))
        elif "RefNumber" in body:
            wanted = {str(n).casefold() for n in body["RefNumber"]}
            records = [r for r in records if str(r.data.get("RefNumber", "")).casefold()
                       in wanted]
        records = _filtered(company, records, body)
        dates = body.get("TxnDateRangeFilter") or {}
        if dates.get("FromTxnDate"):
            records = [r for r in records if day(r.data["TxnDate"]) >= day(dates["FromTxnDate"])]
        if dates.get("ToTxnDate"):
            records = [r for r in records if day(r.data["TxnDate"]) <= day(dates["ToTxnDate"])]
        records = modified_filter(company, records, body)
        if body.get("IncludeLinkedTxns") == "true":
            records = [_with_links(r) for r in records]
        outcome = Outcome(rets=[(f"{kind}Ret", r) for r in records], query=True,
                          lines=body.get("IncludeLineItems") == "true")
        if not records:
            outcome.code, outcome.message = 1, ("A query request did not find a matching "
                                                "object in QuickBooks")
        return outcome
    return handle


def _filtered(company: Company, records: list[Record], body: dict[str, Any]) -> list[Record]:
    """``EntityFilter`` (one customer); the modified range is ``changes.modified_filter``'s."""
    entity = body.get("EntityFilter") or {}
    if entity:
        found = company.resolve(("Customer",), entity)
        records = [r for r in records if found is not None
                   and r.data["CustomerRef"]["ListID"] == found.id]
    return records


def _with_links(record: Record) -> Record:
    """The record as returned with ``IncludeLinkedTxns``: its ``LinkedTxn`` (payments)."""
    links = record.data.get("_linked") or []
    return Record(record.kind, record.id, {**record.data, "LinkedTxn": list(links)},
                  record.created, record.modified)


def transaction_query(company: Company, body: dict[str, Any]) -> Outcome:
    """``TransactionQuery`` by ``RefNumber`` across sales forms and payments (summary rows)."""
    types = set((body.get("TransactionTypeFilter") or {}).get("TxnTypeFilter", [])) or {"All"}
    wanted = {str(n).casefold() for n in body.get("RefNumber", [])}
    rows = []
    for record in company.all("SalesReceipt", "Invoice", "CreditMemo", "ReceivePayment"):
        if ("All" not in types and record.kind not in types) or \
                (wanted and str(record.data.get("RefNumber", "")).casefold() not in wanted):
            continue
        amount = record.data.get("TotalAmount")
        if amount is None:  # an invoice
            amount = record.data["Subtotal"] + record.data["SalesTaxTotal"]
        rows.append(("TransactionRet", Record("Transaction", record.id, {
            "TxnType": record.kind, "TxnID": record.id, "EntityRef": record.data["CustomerRef"],
            "TxnDate": record.data["TxnDate"], "RefNumber": record.data.get("RefNumber"),
            "Amount": -amount if record.kind == "CreditMemo" else amount,
            "Memo": record.data.get("Memo")}, record.created, record.modified)))
    if not rows:
        return Outcome(1, "Info", "A query request did not find a matching object in QuickBooks",
                       query=True)
    return Outcome(rets=rows, query=True)


def txn_void(company: Company, body: dict[str, Any]) -> Outcome:
    """``TxnVoid``: amounts and quantities to zero (stock back), memo "VOID: …", kept on file."""
    given = body["TxnID"]
    kind, ident = str(body["TxnVoidType"]), str(given[0] if isinstance(given, list) else given)
    record = company.get(kind, ident) if kind in (*LINE_OF, "ReceivePayment", REFUND) \
        else None
    if record is None:
        return not_found(ident)
    data = record.data
    if kind == REFUND:
        void_refund(company, record)
    elif not data.get("_voided"):
        if kind == "Invoice" and data["AppliedAmount"]:
            return error(3210, f'The "TxnID" field has an invalid value "{ident}".  QuickBooks '
                               "error message: This invoice has payments applied; remove them "
                               "before voiding it.")
        if kind == "CreditMemo" and refunded_from(company, record):
            return error(3210, f'The "TxnID" field has an invalid value "{ident}".  QuickBooks '
                               "error message: This credit memo has a refund applied; remove "
                               "it before voiding the credit memo.")
        lines = data.get(f"{LINE_OF.get(kind, '')}Ret", [])
        _move_stock(company, lines, -1 if kind == "CreditMemo" else 1)
        for line in lines:
            line["Amount"] = ZERO
            if line["Quantity"] is not None:
                line["Quantity"] = ZERO
        customer = company.get("Customer", data["CustomerRef"]["ListID"])
        if kind == "ReceivePayment":
            for applied in data.get("AppliedToTxnRet", []):
                invoice = company.get("Invoice", applied["TxnID"])
                if invoice is not None:  # the invoice is owed again
                    invoice.data["AppliedAmount"] -= applied["Amount"]
                    invoice.data["BalanceRemaining"] -= applied["Amount"]
                    invoice.data["IsPaid"] = "false"
                    invoice.data["_linked"] = [link for link in invoice.data.get("_linked", [])
                                               if link["TxnID"] != record.id]
                    company.touch(invoice)
            data["AppliedToTxnRet"] = []
        if customer is not None and kind != "SalesReceipt":
            owed = data.get("BalanceRemaining", data.get("CreditRemaining",
                                                         data.get("TotalAmount", ZERO)))
            _balance(company, customer, -owed if kind == "Invoice" else owed)
        for key in ("Subtotal", "SalesTaxTotal", "TotalAmount", "BalanceRemaining",
                    "CreditRemaining", "UnusedPayment"):
            if key in data:
                data[key] = ZERO
        data["Memo"] = f"VOID: {data.get('Memo') or ''}".strip()
        data["_voided"] = True
        company.touch(record)
    return Outcome(fields={"TxnVoidType": kind, "TxnID": record.id,
                           "TimeCreated": company.local(record.created),
                           "TimeModified": company.local(record.modified),
                           "RefNumber": data.get("RefNumber")})


HANDLERS: dict[str, Handler] = {
    "TxnVoidRq": txn_void,
    **{f"{kind}AddRq": sales_form(kind) for kind in LINE_OF},
    "ReceivePaymentAddRq": receive_payment,
    **{f"{kind}QueryRq": txn_query(kind) for kind in (*LINE_OF, "ReceivePayment",
                                                       "ARRefundCreditCard")},
    "TransactionQueryRq": transaction_query,
}
