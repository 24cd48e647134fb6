"""The fixes the error queue offers, as operations the CLI and the desktop app both call.

Each fix changes what it must (a mapping, a rule for one record, a void) and then re-drives that
record, and every other open entry with the same cause (a SKU mapped or created, a customer
chosen): a fix made once applies everywhere. Void-and-repost voids the posted document and posts
the current version as a new one whose number carries a ``-R<n>`` suffix (a voided document
keeps its number in QuickBooks); the new one waits until the void is confirmed, so there are
never two live documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.connectors.base import NON_PRODUCT_LINES, PostedRef
from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.ledger import (
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import active_sale, root_key
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.refund_payout import journal_payout, payout_account, void_payouts

FIX_ACTIONS = ("retry", "ignore", "map_sku", "create_item", "pick_customer", "void_and_repost",
               "import_order", "post_refund_alone")


SKU_CODES = ("unmapped_sku", "duplicate_sku")
#: an item the posting rules name (gift card, rounding, fees...) that the ledger lacks
MISSING_ITEM_CODE = "missing_reference"
CUSTOMER_CODES = ("duplicate_customer", "duplicate_name")


class FixError(SyncError):
    """A fix that cannot apply to this entry; the message says why."""


@dataclass(frozen=True)
class FixOutcome:
    """What a fix did: to the entry in front of the merchant, and to others with its cause."""

    outcome: str  # "posted", "ignored", "still flagged: …" — the entry in front
    message: str  # one line for the merchant
    others: int = 0  # other open entries with the same cause, re-driven too
    others_posted: int = 0


def same_cause(state: State, entry: ErrorEntry, action: str) -> list[ErrorEntry]:
    """Other open entries of the pair that the same mapping, item or customer choice cures."""
    others = [e for e in state.errors.entries(entry.pair_id, "open") if e.id != entry.id]
    if action in ("map_sku", "create_item"):
        codes = (MISSING_ITEM_CODE,) if entry.code == MISSING_ITEM_CODE else SKU_CODES
        return [e for e in others if e.code in codes and e.detail == entry.detail]
    if action == "pick_customer":
        key = _customer_key(state, entry)
        return [e for e in others if e.code in CUSTOMER_CODES and key
                and _customer_key(state, e) == key]
    return []


def _customer_key(state: State, entry: ErrorEntry) -> str:
    row = state.journal.get(entry.posting_key or "")
    if row is None:
        return ""
    customer = loads(row.payload).get("customer") or {}
    return str(customer.get("key") or "") if isinstance(customer, dict) else ""


def fix_outcome(action: str, value: str, entry: ErrorEntry, outcome: str,
                others: list[str], ledger_label: str) -> FixOutcome:
    """The merchant's sentence for a fix: what changed, the record, and the others it freed."""
    what = {"map_sku": f"Mapped SKU '{entry.detail}' → '{value}'",
            "create_item": f"Created {'item' if entry.code == MISSING_ITEM_CODE else 'SKU'} "
                           f"'{entry.detail}' in {ledger_label}",
            "pick_customer": f"This customer's orders now go to {ledger_label} customer {value}",
            }.get(action, action.replace("_", " ").capitalize())
    record = f"{'order' if entry.record_kind == 'order' else entry.record_kind} {entry.record_ref}"
    done = f"{record} was posted" if outcome == "posted" else f"{record}: {outcome}"
    posted = sum(1 for o in others if o == "posted")
    message = f"{what}; {done}"
    if others:
        noun = "record" if len(others) == 1 else "records"
        if posted == len(others):
            message += f"; {posted} other {noun} waiting on it {'was' if posted == 1 else 'were'} " \
                       "posted too"
        else:
            message += (f"; {posted} of {len(others)} other {noun} waiting on it were posted, "
                        f"{len(others) - posted} still wait in the error queue")
    return FixOutcome(outcome, message + ".", len(others), posted)


def _posting(ctx: PairContext, entry: ErrorEntry) -> PostingRow:
    row = ctx.state.journal.get(entry.posting_key or "")
    if row is None:
        raise FixError(f"entry {entry.id} is about a record that was never journaled; "
                       "use 'retry' after correcting it in the store")
    return row


def map_sku(ctx: PairContext, entry: ErrorEntry, ledger_item: str) -> None:
    """Map the entry's unmapped SKU to an existing ledger item (by name)."""
    if entry.code not in SKU_CODES or not entry.detail:
        raise FixError(f"entry {entry.id} is not about an unmapped SKU")
    ctx.ledger.resolve_name("item", ledger_item)  # refuses a name the ledger does not have
    with ctx.state.tx():
        ctx.state.mappings.set_sku(ctx.pair.id, entry.detail, ledger_item)


