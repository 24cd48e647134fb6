"""An X-Cart order's payment transactions: what was paid, when (a capture, else an offline
order's change to Paid), by which method (offline or not), and the refunds among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.fields import Reader, parse_stamp
from ecom_ledger_desktop.models.commerce import Payment

OFFLINE_METHODS = {"check", "checks", "phoneordering", "cod", "purchaseorder", "wiretransfer",
                   "moneyordering", "moneyorder", "banktransfer", "offline"}
REFUND_TYPES = {"refund", "refundpart", "refundmulti"}


def offline_method(method: str) -> bool:
    """Whether a payment method (by code or name) is one paid outside the shop."""
    return method.replace(" ", "").replace("_", "").lower() in OFFLINE_METHODS


def became_paid(events: list[Any], after: datetime | None) -> datetime | None:
    """When the order history first says the payment status changed to Paid (after ``after``):
    an offline order's money arrives then, not when the order was placed."""
    moments = []
    for event in events:
        if not isinstance(event, Mapping):
            continue
        code = str(event.get("code") or "").upper().replace(" ", "_")
        words = str(event.get("description") or "").lower()
        when = parse_stamp(event.get("date"))
        if "PAYMENT_STATUS" in code and words.endswith("paid") and "partially" not in words \
                and when is not None and (after is None or when >= after):
            moments.append(when)
    return min(moments, default=None)


def paid_at(txn: Mapping[str, Any], offline: bool, events: list[Any]) -> datetime | None:
    """A capture's date, else (offline methods) when the order became Paid, else the
    transaction's own date."""
    placed = parse_stamp(txn.get("date"))
    captures = [parse_stamp(b.get("date")) for b in txn.get("backend_transactions") or []
                if isinstance(b, Mapping) and b.get("status") == "S"
                and str(b.get("type", "")).lower().startswith("capture")]
    found = [c for c in captures if c is not None]
    if found:
        return max(found)
    return (became_paid(events, placed) if offline else None) or placed


def read_payments(read: Reader, txns: list[Any], events: list[Any]
                      ) -> tuple[list[Payment], list[tuple[str, Decimal]], str, bool]:
    """The paid transactions, the refunded (id, amount) pairs, the first method and whether
    any method was offline."""
    payments: list[Payment] = []
    refunds: list[tuple[str, Decimal]] = []
    method, offline = "", False
    for n, txn in enumerate(txns, 1):
        if not isinstance(txn, Mapping):
            read.fail(f"has payment transaction {n} that is not an object",
                      "payment_transactions")
        where = read.at(f"payment transaction {n}")
        name = str(txn.get("method_name") or txn.get("method_local_name") or "")
        method = method or name
        is_offline = offline_method(name) or offline_method(str(txn.get("method_local_name") or ""))
        offline = offline or is_offline
        if txn.get("status") == "S":
            payments.append(Payment(method=name, amount=where.amount(txn, "value", "amount"),
                                    paid_at=paid_at(txn, is_offline, events),
                                    reference=str(txn.get("publicTxnId") or ""),
                                    offline=is_offline))
        for m, backend in enumerate(txn.get("backend_transactions") or [], 1):
            if isinstance(backend, Mapping) and backend.get("status") == "S" and \
                    str(backend.get("type", "")).lower() in REFUND_TYPES:
                value = where.at(f"refund {m}").amount(backend, "value", "refunded amount")
                refunds.append((str(backend.get("id")), value))
    return payments, refunds, method, offline
