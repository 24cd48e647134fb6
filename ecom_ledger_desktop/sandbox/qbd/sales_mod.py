"""``SalesReceiptMod``/``InvoiceMod``/``CreditMemoMod``: a posted sales form changed in place.

As QuickBooks: the request names the form (``TxnID``) and its current ``EditSequence`` (3200 when
stale); header fields given replace the form's; when any ``…LineMod`` is given the lines become
exactly those (``TxnLineID`` "-1" adds a line, an existing ID changes that line, lines left out
are deleted). Totals, the customer's balance and stock are recomputed; payments already applied
to an invoice stay applied.
"""

from __future__ import annotations

from typing import Any

from .lists import Handler
from .outcome import Outcome, error, not_found
from .sales import LINE_OF, _balance, _move_stock, form_record
from .state import Company, Record

_HEADER = ("CustomerRef", "PaymentMethodRef", "DepositToAccountRef", "ARAccountRef",
           "ItemSalesTaxRef", "TxnDate", "RefNumber", "BillAddress", "ShipAddress",
           "ExchangeRate", "Memo", "Other")
_LINE_INPUT = ("ItemRef", "Desc", "Quantity", "Rate", "Amount", "SalesTaxCodeRef", "Other1",
               "Other2")


def _as_input(line: dict[str, Any]) -> dict[str, Any]:
    return {key: line[key] for key in _LINE_INPUT if line.get(key) is not None}


def _lines(old: list[dict[str, Any]], given: list[dict[str, Any]] | None
           ) -> list[dict[str, Any]] | Outcome:
    if given is None:
        return [_as_input(line) for line in old]
    by_id = {line["TxnLineID"]: line for line in old}
    lines = []
    for line in given:
        ident = str(line.get("TxnLineID", ""))
        changes = {k: v for k, v in line.items() if k != "TxnLineID"}
        if ident == "-1":
            lines.append(changes)
        elif ident in by_id:
            lines.append({**_as_input(by_id[ident]), **changes})
        else:
            return not_found(ident)
    return lines


def _owed(kind: str, data: dict[str, Any]) -> Any:
    """What the form adds to its customer's balance (an invoice) or takes off (a credit)."""
    if kind == "Invoice":
        return data["BalanceRemaining"]
    return -data["CreditRemaining"] if kind == "CreditMemo" else 0


def sales_mod(kind: str) -> Handler:
    """The Mod handler of ``kind`` (SalesReceipt, Invoice, CreditMemo)."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        data = body[f"{kind}Mod"]
        ident = str(data.get("TxnID", ""))
        record = company.get(kind, ident)
        if record is None:
            return not_found(ident)
        old = record.data
        if old.get("_voided"):
            return error(3170, f'There was an error when modifying a {kind}.  QuickBooks error '
                               "message: A voided transaction cannot be changed.")
        if str(data.get("EditSequence")) != old["EditSequence"]:
            return error(3200, f'The provided edit sequence "{data.get("EditSequence")}" is '
                               "out-of-date. ")
        lines = _lines(old[f"{LINE_OF[kind]}Ret"], data.get(f"{LINE_OF[kind]}Mod"))
        if isinstance(lines, Outcome):
            return lines
        merged = {key: old[key] for key in _HEADER if old.get(key) is not None}
        merged.update({key: data[key] for key in _HEADER if key in data})
        built = form_record(company, kind, merged, lines)
        if isinstance(built, Outcome):
            return built
        fresh, customer, total = built
        refunded = old["TotalAmount"] - old["CreditRemaining"] if kind == "CreditMemo" else 0
        if refunded > total:  # paid back (ARRefundCreditCard) more than it would now credit
            return error(3210, f'The "TotalAmount" field has an invalid value "{total}".  '
                               "QuickBooks error message: The credit memo total cannot be less "
                               f"than the amount already refunded ({refunded}).")
        _undo(company, kind, record)
        applied = old.get("AppliedAmount", 0) or 0
        old.update(fresh)
        if kind == "Invoice":
            old.update({"AppliedAmount": applied, "BalanceRemaining": total - applied,
                        "IsPaid": "true" if applied and total - applied <= 0 else "false"})
        if kind == "CreditMemo":
            old["CreditRemaining"] = total - refunded
        if kind != "SalesReceipt":
            _balance(company, customer, _owed(kind, old))
        _move_stock(company, old[f"{LINE_OF[kind]}Ret"], 1 if kind == "CreditMemo" else -1)
        company.touch(record)
        return Outcome(rets=[(f"{kind}Ret", record)])
    return handle


def _undo(company: Company, kind: str, record: Record) -> None:
    """Take the form's old effect off its customer's balance and the stock."""
    data = record.data
    _move_stock(company, data[f"{LINE_OF[kind]}Ret"], -1 if kind == "CreditMemo" else 1)
    if kind != "SalesReceipt":
        customer = company.get("Customer", data["CustomerRef"]["ListID"])
        if customer is not None:
            _balance(company, customer, -_owed(kind, data))


HANDLERS: dict[str, Handler] = {f"{kind}ModRq": sales_mod(kind) for kind in LINE_OF}
