"""QuickBooks Desktop status codes land in the shared taxonomy with messages a shop owner can act on."""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd import errors
from ecom_ledger_desktop.core.errors import (
    FatalError,
    RecordError,
    RetriableError,
    UncertainOutcome,
)

RECORD = "sales receipt 100000001"


@pytest.mark.parametrize(("code", "severity"), [(0, "Info"), (1, "Info"), (500, "Warn"),
                                                 (530, "Warn")])
def test_processed_requests_are_not_errors(code, severity) -> None:
    assert errors.classify(code, severity, "whatever") is None


def test_3100_name_in_use_offers_to_pick_the_existing_record() -> None:
    err = errors.classify(3100, "Error", 'The name "Jordan Rivera" of the list element is '
                                         "already in use.", record="customer Jordan Rivera")
    assert isinstance(err, RecordError) and err.problem.code == "duplicate_name"
    assert "'Jordan Rivera'" in err.problem.message and "vendor" in err.problem.message
    assert "pick_customer" in [f.action for f in err.problem.fixes]


def test_3140_names_the_missing_item_and_how_to_fix_it() -> None:
    err = errors.classify(3140, "Error", 'There is an invalid reference to QuickBooks Item '
                                         '"Tax On Sale" in the SalesReceipt line.', record=RECORD)
    assert isinstance(err, errors.QbdStatusError) and err.status_code == 3140
    assert "item 'Tax On Sale'" in err.problem.message
    assert "Create or reactivate" in err.problem.message


def test_3200_stale_edit_sequence_is_retried_after_reading_again() -> None:
    err = errors.classify(3200, "Error", 'The provided edit sequence "1416315972" is out-of-date.',
                          record="customer Jane")
    assert isinstance(err, errors.StaleEditSequence) and isinstance(err, RetriableError)
    assert "read again" in str(err)


@pytest.mark.parametrize("code", [3170, 3175, 3176, 3180])
def test_locks_and_save_errors_wait_for_the_next_update(code) -> None:
    err = errors.classify(code, "Error", "There was an error when saving a Customer list, "
                                         'element "Jane". QuickBooks error message: This list '
                                         "has been modified by another user.", record=RECORD)
    assert isinstance(err, RetriableError) and not isinstance(err, UncertainOutcome)
    assert "in use" in str(err) and "modified by another user" in str(err)


def test_3120_not_found_and_3210_invalid_value_go_to_the_queue() -> None:
    missing = errors.classify(3120, "Error", 'Object "80000001-1" specified in the request '
                                             "cannot be found.", record=RECORD)
    assert isinstance(missing, RecordError) and missing.problem.code == "not_found"
    invalid = errors.classify(3210, "Info", 'The "AppliedToTxnAdd payment amount" field has an '
                                            'invalid value "129.43".  QuickBooks error message: '
                                            "You cannot pay more than the amount due.",
                              record="payment for 1001")
    # QuickBooks marks this one "Info"; the code decides, not the severity
    assert isinstance(invalid, RecordError) and invalid.problem.code == "invalid_data"
    assert "AppliedToTxnAdd payment amount" in invalid.problem.message
    assert "You cannot pay more than the amount due" in invalid.problem.message


def test_skipped_requests_and_dead_iterators_are_simply_resent() -> None:
    assert isinstance(errors.classify(3231, "Error", "The request has not been processed."),
                      RetriableError)
    assert isinstance(errors.classify(3391, "Error", 'The iteratorID "{x}" is not valid.'),
                      errors.IteratorExpired)


def test_permission_problems_need_a_person() -> None:
    err = errors.classify(3261, "Error", "The integrated application has no permission to "
                                         "access personal data.")
    assert isinstance(err, FatalError) and err.role == "ledger"
    assert "Integrated Applications" in str(err)


def test_unknown_codes_quote_quickbooks() -> None:
    err = errors.classify(3999, "Error", "Something odd.  QuickBooks error message: Odd thing.",
                          record=RECORD)
    assert isinstance(err, RecordError) and "error 3999" in err.problem.message
    assert "Odd thing" in err.problem.message


def test_message_set_status_codes() -> None:
    assert errors.classify_message_set(None) is None
    assert errors.classify_message_set(0) is None
    assert isinstance(errors.classify_message_set(600), RetriableError)
    for code in (9001, 9002):
        assert isinstance(errors.classify_message_set(code), UncertainOutcome)


def test_hresults_say_why_postings_wait() -> None:
    closed = errors.classify_hresult("0x80040416", "If QuickBooks is not running, ...")
    assert isinstance(closed, RetriableError) and "Open QuickBooks" in str(closed)
    parse_error = errors.classify_hresult("0x80040400", "QuickBooks found an error when "
                                                        "parsing the provided XML text stream.")
    assert isinstance(parse_error, FatalError) and "Nothing was saved" in str(parse_error)
    denied = errors.classify_hresult("0x80040420")
    assert isinstance(denied, FatalError)
