"""Money received and value redeemed on a Magento order: payments, gift cards, store credit.

**Payments.** Magento records money as received when an *invoice* is captured (state 2,
"paid"): an online method captures at checkout, an offline one (check, bank transfer) when the
merchant invoices it, often days later. So each paid invoice becomes one ``Payment`` dated by
the invoice's ``created_at`` (never the order's ``updated_at``, which any comment moves), with
the invoice's ``transaction_id`` (else the payment's ``last_trans_id``) as its reference. When
the invoices are not at hand, or do not add up to ``payment.amount_paid``, one payment of
``amount_paid`` is made, dated by the last paid invoice (None without one).

**Offline methods** (``Payment.offline``, ``Order.payment_offline``): ``checkmo``,
``banktransfer``, ``cashondelivery``, ``purchaseorder`` and ``companycredit`` (B2B) - Magento's
own offline methods, paid outside the shop. ``free`` (a zero total) is not offline: there is
nothing to wait for.

**Redemptions** lower ``grand_total``; Adobe Commerce puts them under ``extension_attributes``
(``gift_cards_amount`` with ``gift_cards[].code``, ``customer_balance_amount``,
``reward_currency_amount``); a top-level field of the same name (older extensions) is read when
the extension attribute is absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.magento2.fields import FieldReader
from ecom_ledger_desktop.models.commerce import Payment, Redemption, RedemptionKind

OFFLINE_METHODS = frozenset({"checkmo", "banktransfer", "cashondelivery", "purchaseorder",
                             "companycredit"})
INVOICE_PAID = 2  # Magento\Sales\Model\Order\Invoice::STATE_PAID
_REDEEMED: tuple[tuple[RedemptionKind, str, str], ...] = (
    ("gift_card", "gift_cards_amount", "gift cards amount"),
    ("store_credit", "customer_balance_amount", "store credit amount"),
    ("reward_points", "reward_currency_amount", "reward points amount"),
)


def read_payments(read: FieldReader, payment: Mapping[str, Any] | None,
                  invoices: Sequence[Mapping[str, Any]] | None) -> list[Payment]:
    """The order's payments (module docstring); ``invoices`` are its ``/V1/invoices`` rows."""
    if payment is None:
        return []
    pay = read.at("payment")
    method = pay.text(payment, "method", "payment method")
    amount_paid = pay.amount(payment, "amount_paid", "amount paid")
    if amount_paid <= 0:
        return []
    offline = method in OFFLINE_METHODS
    last_trans = pay.text(payment, "last_trans_id", "transaction")
    paid: list[tuple[datetime, Decimal, str]] = []
    for n, invoice in enumerate(invoices or [], start=1):
        where = read.at(f"invoice {invoice.get('increment_id') or n}")
        if invoice.get("state") not in (INVOICE_PAID, str(INVOICE_PAID)):
            continue
        paid.append((where.timestamp(invoice, "created_at", "invoice date"),
                     where.amount(invoice, "grand_total", "invoice total"),
                     where.text(invoice, "transaction_id", "transaction") or last_trans))
    paid.sort(key=lambda entry: entry[0])
    if paid and sum((amount for _, amount, _ in paid), Decimal(0)) == amount_paid:
        return [Payment(method=method, amount=amount, paid_at=when, reference=ref,
                        offline=offline) for when, amount, ref in paid]
    return [Payment(method=method, amount=amount_paid, paid_at=paid[-1][0] if paid else None,
                    reference=last_trans or (paid[-1][2] if paid else ""), offline=offline)]


def read_redemptions(read: FieldReader, raw: Mapping[str, Any],
                     extension: Mapping[str, Any] | None) -> list[Redemption]:
    """Gift cards, store credit and reward points used (or, on a credit memo, given back)."""
    out: list[Redemption] = []
    ext = read.at("extension_attributes")
    for kind, key, words in _REDEEMED:
        if extension is not None and extension.get(key) is not None:
            amount = abs(ext.amount(extension, key, words, allow_negative=True))
        else:
            amount = abs(read.amount(raw, key, words, allow_negative=True))
        if amount:
            code = _gift_card_codes(ext, extension) if kind == "gift_card" else ""
            out.append(Redemption(kind=kind, amount=amount, code=code))
    return out


def _gift_card_codes(read: FieldReader, extension: Mapping[str, Any] | None) -> str:
    if extension is None:
        return ""
    cards = read.records(extension, "gift_cards", "gift cards")
    return ", ".join(code for n, card in enumerate(cards, start=1)
                     if (code := read.at(f"gift card {n}").text(card, "code", "code")))
