"""``FreshBooksLedger.check_document``: what the create would refuse, raised the same way, with
nothing written (the FreshBooks simulator over loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.base import DocumentChecker, Resolution
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.freshbooks.ledger import FreshBooksLedger
from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import DocumentLine, ItemRef, LedgerCustomer, SalesDocument
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore

FAST = RetryPolicy(backoff_base=0.001, backoff_max=0.01, breaker_reset=0.1)


@pytest.fixture
def books() -> Iterator[tuple[FreshBooksSimulator, FreshBooksLedger]]:
    with FreshBooksSimulator() as sim:
        store = MemorySecretStore()
        store.set("books", "client_secret", "sim-secret")
        store.set("books", "refresh_token", sim.issue_tokens()["refresh_token"])
        tokens = FreshBooksTokens("books", "sim-client", store,
                                  token_url=f"{sim.base_url}/auth/oauth/token")
        ledger = FreshBooksLedger(tokens, sim.account_id, api_base=sim.base_url, policy=FAST)
        try:
            yield sim, ledger
        finally:
            ledger.close()


def sale(total: str, amount: str = "30.00", tax: str = "0", rate: str | None = None
         ) -> SalesDocument:
    taxed = rate is not None
    return SalesDocument(
        kind="sales_receipt", doc_number="100009", txn_date=date(2026, 11, 2),
        customer_key="email:ann@example.com", currency="USD", total=Decimal(total),
        private_note="Order 100009. ecom-ledger key: 1:order:100009:x",
        tax_treatment="ledger" if taxed else "none", tax_total=Decimal(tax),
        lines=[DocumentLine(kind="item", item=ItemRef(item_key="sku:W", ledger_name="Widget"),
                            description="Widget", qty=Decimal(3), unit_price=Decimal(amount) / 3,
                            amount=Decimal(amount), taxable=taxed,
                            tax_rate=Decimal(rate) if rate else None, tax_amount=Decimal(tax))])


def writes(sim: FreshBooksSimulator) -> int:
    stats = sim.stats()
    return stats.get("create", 0) + stats.get("update", 0)


def test_freshbooks_is_a_document_checker(
        books: tuple[FreshBooksSimulator, FreshBooksLedger]) -> None:
    assert isinstance(books[1], DocumentChecker)


def test_a_total_freshbooks_would_compute_otherwise_is_refused_before_sending(
        books: tuple[FreshBooksSimulator, FreshBooksLedger]) -> None:
    sim, ledger = books
    client = ledger.ensure_customer(LedgerCustomer(
        key="email:ann@example.com", display_name="Ann Lee", email="ann@example.com"), "c1")
    document = sale(total="31.00")  # a line of 30.00 and no tax: FreshBooks says 30.00
    resolution = Resolution(customer_id=client, item_ids={})
    before = writes(sim)

    with pytest.raises(RecordError) as checked:
        ledger.check_document(document, resolution)
    with pytest.raises(RecordError) as posted:
        ledger.create_document(document, resolution, "r1")

    assert checked.value.problem == posted.value.problem
    assert checked.value.problem.code == "total_mismatch"
    assert ("FreshBooks would total invoice 100009 at 30.00 USD but the store's total is "
            "31.00; nothing was posted") in checked.value.problem.message
    assert writes(sim) == before and sim.records("invoices") == []


def test_checking_a_previewed_document_writes_nothing(
        books: tuple[FreshBooksSimulator, FreshBooksLedger]) -> None:
    """The preview's ids (a client and an item still to create) and a rate FreshBooks has no tax
    for yet: the check names the tax it would create and creates nothing."""
    sim, ledger = books
    document = sale(total="32.48", amount="30.00", tax="2.48", rate="8.25")
    resolution = Resolution(customer_id="preview:customer:email:ann@example.com",
                            item_ids={"sku:W": "preview:item:sku:W"})

    ledger.check_document(document, resolution)

    assert writes(sim) == 0 and sim.records("taxes") == []
