"""Bad input from the store, end to end over real loopback HTTP.

Every case syncs one faulty Magento order next to one good order and checks that

* the good order still posts (one bad record never stops the run), and
* the faulty one either posts a document whose QuickBooks ``TotalAmt`` equals the store's
  ``grand_total`` to the cent, or leaves exactly one open error-queue entry whose message names
  the order (its ``increment_id``) and says what to fix, with at least one fix, keeping the raw
  record when it could not be parsed. Nothing is dropped silently and nothing crashes.

Faults the order spec cannot express are written with ``put_raw_order`` over the order the
simulator built, so everything else about the order stays exactly as Magento would send it.

The cases are ``bad_input_cases``; their vocabulary and shared assertions ``bad_input_support``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.sync.bad_input_cases import CASES
from tests.sync.bad_input_support import (
    Case,
    add_good,
    amount,
    assert_flagged_well,
    bad_documents,
    the_good_order_posted,
)
from tests.sync.conftest import SyncBench


def params() -> list[Any]:
    return [pytest.param(case, id=name, marks=[pytest.mark.xfail(strict=True, reason=case.xfail)]
                         if case.xfail else []) for name, case in CASES.items()]


@pytest.mark.parametrize("case", params())
def test_bad_order_posts_exactly_or_is_flagged_clearly(bench: SyncBench, case: Case) -> None:
    bad_id = case.make(bench)
    good_id = add_good(bench)
    raw = bench.store.order_json(bad_id)
    number = str(raw["increment_id"])

    summary = bench.sync()

    the_good_order_posted(bench, good_id)
    errors = bench.open_errors()
    if case.expect == "posts":
        assert errors == [], [e.message for e in errors]
        assert summary.status == "ok", summary
        [doc] = bad_documents(bench, good_id)
        assert doc in bench.docs(case.kind)
        assert amount(doc["TotalAmt"]) == amount(raw["grand_total"])
        if case.check is not None:
            case.check(bench, bad_id, doc)
    else:
        assert summary.status == "flagged", summary
        assert len(errors) == 1, [e.message for e in errors]
        assert_flagged_well(errors[0], number, case, raw)
        assert bad_documents(bench, good_id) == [], "nothing half-posted"

    # The next run changes nothing: no second document, no second queue entry.
    before = bad_documents(bench, good_id)
    again = bench.sync()
    assert again.posted == 0, again
    assert bad_documents(bench, good_id) == before
    assert [e.id for e in bench.open_errors()] == [e.id for e in errors]
    the_good_order_posted(bench, good_id)