def line_item_kind(payload: dict[str, Any], name: str) -> str | None:
    """The kind of non-product line the item ``name`` is for in a journaled document: a line
    naming it, else "unreturned" (the ledger's item for refunded goods not back in stock) when
    the document refunds such goods; None when no line of it needs that item."""
    lines = (payload.get("document") or {}).get("lines") or []
    for line in lines:
        if (line.get("item") or {}).get("ledger_name") == name \
                and line.get("kind") in NON_PRODUCT_LINES:
            return str(line["kind"])
    if any(line.get("restock") is False for line in lines):
        return "unreturned"
    return None


def _create_line_item(ctx: PairContext, entry: ErrorEntry) -> None:
    """Create the missing item a non-product line names, on the account its kind books to."""
    row = _posting(ctx, entry)
    kind = line_item_kind(loads(row.payload), entry.detail)
    if kind is None:
        raise FixError(f"entry {entry.id}: no line of {row.record_number} uses an item called "
                       f"'{entry.detail}'; create it in {ctx.ledger_label} or choose another "
                       "in the posting rules, then retry")
    from ecom_ledger_desktop.db.journal_repo import request_id_for

    ctx.ledger.ensure_line_item(kind, entry.detail, "create_item",
                                request_id_for(f"create-line-item:{kind}:{entry.detail}:"
                                               f"{row.attempts}"))


def create_item(ctx: PairContext, entry: ErrorEntry) -> None:
    """Create the entry's unmapped SKU (or the missing item a gift card, rounding, fee...
    line names) as a ledger item and remember it."""
    if entry.code == MISSING_ITEM_CODE and entry.detail:
        _create_line_item(ctx, entry)
        return
    if entry.code != "unmapped_sku" or not entry.detail:
        raise FixError(f"entry {entry.id} is not about an unmapped SKU")
    row = _posting(ctx, entry)
    items = [LedgerItem.model_validate(i) for i in loads(row.payload).get("items", [])]
    item = next((i for i in items if i.sku == entry.detail), None) or LedgerItem(
        key=f"sku:{entry.detail}", sku=entry.detail, name=entry.detail)
    from ecom_ledger_desktop.db.journal_repo import request_id_for

    ledger_id = ctx.ledger.ensure_item(item, "create_item", ctx.pair.rules.standard_item,
                                       request_id_for(f"create-item:{item.key}:{row.attempts}"))
    with ctx.state.tx():
        ctx.state.ledger_refs.remember(ctx.pair.ledger_id, "item", item.key, ledger_id)


def pick_customer(ctx: PairContext, entry: ErrorEntry, ledger_customer_id: str) -> None:
    """Route this store customer to the chosen existing ledger customer from now on."""
    row = _posting(ctx, entry)
    customer = loads(row.payload).get("customer") or {}
    key = str(customer.get("key") or "")
    if not key:
        raise FixError(f"entry {entry.id} has no customer to choose")
    with ctx.state.tx():
        ctx.state.mappings.set_customer(ctx.pair.id, key, ledger_customer_id)


def void_and_repost(ctx: PairContext, entry: ErrorEntry) -> list[PostingRow]:
    """Journal a void of the posted document and a repost of the current version after it."""
    row = _posting(ctx, entry)
    postings = ctx.state.journal.for_record(ctx.pair.id, row.record_kind, row.source_id)
    live = active_sale(postings)
    if live is None:
        raise FixError(f"entry {entry.id}: nothing of this record is posted")
    root = ctx.state.journal.get(root_key(live) if live.state == "posted" else
                                 (live.target_key or live.posting_key))
    if root is None or root.state != "posted":
        raise FixError(f"entry {entry.id}: the document is not posted, so there is nothing to "
                       "void; use 'retry'")
    source = row if row.op in ("create", "update") else live
    number = sum(1 for p in postings if ":repost" in p.posting_key) + 1
    void_key = f"{root.posting_key}:void-for-repost{number}"
    repost_key = f"{source.posting_key.split(':repost')[0]}:repost{number}"
    payload = loads(source.payload)
    document = payload["document"]
    document["doc_number"] = f"{str(document['doc_number'])[:21 - 3 - len(str(number))]}-R{number}"
    document["private_note"] = (f"{source.record_number} reposted (replaces a voided document). "
                                f"ecom-ledger key: {repost_key}")
    with ctx.state.tx():
        # a refund paid back out of its document: the pay-out goes first, and again after
        paid_from = payout_account(ctx, root.posting_key)
        before = void_payouts(ctx, root.posting_key, None, "void and repost")
        ctx.state.journal.enqueue(
            pair_id=ctx.pair.id, posting_key=void_key, op="void", doc_kind=root.doc_kind,
            record_kind=row.record_kind, source_id=row.source_id,
            record_number=row.record_number, revision="void",
            payload=json.dumps({"reason": "void and repost"}), amount=None,
            target_key=root.posting_key, depends_on=f"posting:{before}" if before else None)
        ctx.state.journal.enqueue(
            pair_id=ctx.pair.id, posting_key=repost_key, op="create", doc_kind=source.doc_kind,
            record_kind=row.record_kind, source_id=row.source_id,
            record_number=row.record_number, revision=source.revision, payload=dumps(payload),
            amount=source.amount, depends_on=f"posting:{void_key}")
        for other in postings:
            if other.state in ("flagged", "queued") and other.op in ("create", "update"):
                ctx.state.journal.mark_state(other.posting_key, "superseded", "void and repost")
        payout = journal_payout(ctx, repost_key, SalesDocument.model_validate(document),
                                LedgerCustomer.model_validate(payload["customer"]), None,
                                paid_from)
        ctx.state.errors.close(entry.id, "resolved", "void and repost requested")
    return [r for key in (before, void_key, repost_key, payout)
            if key and (r := ctx.state.journal.get(key)) is not None]


