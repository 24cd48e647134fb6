"""The bad-input corpus itself: enough cases per store, numbered uniquely, each file valid against
the case schema and ending with a sync; the schema refuses a malformed case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contract.corpus_cases import (
    CORPUS,
    MIN_CASES_PER_STORE,
    STORES,
    VALIDATOR,
    case_files,
    load,
)

# -- the corpus itself -------------------------------------------------------------------------

@pytest.mark.parametrize("store", STORES)
def test_corpus_has_enough_cases(store: str) -> None:
    files = sorted((CORPUS / store).glob("*.json"))
    assert len(files) >= MIN_CASES_PER_STORE, f"{store}: {len(files)} cases"
    assert len({f.name[:3] for f in files}) == len(files), "case numbers are unique"
    assert all(f.name[:3].isdigit() and f.name[3] == "-" for f in files), "NNN-short-name.json"


@pytest.mark.parametrize("path", case_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_file_is_valid(path: Path) -> None:
    try:
        case = load(path)
    except json.JSONDecodeError as exc:
        pytest.fail(f"{path.name} is not JSON: {exc}")
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in VALIDATOR.iter_errors(case)]
    assert not problems, f"{path.name}: " + "; ".join(problems)
    steps = case.get("steps", [{"do": "sync"}])
    assert steps[-1]["do"] == "sync", "a case ends with a sync"


def test_schema_rejects_a_malformed_case() -> None:
    bad = {"description": "no expectation at all", "good_order_still_posts": False,
           "expect": {"posts": {"entity": "Bill"}}}
    assert len(list(VALIDATOR.iter_errors(bad))) >= 2
