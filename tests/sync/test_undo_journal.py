"""The pure journal rules of an undo: keys, and numbers a repost can use."""

from __future__ import annotations

from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.undo_journal import (
    UNDONE,
    document_chain,
    is_undo,
    repost_number,
    undo_key,
)


def row(key: str, op: str = "create", state: str = "posted", target: str | None = None,
        revision: str = "r1") -> PostingRow:
    return PostingRow(id=0, pair_id=1, posting_key=key, op=op, doc_kind="sales_receipt",
                      record_kind="order", source_id="7", record_number="1007",
                      revision=revision, payload="{}", target_key=target, depends_on=None,
                      state=state, request_id="r", amount=None, ledger_id="9",
                      ledger_doc_number="1007", ledger_sync_token="0", attempts=1,
                      last_error="", writeback_done=False)


def test_a_repost_after_n_undos_carries_the_nth_suffix_within_the_ledgers_limit() -> None:
    assert repost_number("1007", [row("a")]) == "1007"
    assert repost_number("1007", [row("a", state=UNDONE)]) == "1007-U1"
    twice = [row("a", state=UNDONE), row("a.2", state=UNDONE), row("a.3")]
    assert repost_number("1007", twice) == "1007-U2"
    long = "X" * 21
    assert repost_number(long, twice) == "X" * 18 + "-U2"
    assert len(repost_number(long, twice)) == 21


def test_a_documents_chain_is_its_create_and_its_updates_only() -> None:
    create, update = row("a"), row("b", op="update", target="a")
    payment, other = row("p", op="payment", target="a"), row("z")
    assert document_chain([create, update, payment, other], create) == [create, update]
    assert document_chain([create, payment], payment) == [payment]
    void = row(undo_key(create), op="void", target="a", revision="undo")
    assert is_undo(void) and not is_undo(row("c", op="void", revision="void"))
