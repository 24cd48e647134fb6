"""Month-end audit: the store's own figures against the simulated QuickBooks company's.

``audit(store, ledger, ...)`` reads both sides the way an accountant would -- the shop's orders,
invoices (payments) and credit memos; the ledger's documents and ``sim.reports`` -- and fails
with the record and the figure that disagree. Expectations come from the store alone:

- a paid order is one document numbered like the order, dated the store-local day it was sold
  (an offline payment method: the day it was paid), its total the store's grand total and its
  home-currency amount the store's base grand total; an offline method the rules invoice at order
  time is an invoice dated the order's day and, once paid, a payment dated the day it was paid;
- an unpaid order of an offline method is not in the books (no document, no receivable);
- a credit memo is one refund document "R-<memo>" citing the order, dated its local day;
- tax liability per month = the store's base tax of the month's sales minus its refunds';
- "Gift Card Liability" = gift cards sold - cards, store credit and rewards used + credit given
  back on refunds (all in the store's base currency).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator

OFFLINE = frozenset({"checkmo", "banktransfer", "cashondelivery", "purchaseorder"})
SALES = ("SalesReceipt", "Invoice")
REFUNDS = ("RefundReceipt", "CreditMemo")
ZERO = Decimal(0)


def money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def local_day(stamp: str, zone: str) -> date:
    """The store-local calendar day of a Magento UTC timestamp ("2026-11-01 03:30:00")."""
    moment = datetime.fromisoformat(stamp.replace(" ", "T")[:19]).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date()


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


@dataclass
class StoreSale:
    number: str
    day: date
    total: Decimal
    base_total: Decimal
    base_tax: Decimal
    cards_sold: Decimal  # base
    redeemed: Decimal  # base: gift cards + store credit + rewards used


@dataclass
class StorePayment:
    """Money received for an order invoiced at order time."""

    number: str
    day: date
    amount: Decimal


@dataclass
class StoreRefund:
    number: str
    order_number: str
    day: date
    total: Decimal
    base_total: Decimal
    base_tax: Decimal
    credit_back: Decimal  # base: given back as store credit


@dataclass
class Audit:
    """What was checked (counts let a test assert the audit covered something)."""

    sales: int = 0
    refunds: int = 0
    payments: int = 0
    unpaid: int = 0
    months: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    gift_card_liability: Decimal = ZERO


def _store_sales(store: Magento2Simulator, zone: str, skip: set[str], at_order: frozenset[str]
                 ) -> tuple[list[StoreSale], list[str], list[StorePayment]]:
    sales, unpaid, payments = [], [], []
    with store.state.lock:
        records = sorted(store.state.orders.items())
        invoices = dict(store.state.invoices)
    for _, record in records:
        order = record.data
        number = str(order["increment_id"])
        if number in skip:
            continue
        method = str(order["payment"]["method"])
        invoiced = method in at_order
        if not record.invoice_ids and not invoiced:
            if method in OFFLINE:
                unpaid.append(number)
            continue
        ext = order.get("extension_attributes") or {}
        when = str(order["created_at"])
        if record.invoice_ids:
            paid_at = str(invoices[record.invoice_ids[0]]["created_at"])
            if invoiced:
                payments.append(StorePayment(number, local_day(paid_at, zone),
                                             money(order["grand_total"])))
            elif method in OFFLINE:
                when = paid_at
        rate = Decimal(str(order.get("base_to_order_rate") or 1))
        sold = sum((money(row["row_total"]) for row in order["items"]
                    if row.get("product_type") == "giftcard"), ZERO)
        redeemed = sum((money(ext.get(f"base_{key}")) for key in
                        ("gift_cards_amount", "customer_balance_amount",
                         "reward_currency_amount")), ZERO)
        sales.append(StoreSale(number, local_day(when, zone), money(order["grand_total"]),
                               money(order["base_grand_total"]), money(order["base_tax_amount"]),
                               money(sold / rate), redeemed))
    return sales, unpaid, payments


def _store_refunds(store: Magento2Simulator, zone: str, skip: set[str]) -> list[StoreRefund]:
    with store.state.lock:
        memos = sorted(store.state.creditmemos.items())
        numbers = {eid: str(rec.data["increment_id"]) for eid, rec in store.state.orders.items()}
    out = []
    for _, memo in memos:
        order_number = numbers[int(memo["order_id"])]
        if order_number in skip or str(memo["increment_id"]) in skip:
            continue
        ext = memo.get("extension_attributes") or {}
        out.append(StoreRefund(str(memo["increment_id"]), order_number,
                               local_day(str(memo["created_at"]), zone),
                               money(memo["grand_total"]), money(memo["base_grand_total"]),
                               money(memo["base_tax_amount"]),
                               money(ext.get("base_customer_balance_amount"))))
    return out


def _documents(ledger: QboSimulator, entities: Iterable[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entity in entities:
        for doc in ledger.entities(entity):
            if "Voided" in str(doc.get("PrivateNote", "")) or doc.get("status") == "Deleted":
                continue
            assert doc["DocNumber"] not in out, f"two live documents numbered {doc['DocNumber']}"
            out[str(doc["DocNumber"])] = doc
    return out


def _payments(ledger: QboSimulator, sold: dict[str, dict[str, Any]]
              ) -> dict[str, dict[str, Any]]:
    """Live payments by the DocNumber of the invoice they pay."""
    number_of = {str(doc["Id"]): number for number, doc in sold.items()}
    out: dict[str, dict[str, Any]] = {}
    for pay in ledger.entities("Payment"):
        if "Voided" in str(pay.get("PrivateNote", "")) or pay.get("status") == "Deleted":
            continue
        for line in pay.get("Line") or []:
            for link in line.get("LinkedTxn") or []:
                if link.get("TxnType") == "Invoice" and str(link["TxnId"]) in number_of:
                    out[number_of[str(link["TxnId"])]] = pay
    return out


def _home(doc: dict[str, Any]) -> Decimal:
    return money(doc.get("HomeTotalAmt", doc["TotalAmt"]))


def _conversion_slack(doc: dict[str, Any]) -> Decimal:
    """How far a foreign-currency document's home tax may stray from the store's base tax by
    rounding alone: the report converts each rate's tax (half a cent each) and the store its
    total (half a cent). A home-currency document: none -- its tax must match to the cent."""
    if "HomeTotalAmt" not in doc:
        return ZERO
    rates = len((doc.get("TxnTaxDetail") or {}).get("TaxLine") or [])
    return Decimal("0.005") * (rates + 1)


def _check_document(what: str, doc: dict[str, Any], day: date, total: Decimal,
                    base_total: Decimal) -> None:
    assert doc["TxnDate"] == day.isoformat(), \
        f"{what}: dated {doc['TxnDate']}, the store-local day is {day}"
    assert money(doc["TotalAmt"]) == total, \
        f"{what}: total {doc['TotalAmt']}, the store's grand total is {total}"
    assert _home(doc) == base_total, \
        f"{what}: home amount {_home(doc)}, the store's base amount is {base_total}"


def audit(store: Magento2Simulator, ledger: QboSimulator, zone: str, *,
          flagged: Iterable[str] = (), invoiced_at_order: frozenset[str] = frozenset()
          ) -> Audit:
    """Assert the books match the store (module docstring); ``flagged``: order or memo numbers
    the sync flagged on purpose (left out of every figure); ``invoiced_at_order``: offline
    payment methods the pair's rules post at order time (an invoice, then a payment)."""
    skip = set(flagged)
    sales, unpaid, payments = _store_sales(store, zone, skip, invoiced_at_order)
    refunds = _store_refunds(store, zone, skip)
    sold_docs, refund_docs = _documents(ledger, SALES), _documents(ledger, REFUNDS)
    result = Audit(sales=len(sales), refunds=len(refunds), unpaid=len(unpaid))
    expected_tax: dict[tuple[date, date], Decimal] = {}
    slack: dict[tuple[date, date], Decimal] = {}
    for sale in sales:
        doc = sold_docs.get(sale.number)
        assert doc is not None, f"order {sale.number} is paid but not in the books"
        _check_document(f"order {sale.number}", doc, sale.day, sale.total, sale.base_total)
        period = month_of(sale.day)
        expected_tax[period] = expected_tax.get(period, ZERO) + sale.base_tax
        slack[period] = slack.get(period, ZERO) + _conversion_slack(doc)
    for refund in refunds:
        doc = refund_docs.get(f"R-{refund.number}")
        assert doc is not None, f"credit memo {refund.number} is not in the books as " \
                                f"R-{refund.number}"
        assert refund.order_number in str(doc.get("PrivateNote", "")), \
            f"refund R-{refund.number} does not cite order {refund.order_number}"
        _check_document(f"refund R-{refund.number}", doc, refund.day, refund.total,
                        refund.base_total)
        period = month_of(refund.day)
        expected_tax[period] = expected_tax.get(period, ZERO) - refund.base_tax
        slack[period] = slack.get(period, ZERO) + _conversion_slack(doc)
    received = _payments(ledger, sold_docs)
    for payment in payments:
        got = received.get(payment.number)
        assert got is not None, f"order {payment.number} was paid but has no payment"
        assert got["TxnDate"] == payment.day.isoformat(), \
            f"payment for {payment.number}: dated {got['TxnDate']}, paid on {payment.day}"
        assert money(got["TotalAmt"]) == payment.amount, \
            f"payment for {payment.number}: {got['TotalAmt']}, the store took {payment.amount}"
    result.payments = len(payments)
    for number in unpaid:
        assert number not in sold_docs, f"unpaid order {number} is in the books"
    receivable = {str(o.doc_number) for o in ledger.reports.open_receivables()}
    assert not receivable & set(unpaid), \
        f"unpaid offline orders counted as receivables: {sorted(receivable & set(unpaid))}"
    for (start, end), tax in sorted(expected_tax.items()):
        booked = sum(ledger.reports.tax_liability(start, end).values(), ZERO)
        assert abs(booked - tax) <= slack.get((start, end), ZERO), \
            f"tax liability {start:%B %Y}: books {booked}, store {tax}"
        result.months[(start.year, start.month)] = tax
    owed = (sum((s.cards_sold - s.redeemed for s in sales), ZERO)
            + sum((r.credit_back for r in refunds), ZERO))
    try:
        balance = ledger.reports.account_balance("Gift Card Liability")
    except KeyError:
        balance = ZERO
    assert balance == owed, f"Gift Card Liability {balance}, the store owes {owed}"
    result.gift_card_liability = balance
    return result
