"""Create, update (full or sparse), delete, void and read, with their side effects.

Validation happens first (the ``build_*`` functions are pure); only then is anything stored,
so a fault never leaves a half-applied write behind.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import faults, lists
from .company import SALES_FORMS, TRANSACTIONS, Company, Record, cents, money, num
from .payments import build_payment
from .sales import Effects, applied_to_invoice, build_sales_form
from .validation import (
    check_known_properties,
    check_not_closed,
    check_sync_token,
    target_record,
)

ListBuilder = Callable[[Company, dict[str, Any], Record | None], tuple[dict[str, Any], str | None]]
LIST_BUILDERS: dict[str, ListBuilder] = {
    "Customer": lists.build_customer, "Item": lists.build_item, "Account": lists.build_account,
    "PaymentMethod": lists.build_payment_method, "Term": lists.build_term,
}
# Reference A1: only Invoice takes ``operation=void``; SalesReceipt and Payment are voided by an
# update with ``include=void``; CreditMemo and RefundReceipt cannot be voided (delete them).
VOID_BY_OPERATION = ("Invoice",)
VOID_BY_UPDATE = ("SalesReceipt", "Payment")
SETTINGS = ("Preferences", "CompanyInfo")
STRIP = ("Id", "SyncToken", "sparse", "domain", "MetaData", "status")


def write(company: Company, entity: str, operation: str | None, body: Any,
          options: set[str]) -> dict[str, Any]:
    """Apply one write; returns the payload to put under the entity key."""
    if not isinstance(body, dict):
        raise faults.unsupported_operation("Request body must be a JSON object; it")
    check_known_properties(entity, body)
    op = (operation or "").lower()
    if op == "delete":
        return delete(company, entity, body)
    if op == "void":
        if entity not in VOID_BY_OPERATION:
            raise faults.unsupported_operation(f"Void of {entity}")
        return void(company, entity, body)
    if op not in ("", "create", "update"):
        raise faults.unsupported_operation(f"{operation}")
    if "void" in options and op != "create":
        if entity not in VOID_BY_UPDATE:
            raise faults.unsupported_operation(f"Void of {entity}")
        return void(company, entity, body)
    if entity in SETTINGS:
        return update_settings(company, entity, body)
    if entity not in LIST_BUILDERS and entity not in TRANSACTIONS:
        raise faults.unsupported_operation(f"Create/Update of {entity}")
    if body.get("Id") is not None and op != "create":
        return update(company, entity, body, options)
    if op == "update":
        raise faults.required("Id")
    return create(company, entity, body, options)


def _input(body: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in body.items() if k not in STRIP}


def _build(company: Company, entity: str, inp: dict[str, Any], record: Record | None,
           options: set[str]) -> tuple[dict[str, Any], str | None, Effects]:
    if entity in LIST_BUILDERS:
        data, key = LIST_BUILDERS[entity](company, inp, record)
        return data, key, {}
    if entity == "Payment":
        data, effects = build_payment(company, inp, record, options)
    else:
        data, effects = build_sales_form(company, entity, inp, record, options)
        _numbers_as_numbers(data)
    return data, None, effects


def _numbers_as_numbers(data: dict[str, Any]) -> None:
    """Qty and UnitPrice are answered as JSON numbers, even when a client sent strings
    (python-quickbooks writes every Decimal as ``"19.99"``); the builders validated them."""
    for line in data.get("Line", []):
        detail = line.get("SalesItemLineDetail") if isinstance(line, dict) else None
        if not isinstance(detail, dict):
            continue
        for key in ("Qty", "UnitPrice"):
            if isinstance(detail.get(key), str):
                detail[key] = num(money(detail[key]))


def _remember_lines(inp: dict[str, Any], data: dict[str, Any]) -> None:
    """Keep assigned line/address Ids in the stored input so sparse updates keep them."""
    if "Line" in inp and "Line" in data:
        inp["Line"] = [copy.deepcopy(line) for line in data["Line"]
                       if line.get("DetailType") != "SubTotalLineDetail"]
    for key in ("BillAddr", "ShipAddr"):
        if isinstance(inp.get(key), dict) and isinstance(data.get(key), dict):
            inp[key] = copy.deepcopy(data[key])


def create(company: Company, entity: str, body: dict[str, Any], options: set[str]
           ) -> dict[str, Any]:
    """Create an entity."""
    inp = _input(body)
    data, key, effects = _build(company, entity, inp, None, options)
    _remember_lines(inp, data)
    record = company.insert(entity, data, inp, name_key=key)
    _commit(company, record, {}, effects)
    return record.data


def update(company: Company, entity: str, body: dict[str, Any], options: set[str]
           ) -> dict[str, Any]:
    """Full update (omitted writable fields cleared) or sparse update (``"sparse": true``)."""
    record = target_record(company, entity, body)
    check_sync_token(record, body)
    if entity in TRANSACTIONS:
        if record.effects.get("meta", {}).get("voided"):
            raise faults.business("This transaction has been voided and can't be changed.")
        check_not_closed(company, str(record.data.get("TxnDate", "")))
    patch = _input(body)
    inp = {**copy.deepcopy(record.input), **patch} if body.get("sparse") is True else patch
    data, key, effects = _build(company, entity, inp, record, options)
    _remember_lines(inp, data)
    old_effects = record.effects
    company.replace(record, data, inp, name_key=key)
    _commit(company, record, old_effects, effects)
    return record.data


def delete(company: Company, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """``operation=delete``: transactions only; lists are inactivated instead."""
    if entity not in TRANSACTIONS:
        raise faults.unsupported_operation(f"Delete of {entity}")
    record = target_record(company, entity, body)
    check_sync_token(record, body)
    check_not_closed(company, str(record.data.get("TxnDate", "")))
    if entity == "Invoice" and applied_to_invoice(company, record.id)[1]:
        raise faults.business("This invoice has payments applied to it. Delete or unapply the "
                              "payments first.")
    old_effects = record.effects
    company.mark_deleted(record)
    _commit(company, record, old_effects, {})
    return {"domain": "QBO", "status": "Deleted", "Id": record.id}


def void(company: Company, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """A void (in the form ``write`` checked): the transaction keeps its Id, amounts become 0,
    'Voided' is prefixed to PrivateNote and its effects (stock, applied payments) are undone."""
    record = target_record(company, entity, body)
    check_sync_token(record, body)
    check_not_closed(company, str(record.data.get("TxnDate", "")))
    if entity == "Invoice" and applied_to_invoice(company, record.id)[1]:
        raise faults.business("This invoice has payments applied to it. Delete or unapply the "
                              "payments first.")
    data = copy.deepcopy(record.data)
    note = data.get("PrivateNote")
    data["PrivateNote"] = f"Voided - {note}" if note and not str(note).startswith("Voided") \
        else (note or "Voided")
    if entity == "Payment":
        data.pop("Line", None)
        data.update({"TotalAmt": 0, "UnappliedAmt": 0})
    else:
        for line in data.get("Line", []):
            if "Amount" in line:
                line["Amount"] = 0
            detail = line.get("SalesItemLineDetail")
            if isinstance(detail, dict):  # as captured: a voided line keeps no quantity or price
                detail.pop("Qty", None)
                detail.pop("UnitPrice", None)
        data["TxnTaxDetail"] = {"TotalTax": 0}
        data["TotalAmt"] = 0
        data["Balance"] = 0
        for key in ("HomeTotalAmt", "HomeBalance"):
            if key in data:
                data[key] = 0
        if entity == "CreditMemo":
            data["RemainingCredit"] = 0
    old_effects = record.effects
    meta = dict(old_effects.get("meta", {}))
    meta["voided"] = "1"
    company.replace(record, data, record.input)
    _commit(company, record, old_effects, {"meta": meta})
    return record.data


def update_settings(company: Company, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """Preferences / CompanyInfo: always merged group by group (they cannot be created)."""
    record = company.get(entity, "1")
    if record is None:
        raise faults.object_not_found()
    check_sync_token(record, body)
    data = copy.deepcopy(record.data)
    for key, value in _input(body).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    company.replace(record, data, record.input)
    return record.data


def _commit(company: Company, record: Record, old: Effects, new: Effects) -> None:
    """Undo the record's previous effects and apply the new ones."""
    record.effects = new
    next_line = new.get("meta", {}).get("next_line_id")
    if next_line:
        record.next_line_id = int(next_line)
    deltas: dict[str, Decimal] = {}
    for item_id, text in old.get("qty", {}).items():
        deltas[item_id] = deltas.get(item_id, Decimal(0)) - money(text)
    for item_id, text in new.get("qty", {}).items():
        deltas[item_id] = deltas.get(item_id, Decimal(0)) + money(text)
    for item_id, change in deltas.items():
        if change:
            adjust_qty(company, item_id, change)
    invoices = set(old.get("applied", {})) | set(new.get("applied", {}))
    customers: set[str] = set()
    for invoice_id in invoices:
        refresh_invoice(company, invoice_id, record.id, bump=True)
    if record.entity in SALES_FORMS or record.entity == "Payment":
        customers.add(str(record.data.get("CustomerRef", {}).get("value", "")))
    for invoice_id in invoices:
        inv = company.get("Invoice", invoice_id)
        if inv is not None:
            customers.add(str(inv.data.get("CustomerRef", {}).get("value", "")))
    for customer_id in customers:
        refresh_customer_balance(company, customer_id)


