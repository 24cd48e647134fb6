"""The bad-input corpus: every file in ``tests/corpus/<store>/`` is one odd order, end to end.

The runner is the same for every store: it drives the store's simulator through its contract
harness (``tests/contract/harness.py``). The case format is ``corpus_cases``; the checks every
case makes are ``corpus_checks``: no run fails, nothing is dropped silently (each case order
and credit memo is posted or has exactly one open entry naming it, with a fix), and one more
sync posts nothing and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import ContractBench
from tests.contract.corpus_cases import case_files, load
from tests.contract.corpus_checks import (
    Run,
    check_flag,
    check_good_order,
    check_no_crash,
    check_nothing_dropped,
    check_posts,
    check_skipped,
)


def params() -> list[Any]:
    out = []
    for path in case_files():
        case = load(path)
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        out.append(pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}",
                                marks=marks))
    return out


@pytest.mark.parametrize(("make_harness", "path"), params(), indirect=["make_harness"])
def test_corpus_case(bench: ContractBench, path: Path) -> None:
    """Each case on a bench whose store is the one the case's folder is named after."""
    case = load(path)
    run = Run(bench, case)

    run.play()

    check_no_crash(run)
    if case.get("good_order_still_posts"):
        check_good_order(run)
    expect = case["expect"]
    if "posts" in expect:
        check_posts(run, expect["posts"])
    if "flag" in expect:
        check_flag(run, expect["flag"])
    else:
        assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    if "skipped" in expect:
        check_skipped(run)
    check_nothing_dropped(run)

    # One more run changes nothing: no new document, no update, no new or closed entry.
    before = run.snapshot()
    again = bench.sync()
    assert again.status in ("ok", "flagged"), again
    assert again.posted == 0, again
    assert run.snapshot() == before
