"""The FreshBooks connector against the FreshBooks simulator and the captured error bodies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.base import Resolution
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault, classify
from ecom_ledger_desktop.connectors.ledgers.freshbooks.ledger import FreshBooksLedger
from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.core.errors import FatalError, RecordError, RetriableError
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    ItemRef,
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore

FAST = RetryPolicy(backoff_base=0.001, backoff_max=0.01, breaker_reset=0.1)


class Books:
    def __init__(self, sim: FreshBooksSimulator, store: MemorySecretStore) -> None:
        self.sim, self.store = sim, store
        self.tokens = tokens(sim, store)
        self.ledger = FreshBooksLedger(self.tokens, sim.account_id, api_base=sim.base_url,
                                       policy=FAST)


def tokens(sim: FreshBooksSimulator, store: Any, lock_dir: Path | None = None
           ) -> FreshBooksTokens:
    return FreshBooksTokens("books", "sim-client", store, token_url=f"{sim.base_url}"
                            "/auth/oauth/token", auth_url=f"{sim.base_url}/oauth/authorize",
                            lock_dir=lock_dir)


@pytest.fixture
def books() -> Iterator[Books]:
    with FreshBooksSimulator() as sim:
        store = MemorySecretStore()
        store.set("books", "client_secret", "sim-secret")
        store.set("books", "refresh_token", sim.issue_tokens()["refresh_token"])
        made = Books(sim, store)
        try:
            yield made
        finally:
            made.ledger.close()


def invoice(number: str = "100001", total: str = "30.00") -> SalesDocument:
    return SalesDocument(kind="invoice", doc_number=number, txn_date=date(2026, 11, 2),
                         customer_key="email:ann@example.com", currency="USD", total=Decimal(total),
                         private_note=f"Order {number}. ecom-ledger key: 1:order:{number}:x",
                         lines=[DocumentLine(kind="item", item=ItemRef(ledger_name="Widget"),
                                             description="Widget", qty=Decimal(3),
                                             unit_price=Decimal(10), amount=Decimal(total))])


def customer() -> LedgerCustomer:
    return LedgerCustomer(key="email:ann@example.com", display_name="Ann Lee", given_name="Ann",
                          family_name="Lee", email="ann@example.com")


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "status", "said"), [
    ("error_404_client_not_found_legacy.json", 404, "Client not found (userid)"),
    ("error_404_client_not_found_grpc_style.json", 404, "Client not found (userid)"),
    ("error_400_validation_details.json", 400, "This field is required (name)"),
    ("error_422_callback_validation.json", 422, "The request was well-formed"),
])
def test_every_captured_error_shape_is_read(reference_dir: Path, name: str, status: int,
                                            said: str) -> None:
    body = (reference_dir / "payloads" / "freshbooks" / name).read_bytes()
    error = classify(httpx.Response(status, content=body))
    assert isinstance(error, FreshBooksFault) and said in error.said
    named = error.about("invoice 100001")
    assert named.problem.message.startswith("FreshBooks refused invoice 100001: ")
    assert named.problem.code == ("invalid_reference" if status == 404 else "ledger_rejected")


def test_status_decides_the_retry_taxonomy(reference_dir: Path) -> None:
    unauth = (reference_dir / "payloads" / "freshbooks" / "error_401_accounting_grpc_style.json")
    fatal = classify(httpx.Response(401, content=unauth.read_bytes()))
    assert isinstance(fatal, FatalError) and fatal.needs_reauthorisation
    assert "Reconnect FreshBooks" in str(fatal)
    for status in (429, 500, 503):
        assert isinstance(classify(httpx.Response(status, content=b"")), RetriableError)
    assert classify(httpx.Response(200, content=b"{}")) is None


# -- tokens ------------------------------------------------------------------------------------
def test_a_rotated_refresh_token_is_saved_before_it_is_used(books: Books) -> None:
    first = books.store.get("books", "refresh_token")
    books.tokens.access_token()
    second = books.store.get("books", "refresh_token")
    assert second and second != first
    books.sim.oauth.expire_access_tokens()  # a 401 refreshes once and resends
    assert books.ledger.client.identity()["id"] == 12345
    assert books.store.get("books", "refresh_token") not in (first, second)


def test_a_keyring_that_cannot_save_the_new_token_stops_before_using_it(books: Books) -> None:
    class Refusing(MemorySecretStore):
        def set(self, connection: str, key: str, value: str) -> None:
            if key == "refresh_token":
                raise OSError("keyring locked")
            super().set(connection, key, value)

    store = Refusing()
    MemorySecretStore.set(store, "books", "client_secret", "sim-secret")
    MemorySecretStore.set(store, "books", "refresh_token", books.sim.issue_tokens()["refresh_token"])
    holder = tokens(books.sim, store)
    with pytest.raises(FatalError, match="could not be saved") as refused:
        holder.access_token()
    assert refused.value.needs_reauthorisation and holder._access_token is None


def test_a_spent_refresh_token_asks_the_merchant_to_reconnect(books: Books) -> None:
    books.sim.oauth.revoke_refresh_tokens()
    with pytest.raises(FatalError, match="Reconnect FreshBooks in Connections"):
        books.tokens.access_token()


class KilledWhileSaving(MemorySecretStore):
    """The process dies (SIGKILL: no handler runs) as the new refresh token is being saved."""

    def set(self, connection: str, key: str, value: str) -> None:
        if key == "refresh_token":
            raise KeyboardInterrupt("killed")
        super().set(connection, key, value)


def test_a_kill_between_the_refresh_answer_and_the_save_asks_precisely_to_reconnect(
        books: Books) -> None:
    """FreshBooks' refresh tokens work once (its docs: "never expires, but can only be used
    once"): a token spent by a refresh whose answer died with the process cannot be recovered,
    so the next run says exactly that and asks for one reconnection."""
    dying = KilledWhileSaving()
    for key in ("client_secret", "refresh_token"):
        MemorySecretStore.set(dying, "books", key, books.store.get("books", key) or "")
    with pytest.raises(KeyboardInterrupt):
        tokens(books.sim, dying).access_token()
    restarted = MemorySecretStore()  # the next process: the keyring as the kill left it
    for key in ("client_secret", "refresh_token", "refresh_started"):
        restarted.set("books", key, dying.get("books", key) or "")
    with pytest.raises(FatalError, match=r"refresh started .* did not finish.*Reconnect "
                                         r"FreshBooks in Connections") as refused:
        tokens(books.sim, restarted).access_token()
    assert refused.value.needs_reauthorisation
    assert "nothing posted is lost" in str(refused.value)
    # an ordinary revocation keeps the ordinary words
    books.sim.oauth.revoke_refresh_tokens()
    with pytest.raises(FatalError) as revoked:
        books.tokens.access_token()
    assert "did not finish" not in str(revoked.value)


def test_a_finished_refresh_leaves_no_unfinished_mark(books: Books) -> None:
    books.tokens.access_token()
    assert books.store.get("books", "refresh_started") is None


def test_two_holders_refreshing_at_once_spend_the_token_once(books: Books,
                                                             tmp_path: Path) -> None:
    holders = [tokens(books.sim, books.store, tmp_path) for _ in range(2)]
    errors: list[Exception] = []

    def use(holder: FreshBooksTokens) -> None:
        try:
            holder.access_token()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=use, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and sum(h.refresh_count for h in holders) == 2


# -- the ledger --------------------------------------------------------------------------------
def test_check_names_the_business_and_its_taxes(books: Books) -> None:
    books.sim.add("taxes", {"name": "HST", "amount": "13"})
    lines = {r.label: r for r in books.ledger.check()}
    assert all(r.ok for r in lines.values())
    assert "Acme Goods" in lines["Business"].detail and "HST 13%" in lines["Taxes"].detail
    other = FreshBooksLedger(books.tokens, "NOPE1", api_base=books.sim.base_url, policy=FAST)
    business = {r.label: r for r in other.check()}["Business"]
    assert not business.ok and "cannot reach account NOPE1" in business.detail


def test_partial_payments_leave_the_rest_owed_and_a_void_removes_both(books: Books) -> None:
    client = books.ledger.ensure_customer(customer(), "r1")
    posted = books.ledger.create_document(invoice(), Resolution(client, {}), "r2")
    assert posted.total == Decimal("30.00")
    payment = LedgerPayment(customer_key="email:ann@example.com", invoice_posting_key="k",
                            amount=Decimal("12.50"), txn_date=date(2026, 11, 3), currency="USD",
                            payment_method="Cheque", private_note="part. ecom-ledger key: p1")
    books.ledger.create_payment(payment, posted, Resolution(client, {}), "r3")
    [stored] = books.sim.records("invoices")
    assert (stored["payment_status"], stored["outstanding"]["amount"]) == ("partial", "17.50")
    assert books.sim.records("payments")[0]["type"] == "Check"
    assert books.ledger.find_posted("p1", payment) is not None
    books.ledger.void_document(posted, "invoice", "r4")
    assert [r["vis_state"] for r in books.sim.records("invoices") + books.sim.records("payments")
            ] == [1, 1]
    assert books.sim.reports.open_receivables() == []


def test_an_invoice_number_taken_by_someone_else_is_flagged(books: Books) -> None:
    client = books.ledger.ensure_customer(customer(), "r1")
    books.sim.add("invoices", {"customerid": int(client), "invoice_number": "100001",
                               "lines": []})
    with pytest.raises(RecordError, match="already has an invoice numbered 100001"):
        books.ledger.create_document(invoice(), Resolution(client, {}), "r2")


def test_throttled_writes_are_retried_once_applied_never_twice(books: Books) -> None:
    client = books.ledger.ensure_customer(customer(), "r1")
    books.sim.throttle_next(2)
    books.ledger.create_document(invoice(), Resolution(client, {}), "r2")
    assert len(books.sim.records("invoices")) == 1 and books.sim.stats()["throttled"] == 2


def test_the_kind_is_registered_and_declares_a_browser_sign_in() -> None:
    kind = KINDS["freshbooks"]
    assert (kind.role, kind.connects, kind.where_setting) == ("ledger", "oauth_browser",
                                                              "account_id")
    assert {s.name for s in kind.secrets} == {"client_secret", "refresh_token"}
    # where the order number goes is a pair rule (order_number_field), not a connection setting
    assert "order_number_field" not in {s.name for s in kind.settings}


def test_items_are_found_by_sku_and_created_only_when_the_rule_says(books: Books) -> None:
    item = LedgerItem(key="sku:MUG-1", sku="MUG-1", name="Mug", unit_price=Decimal("7.50"))
    with pytest.raises(RecordError, match=r"SKU 'MUG-1' \(Mug\) is not in FreshBooks"):
        books.ledger.ensure_item(item, "flag", "Sales", "r1")
    made = books.ledger.ensure_item(item, "create_item", "Sales", "r2")
    [stored] = books.sim.records("items")
    assert (str(stored["id"]), stored["sku"], stored["unit_cost"]["amount"]) == (made, "MUG-1",
                                                                                  "7.50")
    fresh = FreshBooksLedger(books.tokens, books.sim.account_id, api_base=books.sim.base_url,
                             policy=FAST)
    assert fresh.ensure_item(item, "flag", "Sales", "r3") == made
    # a line needs no item in FreshBooks: a named line that has none is just its name
    assert fresh.resolve_name("item", "Shipping") == "name:Shipping"
    fresh.close()
