"""``QbdLedger.check_document``: what creating a document would refuse before sending, raised
without sending anything, also while no Web Connector session is open (the exact preview's
check between updates)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.base import DocumentChecker, Resolution
from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import SalesDocument
from tests.support.qbd import BOOKS, sale

#: what the Web Connector's session answered: multicurrency off, home currency US Dollar
PREFERENCES = (
    '<QBXML><QBXMLMsgsRs><PreferencesQueryRs requestID="preferences" statusCode="0" '
    'statusSeverity="Info" statusMessage="Status OK"><PreferencesRet><MultiCurrencyPreferences>'
    "<IsMultiCurrencyOn>false</IsMultiCurrencyOn><HomeCurrencyRef><FullName>US Dollar</FullName>"
    "</HomeCurrencyRef></MultiCurrencyPreferences></PreferencesRet></PreferencesQueryRs>"
    "</QBXMLMsgsRs></QBXML>")
RESOLUTION = Resolution(customer_id="Jane Doe", item_ids={"sku:MB-1": "MB-1"})


def ledger(preferences: str = "") -> QbdLedger:
    """A ledger whose Web Connector is away: any exchange would raise ``LedgerAway``."""
    mailbox = Mailbox("books")
    mailbox.preferences = preferences  # a session of this process answered (or none did)
    return QbdLedger(mailbox, BOOKS)


def check(document: SalesDocument, preferences: str = "") -> RecordError | None:
    try:
        ledger(preferences).check_document(document, RESOLUTION)
    except RecordError as refused:
        return refused
    return None


def test_quickbooks_desktop_is_a_document_checker_and_passes_a_good_sale() -> None:
    assert isinstance(ledger(), DocumentChecker)
    assert check(sale()) is None
    assert check(sale(), PREFERENCES) is None


def test_a_total_quickbooks_would_compute_otherwise_is_refused_before_sending() -> None:
    document = sale()
    document.total = Decimal("48.31")
    refused = check(document)
    assert refused is not None and refused.problem.code == "total_mismatch"
    assert "48.30" in refused.problem.message and "48.31" in refused.problem.message


def test_a_store_rate_with_no_sales_tax_item_is_refused_before_sending() -> None:
    document = sale()
    document.lines[0].tax_rate = Decimal("7")
    refused = check(document)
    assert refused is not None and refused.problem.code == "unmapped_tax_rate"
    assert "tax_codes.7" in refused.problem.message


@pytest.mark.parametrize(("preferences", "code"), [(PREFERENCES, "currency_not_enabled"),
                                                    ("", None)])
def test_a_foreign_currency_is_judged_by_the_last_sessions_facts_else_left_to_the_run(
        preferences: str, code: str | None) -> None:
    document = sale()
    document.currency = "EUR"
    refused = check(document, preferences)
    assert (refused.problem.code if refused else None) == code