def adjust_qty(company: Company, item_id: str, delta: Decimal) -> None:
    """Move an inventory item's QtyOnHand (visible through CDC as an Item change)."""
    item = company.get("Item", item_id)
    if item is None or item.data.get("Type") != "Inventory":
        return
    item.data["QtyOnHand"] = num(money(item.data.get("QtyOnHand", 0)) + delta)
    company.touch(item, bump_sync=False)


def refresh_invoice(company: Company, invoice_id: str, payment_id: str, *, bump: bool) -> None:
    """Recompute an invoice's Balance and Payment back-references after a payment change."""
    del payment_id
    inv = company.get("Invoice", invoice_id)
    if inv is None or inv.deleted:
        return
    applied, payment_ids = applied_to_invoice(company, invoice_id)
    inv.data["Balance"] = num(money(inv.data.get("TotalAmt", 0)) - applied)
    if "HomeBalance" in inv.data:  # foreign currency: the open balance at the invoice's rate
        inv.data["HomeBalance"] = num(cents(money(inv.data["Balance"])
                                            * money(inv.data.get("ExchangeRate", 1))))
    inv.data["LinkedTxn"] = [{"TxnId": pid, "TxnType": "Payment"} for pid in payment_ids]
    company.touch(inv, bump_sync=bump)


def refresh_customer_balance(company: Company, customer_id: str) -> None:
    """Customer.Balance = open invoice balances; LastUpdatedTime moves, SyncToken does not."""
    customer = company.get("Customer", customer_id)
    if customer is None:
        return
    balance = sum((money(inv.data.get("Balance", 0)) for inv in company.live("Invoice")
                   if inv.data.get("CustomerRef", {}).get("value") == customer_id), Decimal(0))
    if money(customer.data.get("Balance", 0)) != balance:
        customer.data["Balance"] = num(balance)
        customer.data["BalanceWithJobs"] = num(balance)
        company.touch(customer, bump_sync=False)


def read(company: Company, entity: str, entity_id: str) -> dict[str, Any]:
    """GET one entity by Id (610 when unknown or deleted)."""
    if entity in SETTINGS:
        record = company.get(entity, "1")
    else:
        if entity != "TaxCode" and not entity_id.isdigit():
            raise faults.invalid_id(entity_id)
        record = company.get(entity, entity_id)
    if record is None or record.deleted:
        raise faults.object_not_found()
    return record.data
