"""Unpaid orders and payments: post when paid, alert when the money does not come.

An unpaid order whose payment method "posts when paid" (offline methods by default: a check may
never arrive) is staged but not posted; once the store records the payment it becomes a sales
receipt (or invoice + payment) dated the day it was paid. An order still unpaid after
``unpaid_alert_days`` goes to the error queue once, with "keep waiting" (snooze: ask again after
as many days) and "ignore" (stop asking; it still posts if paid). Every run also looks at the
waiting orders the store did not return again, so the alert comes without a store change.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.commerce import Order, local_date
from ecom_ledger_desktop.models.ledger import LedgerPayment
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.mapper import (
    MappedDocument,
    book_date,
    paid_date,
    posts_when_paid,
    store_zone,
)
from ecom_ledger_desktop.sync.mapper_common import payment_ref

UNPAID_CODE = "unpaid_order"
AWAITING = "awaiting_payment"  # staged revision prefix: awaiting_payment:<order date>:<zone>
SNOOZE = "snooze"  # the fix
SNOOZED = "snoozed"  # the entry status it leaves
AWAITING_PAYMENT = "awaiting_payment"  # ingest outcome: staged, nothing to post until paid


def awaits_payment(ctx: PairContext, order: Order, active: PostingRow | None) -> bool:
    """Whether the order must wait for its payment before anything is posted."""
    return active is None and not order.paid and posts_when_paid(order, ctx.pair.rules)


def hold_unpaid(ctx: PairContext, order: Order, raw: str, run_id: int | None) -> str:
    """Stage a waiting order (nothing posted); flag it once it is unpaid for too long."""
    ordered = book_date(order.created_at, order, ctx.pair.rules)
    zone = store_zone(order, ctx.pair.rules)
    ctx.state.cursors.stage(ctx.pair.id, "order", order.source_id, order.number,
                            order.updated_at, f"{AWAITING}:{ordered.isoformat()}:{zone}", raw)
    _alert(ctx, order.source_id, order.number, ordered, zone, run_id)
    alerted = any(entry.code == UNPAID_CODE for entry in
                  ctx.state.errors.open_for_record(ctx.pair.id, "order", order.source_id))
    return "flagged" if alerted else AWAITING_PAYMENT


def sweep_unpaid(ctx: PairContext, run_id: int | None) -> int:
    """Alert on waiting orders, also those the store did not return this run; how many alerts
    are new."""
    rows = ctx.state.conn.execute(
        "SELECT source_id, number, revision FROM store_records WHERE pair_id = ? AND "
        "record_kind = 'order' AND revision LIKE ?", (ctx.pair.id, f"{AWAITING}:%")).fetchall()
    flagged = 0
    for row in rows:
        _, ordered, zone = str(row["revision"]).split(":", 2)
        if _alert(ctx, str(row["source_id"]), str(row["number"]), date.fromisoformat(ordered),
                  zone, run_id):
            flagged += 1
    return flagged


def _alert(ctx: PairContext, source_id: str, number: str, ordered: date, zone: str,
           run_id: int | None) -> bool:
    """Open (or refresh, with today's count of days) the alert when due; True when new."""
    now = ctx.clock.now()
    days = (local_date(now, zone) - ordered).days
    if days < ctx.pair.rules.unpaid_alert_days or _answered(ctx, source_id, now):
        return False
    problem = RecordProblem(
        UNPAID_CODE,
        f"Order {number} has been unpaid for {days} days: cancel it in the store, or keep "
        "waiting",
        fixes=[Fix(SNOOZE, "Keep waiting"), Fix("ignore", "Stop reminding me")],
        detail=f"ordered {ordered.isoformat()}; nothing is posted until the store records the "
               "payment")
    open_entries = ctx.state.errors.open_for_record(ctx.pair.id, "order", source_id)
    if any(e.code == UNPAID_CODE and e.message == problem.message for e in open_entries):
        return False  # already said today (the hold and the sweep of one run see it both)
    fresh = not open_entries
    ctx.state.errors.flag(pair_id=ctx.pair.id, record_kind="order", source_id=source_id,
                          record_ref=number, problem=problem)
    if fresh:
        ctx.state.runs.audit("flagged", pair_id=ctx.pair.id, run_id=run_id, record_kind="order",
                             source_id=source_id, detail=f"{UNPAID_CODE}: unpaid {days} days")
    return fresh


def _answered(ctx: PairContext, source_id: str, now: datetime) -> bool:
    """The merchant said "stop reminding me", or "keep waiting" less than the alert days ago."""
    rows = ctx.state.conn.execute(
        "SELECT status, updated_at FROM error_queue WHERE pair_id = ? AND record_kind = 'order' "
        "AND source_id = ? AND code = ? AND status IN ('ignored', ?)",
        (ctx.pair.id, source_id, UNPAID_CODE, SNOOZED)).fetchall()
    for row in rows:
        if row["status"] == "ignored":
            return True
        waited = now - datetime.fromisoformat(str(row["updated_at"]))
        if waited.days < ctx.pair.rules.unpaid_alert_days:
            return True
    return False


def snooze(state: State, entry_id: int) -> None:
    """"Keep waiting": close the unpaid-order alert until another ``unpaid_alert_days`` pass."""
    entry = state.errors.get(entry_id)
    if entry is None:
        raise KeyError(f"there is no error-queue entry {entry_id}")
    if entry.code != UNPAID_CODE:
        raise ValueError(f"entry {entry_id} is not about an unpaid order; only those can wait")
    with state.tx():
        state.errors.close(entry_id, SNOOZED, "keep waiting for the payment")
        state.runs.audit("snoozed", pair_id=entry.pair_id, record_kind=entry.record_kind,
                         source_id=entry.source_id, detail="keep waiting for the payment")


def settle_unpaid(ctx: PairContext, order: Order) -> None:
    """The order was paid or cancelled: its unpaid alert is answered."""
    for entry in ctx.state.errors.open_for_record(ctx.pair.id, "order", order.source_id):
        if entry.code == UNPAID_CODE:
            ctx.state.errors.close(entry.id, "resolved",
                                   "cancelled in the store" if order.state == "canceled"
                                   else "the payment arrived")


def posted_date(active: PostingRow | None) -> date | None:
    """The date of a document already in the ledger, kept when the order changes again."""
    if active is None or active.state in ("queued", "flagged"):
        return None
    try:
        value = json.loads(active.payload)["document"]["txn_date"]
    except (ValueError, KeyError, TypeError):
        return None
    return date.fromisoformat(str(value))


def ledger_payment(ctx: PairContext, order: Order, mapped: MappedDocument, invoice_key: str,
                   key: str) -> LedgerPayment:
    """The payment of a paid invoice: dated when paid (store-local), with the transaction id."""
    route = ctx.pair.rules.route_for(order.payment_method)
    document = mapped.document
    return LedgerPayment(customer_key=mapped.customer.key, invoice_posting_key=invoice_key,
                         amount=document.total, txn_date=paid_date(order, ctx.pair.rules),
                         currency=order.currency, deposit_account=route.deposit_account,
                         payment_method=route.payment_method, payment_ref=payment_ref(order),
                         base_currency=document.base_currency, base_rate=document.base_rate,
                         private_note=f"Payment for {order.number}. ecom-ledger key: {key}")
