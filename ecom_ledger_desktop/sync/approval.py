"""Hold for approval: a pair whose runs send only the postings the merchant approved.

With ``posting_approval = "hold"`` a run fetches and journals as always, then sends only
approved postings (batched where the ledger batches, like any run), and so does every other
path that sends (a retry or a fix from the error queue: the ``Dispatcher`` keeps the rest
back); the others stay queued in the journal, held (not lost, not flagged), and the exact
preview (``sync/preview.py``) shows them. Approving is per posting, so a later change to an
approved order (an update, a void) is held again until approved.
"""

from __future__ import annotations

from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.refund_payout import is_payout


def holding(pair: Pair) -> bool:
    """Whether the pair's runs wait for the merchant's approval."""
    return pair.rules.posting_approval == "hold"


def waits_for_approval(rows: list[PostingRow]) -> str:
    """What a retry or a fix says about postings it kept back: "order 1001 waits for your
    approval on the Preview page" (a held posting goes only once approved)."""
    kinds: dict[str, list[str]] = {}
    for row in rows:
        numbers = kinds.setdefault(row.record_kind, [])
        if row.record_number not in numbers:
            numbers.append(row.record_number)
    said = [f"{kind}{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"
            for kind, numbers in kinds.items()]
    several = sum(len(numbers) for numbers in kinds.values()) > 1
    return f"{' and '.join(said)} {'wait' if several else 'waits'} for your approval on the " \
           "Preview page"


def held_rows(state: State, pair: Pair) -> list[PostingRow]:
    """Open postings waiting for approval (none when the pair posts automatically)."""
    if not holding(pair):
        return []
    approved = state.approvals.approved(pair.id)
    return [row for row in state.journal.open_postings(pair.id)
            if row.posting_key not in approved]


def held_count(state: State, pair: Pair) -> int:
    """How many postings wait for approval."""
    return len(held_rows(state, pair))


def held_by_kind(state: State, pair: Pair) -> dict[str, int]:
    """How many store records of each kind (order, refund, summary) have a posting waiting for
    approval."""
    records = {(row.record_kind, row.source_id) for row in held_rows(state, pair)}
    counts: dict[str, int] = {}
    for kind, _source in records:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


_NOUNS = {"summary": ("daily summary", "daily summaries")}


def waiting_line(counts: dict[str, int]) -> str:
    """"12 orders and 1 refund wait for your approval" ("" when nothing does)."""
    said = [f"{count} {_NOUNS.get(kind, (kind, kind + 's'))[count != 1]}"
            for kind, count in sorted(counts.items(), key=lambda kc: kc[0] != "order") if count]
    if not said:
        return ""
    verb = "waits" if len(said) == 1 and sum(counts.values()) == 1 else "wait"
    return f"{' and '.join(said)} {verb} for your approval"


def held_words(count: int) -> str:
    """What a run says about held postings."""
    return (f"{count} document{'s are' if count > 1 else ' is'} held for your approval: "
            "review them in the preview and approve them to post")


def approve(state: State, pair: Pair, numbers: list[str] | None) -> tuple[list[str], list[str]]:
    """Approve what waits for these orders (by number or store id), their refunds included, and
    for refunds named ``refund:NUMBER``; everything open when ``numbers`` is None. Returns
    (numbers approved, numbers with nothing open to approve)."""
    rows = state.journal.open_postings(pair.id)
    missing: list[str] = []
    if numbers is None:
        chosen = rows
    else:
        chosen = []
        for number in numbers:
            found = _rows_for(rows, number)
            chosen += found
            if not found:
                missing.append(number)
    approve_keys(state, pair, [row.posting_key for row in chosen])
    return list(dict.fromkeys(row.record_number for row in chosen)), missing


def approve_keys(state: State, pair: Pair, posting_keys: list[str]) -> None:
    """Approve exactly these postings (the app's ticked documents), and the pay-out of a refund
    document among them (it is that refund's money going back)."""
    chosen = set(posting_keys)
    payouts = [row.posting_key for row in state.journal.open_postings(pair.id)
               if is_payout(row) and row.posting_key not in chosen
               and chosen & {row.target_key, (row.depends_on or "").removeprefix("posting:")}]
    with state.tx():
        state.approvals.approve(pair.id, [*posting_keys, *payouts])


def _rows_for(rows: list[PostingRow], number: str) -> list[PostingRow]:
    if number.startswith("refund:"):
        wanted = number.removeprefix("refund:")
        return [row for row in rows if row.record_kind == "refund"
                and wanted in (row.record_number, row.source_id)]
    orders = {row.source_id for row in rows
              if row.record_kind == "order" and number in (row.record_number, row.source_id)}
    return [row for row in rows if (row.record_kind == "order" and row.source_id in orders)
            or (row.record_kind == "refund" and row.depends_on in orders)]
