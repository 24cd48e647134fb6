"""An unconfirmed posting is settled by a look-up, never by a resend under a new request id.

A send whose answer was lost leaves the posting ``sending``. The next run (or a retry) asks the
ledger for it. If that look-up itself fails, the posting stays ``sending`` with its request id
(the write may well have landed); the queue says so, and the next look-up settles it.
"""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.connectors.base import PushLedger
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import FaultError, QboFault
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.service import SyncService
from tests.sync.conftest import SyncBench, order_spec

ONE_SHOT = RetryPolicy(attempts=1, backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)


def _service(bench: SyncBench, policy: RetryPolicy = ONE_SHOT,
             broken_lookups: list[int] | None = None) -> SyncService:
    """A service on the bench's database; ``broken_lookups[0]`` look-ups fail (then work)."""
    factory = ConnectorFactory(policy=policy)

    def ledger(config: Any, secrets: Any) -> PushLedger:
        made = factory.ledger(config, secrets)
        if broken_lookups is not None:
            real = made.find_posted

            def find_posted(*args: Any) -> Any:
                if broken_lookups[0] > 0:
                    broken_lookups[0] -= 1
                    raise QboFault(FaultError(code="4000", message="QueryParserError"))
                return real(*args)

            made.find_posted = find_posted  # type: ignore[method-assign]
        return made

    return SyncService(bench.db_path, bench.secrets, store_factory=factory.store,
                       ledger_factory=ledger, events=bench.events)


def _postings(bench: SyncBench) -> list[PostingRow]:
    state = bench.state()
    try:
        return state.journal.all(bench.pair_id)
    finally:
        state.close()


def _lose_the_answer(bench: SyncBench, **spec: Any) -> PostingRow:
    """Post one order whose document is created in the ledger but whose answer is lost."""
    bench.store.add_order(order_spec(**spec))
    bench.ledger.drop_next_writes_after_apply(2)  # the customer, then the sales receipt
    _service(bench).run_pair(bench.pair_id, "test")
    [posting] = _postings(bench)
    assert posting.state == "sending" and len(bench.docs("SalesReceipt")) == 1
    return posting


def test_an_order_number_ending_in_a_backslash_is_looked_up_and_adopted(
        bench: SyncBench) -> None:
    before = _lose_the_answer(bench, increment_id="000000777\\")
    summary = bench.sync()
    [posting] = _postings(bench)
    assert posting.state == "posted", (posting.last_error, bench.open_errors())
    assert posting.request_id == before.request_id
    assert summary.status == "ok" and bench.open_errors() == []
    [receipt] = bench.docs("SalesReceipt")
    assert receipt["DocNumber"] == "000000777\\" and posting.ledger_id == receipt["Id"]


def test_a_failed_look_up_keeps_the_posting_uncertain_and_the_retry_looks_again(
        bench: SyncBench) -> None:
    before = _lose_the_answer(bench)
    summary = _service(bench, broken_lookups=[1]).run_pair(bench.pair_id, "test")
    [posting] = _postings(bench)
    assert posting.state == "sending", "not a rejection: the write may have landed"
    assert posting.request_id == before.request_id, "the request id is never rotated"
    assert summary.status == "flagged"
    [entry] = bench.open_errors()
    assert entry.code == "outcome_unknown"
    assert posting.record_number in entry.message and "never sent twice" in entry.message
    assert bench.service.retry(entry.id) == "posted"
    [posting] = _postings(bench)
    assert posting.state == "posted" and posting.request_id == before.request_id
    assert len(bench.docs("SalesReceipt")) == 1, "looked up and adopted, not sent again"
    assert bench.open_errors() == []
    assert bench.sync().status == "ok"
    assert len(bench.docs("SalesReceipt")) == 1


def test_a_look_up_that_keeps_failing_is_settled_by_the_next_run_once_it_works(
        bench: SyncBench) -> None:
    _lose_the_answer(bench)
    _service(bench, broken_lookups=[1]).run_pair(bench.pair_id, "test")
    assert [e.code for e in bench.open_errors()] == ["outcome_unknown"]
    summary = bench.sync()
    assert summary.status == "ok" and bench.open_errors() == []
    assert [p.state for p in _postings(bench)] == ["posted"]
    assert len(bench.docs("SalesReceipt")) == 1


def test_ignoring_an_unconfirmed_posting_links_the_document_the_ledger_has(
        bench: SyncBench) -> None:
    _lose_the_answer(bench)
    _service(bench, broken_lookups=[1]).run_pair(bench.pair_id, "test")
    [entry] = bench.open_errors()
    assert bench.service.ignore(entry.id, "I will check it myself") == "ignored"
    [posting] = _postings(bench)
    [receipt] = bench.docs("SalesReceipt")
    assert posting.state == "posted" and posting.ledger_id == receipt["Id"], \
        "the document in the ledger is never forgotten"
    assert bench.sync().status == "ok" and len(bench.docs("SalesReceipt")) == 1