def needs_ledger_to_ignore(entry: ErrorEntry, row: PostingRow | None) -> bool:
    """Whether ignoring this entry must first ask the ledger what it holds.

    A posting whose send was never confirmed may have landed, and a duplicate number may be
    this very record: either way the document must be found and kept, not forgotten.
    """
    return row is not None and row.state != "posted" and (
        row.state == "sending" or entry.code == "duplicate_doc_number")


def ignore(ctx: PairContext | None, state: State, entry: ErrorEntry, reason: str) -> str:
    """Dismiss an entry's problem with the merchant's reason; returns what happened.

    A posted document stays posted with its ledger id (later edits, voids, refunds and payments
    still reach it). A posting that is in the ledger after all (``ctx`` given) is linked to the
    document found there. Only a posting the ledger does not have is marked ``ignored``.
    """
    row = state.journal.get(entry.posting_key) if entry.posting_key else None
    found = _in_ledger(ctx, entry, row) if ctx is not None and row is not None else None
    with state.tx():
        state.errors.close(entry.id, "ignored", reason)
        if row is not None and found is not None:
            state.journal.mark_posted(row.posting_key, found.ledger_id, found.doc_number,
                                      found.sync_token, found.total)
            state.runs.audit("adopted", pair_id=entry.pair_id, record_kind=entry.record_kind,
                             source_id=entry.source_id, posting_key=row.posting_key,
                             detail=f"linked to the ledger's document {found.doc_number or ''} "
                                    f"id {found.ledger_id}: {reason}")
        elif row is not None and row.state != "posted" and not (
                row.state == "sending" and row.op in ("update", "void")):
            # (an unconfirmed update or void keeps its state: it is resent under the same id,
            # which the ledger replays, so the document ends as the ledger has it)
            state.journal.mark_state(row.posting_key, "ignored", reason)
        state.runs.audit("ignored", pair_id=entry.pair_id, record_kind=entry.record_kind,
                         source_id=entry.source_id, posting_key=entry.posting_key,
                         detail=reason if row is None or row.state != "posted" or found else
                         f"{reason} (the posted document stays linked)")
    return "ignored"


def _in_ledger(ctx: PairContext, entry: ErrorEntry, row: PostingRow) -> PostedRef | None:
    """The ledger document this posting already is, if any (raises when it cannot be asked)."""
    if not needs_ledger_to_ignore(entry, row) or row.op not in ("create", "payment"):
        return None
    payload = loads(row.payload)
    try:
        if row.op == "payment":
            return ctx.ledger.find_posted(row.posting_key,
                                          LedgerPayment.model_validate(payload["payment"]))
        document = SalesDocument.model_validate(payload["document"])
        ours = ctx.ledger.find_posted(row.posting_key, document)
        if ours is not None or entry.code != "duplicate_doc_number":
            return ours
        numbered = ctx.ledger.documents_numbered(document)
    except SyncError as error:
        raise FixError(f"{ctx.ledger_label} could not be asked whether {row.record_number} is "
                       f"already there ({error}); nothing was changed, try again when it "
                       "answers") from None
    owned = {p.ledger_id for p in ctx.state.journal.all(ctx.pair.id)
             if p.state == "posted" and p.doc_kind == row.doc_kind and p.ledger_id}
    candidates = [ref for ref in numbered if ref.ledger_id not in owned]
    # another record's document is never taken over; several candidates are not guessed
    return candidates[0] if len(candidates) == 1 else None


def run_postings(ctx: PairContext, rows: list[PostingRow]) -> str:
    """Dispatch the given postings now, in order; returns a one-line outcome."""
    dispatcher = Dispatcher(ctx, None)
    outcomes = [dispatcher.dispatch(ctx.state.journal.get(r.posting_key) or r) for r in rows]
    if dispatcher.away:  # a ledger that calls in (QuickBooks Desktop): they wait for it
        return dispatcher.waiting_words()
    if dispatcher.held:  # the pair holds its runs: they go once the merchant approves them
        return dispatcher.held_words()
    return "posted" if outcomes and all(o == "posted" for o in outcomes) else ", ".join(outcomes)
