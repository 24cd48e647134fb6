"""A refund paid out of a credit memo: ``ARRefundCreditCardAdd`` and the query that finds it again.

QuickBooks Desktop posts a store refund as a credit memo, a credit the customer keeps until it is
paid back; ``ARRefundCreditCardAdd`` pays it back (qbXML 13.0 order: CustomerRef ·
RefundFromAccountRef · ARAccountRef · TxnDate · RefNumber(11) · Address · PaymentMethodRef · Memo ·
CreditCardTxnInfo · ExchangeRate · ExternalGUID · RefundAppliedToTxnAdd+ {TxnID · RefundAmount}).
Like every add it is not idempotent: the memo carries the journal key, and an unknown outcome is
settled by ``ARRefundCreditCardQuery`` on the refund's date before anything is sent again.
"""
# ruff: noqa: RUF009  (amount()/text()/many() are dataclasses.field() with qbXML metadata)

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import (
    Ref,
    Request,
    amount,
    many,
    request,
    text,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.documents import memo
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.transactions import (
    TxnDateRangeFilter,
    TxnQuery,
    txn_query,
)
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import LedgerPayment

KIND = "ARRefundCreditCard"


@dataclass(frozen=True)
class RefundAppliedToTxnAdd:
    """The credit memo a refund pays out, and how much of it."""

    txn_id: str
    refund_amount: Decimal | None = amount()


@dataclass(frozen=True)
class ARRefundCreditCardAdd:
    """``ARRefundCreditCardAdd`` (schema order)."""

    customer_ref: Ref
    refund_from_account_ref: Ref | None = None
    ar_account_ref: Ref | None = None
    txn_date: date | None = None
    ref_number: str | None = text(11)
    payment_method_ref: Ref | None = None
    memo: str | None = text(4095)
    exchange_rate: Decimal | None = None
    external_guid: str | None = None
    refund_applied_to_txn_add: list[RefundAppliedToTxnAdd] = many()


def payout_request(request_id: str, payout: LedgerPayment, customer_name: str,
                   credit_txn_id: str, ref_number: str, books: QbdBooks) -> Request:
    """``ARRefundCreditCardAddRq`` paying ``payout`` out of the credit memo ``credit_txn_id``,
    from the account the sale's money went to, numbered like the credit memo."""
    currency = payout.currency.upper()
    rate = None
    notes = []
    if currency != books.home_currency.upper() and books.multicurrency:
        if (payout.base_currency or currency).upper() == books.home_currency.upper() \
                and payout.base_rate:
            rate = payout.base_rate
        else:
            notes.append(f"Exchange rate: QuickBooks' own for {currency}.")
    return request(f"{KIND}AddRq", request_id, ARRefundCreditCardAdd(
        customer_ref=Ref.named(customer_name),
        refund_from_account_ref=Ref.named(payout.deposit_account or books.deposit_account),
        txn_date=payout.txn_date, ref_number=limits.ref_number(ref_number),
        payment_method_ref=Ref.named(payout.payment_method) if payout.payment_method else None,
        memo=memo(payout.private_note, *notes), exchange_rate=rate,
        refund_applied_to_txn_add=[RefundAppliedToTxnAdd(
            credit_txn_id, round_money(payout.amount, currency))]), wrap=f"{KIND}Add")


def payouts_on(request_id: str, day: date) -> Request:
    """``ARRefundCreditCardQueryRq`` of the refunds dated ``day`` (the one carrying a posting's
    key in its memo is the one an unknown outcome made)."""
    return txn_query(KIND, request_id, TxnQuery(txn_date_range_filter=TxnDateRangeFilter(day,
                                                                                        day)))
