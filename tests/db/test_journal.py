"""The posting journal and the per-pair run lock, on a real SQLite file."""

from __future__ import annotations

import multiprocessing
from datetime import date
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db.journal_repo import request_id_for
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules


def make_state(path: Path) -> tuple[State, int]:
    state = State(path, ManualClock())
    with state.tx():
        store = state.connections.add_connection(ConnectionConfig(name="shop", kind="magento2"))
        ledger = state.connections.add_connection(ConnectionConfig(name="books", kind="qbo"))
        pair = state.connections.add_pair("shop→books", store, ledger,
                                          PostingRules(start_date=date(2026, 1, 1)))
    return state, pair


def enqueue(state: State, pair: int, key: str) -> bool:
    with state.tx():
        return state.journal.enqueue(pair_id=pair, posting_key=key, op="create",
                                     doc_kind="sales_receipt", record_kind="order",
                                     source_id="3", record_number="000000003", revision="r1",
                                     payload="{}", amount=Decimal("10.00"))


def test_a_posting_key_is_journaled_once(tmp_path: Path) -> None:
    state, pair = make_state(tmp_path / "s.sqlite3")
    assert enqueue(state, pair, "1:order:3:r1:sales_receipt")
    assert not enqueue(state, pair, "1:order:3:r1:sales_receipt")
    assert len(state.journal.all(pair)) == 1


def test_request_id_is_deterministic_and_fits_qbo_limits() -> None:
    rid = request_id_for("1:order:3:r1:sales_receipt")
    assert rid == request_id_for("1:order:3:r1:sales_receipt")
    assert rid != request_id_for("1:order:3:r2:sales_receipt")
    assert len(rid) == 36


def test_sending_state_survives_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    state, pair = make_state(path)
    enqueue(state, pair, "k1")
    with state.tx():
        state.journal.mark_sending("k1", None)
    state.close()
    reopened = State(path, ManualClock())
    row = reopened.journal.get("k1")
    assert row is not None and row.state == "sending" and row.attempts == 1
    assert [r.posting_key for r in reopened.journal.open_postings(pair)] == ["k1"]


def _hold_lock(path: str, pair: int, ready, release) -> None:  # type: ignore[no-untyped-def]
    state = State(path, ManualClock())
    assert state.runs.try_lock(pair, "other process")
    ready.set()
    release.wait(20)


def test_run_lock_is_exclusive_across_processes_and_freed_when_holder_dies(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    state, pair = make_state(path)
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), pair, ready, release))
    holder.start()
    assert ready.wait(30)
    assert not state.runs.try_lock(pair, "this process")
    holder.kill()
    holder.join(10)
    assert state.runs.try_lock(pair, "this process"), "a dead holder's lock is taken over"


def test_a_batch_claims_only_postings_still_queued_and_each_once(tmp_path: Path) -> None:
    state, pair = make_state(tmp_path / "s.sqlite3")
    for key in ("k0", "k1", "k2"):
        enqueue(state, pair, key)
    with state.tx():  # a newer revision of the order replaced k1 before it was sent
        state.journal.mark_state("k1", "superseded", "the order changed before it was posted")
    assert [r.posting_key for r in state.journal.open_postings_after(pair, 0)] == ["k0", "k2"]
    first = state.journal.get("k0")
    assert first is not None
    assert [r.posting_key for r in state.journal.open_postings_after(pair, first.id)] == ["k2"]

    assert state.journal.claim_for_sending(["k0", "k1", "k2"], run_id=None) == {"k0", "k2"}
    superseded = state.journal.get("k1")
    assert superseded is not None and superseded.state == "superseded", "its old form is never sent"
    assert state.journal.claim_for_sending(["k0", "k2"], run_id=None) == set(), \
        "a posting already sending is never claimed (sent) a second time"
    rows = [state.journal.get(key) for key in ("k0", "k2")]
    assert [(r.state, r.attempts) for r in rows if r] == [("sending", 1), ("sending", 1)]
