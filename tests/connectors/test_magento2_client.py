"""Magento2Store over real loopback HTTP against the Magento 2 simulator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator

FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
BASE = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def stamp(minutes: int) -> str:
    """A Magento wire timestamp ``minutes`` after BASE."""
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


class CountingTransport(httpx.HTTPTransport):
    """A real HTTP transport that counts status codes and can run a hook after each answer."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: Counter[int] = Counter()
        self.paths: list[str] = []
        self.after: Callable[[httpx.Request, int], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.statuses[response.status_code] += 1
        self.paths.append(f"{request.method} {request.url.path}")
        if self.after is not None:
            self.after(request, len(self.paths))
        return response


@pytest.fixture
def sim() -> Iterator[Magento2Simulator]:
    simulator = Magento2Simulator(token="t", seed=7, seed_orders=0, repeat_last_page=True)
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


def make_store(sim: Magento2Simulator, transport: httpx.BaseTransport | None = None,
               **options: Any) -> Magento2Store:
    return Magento2Store(sim.base_url, "t", policy=FAST, transport=transport, **options)


def spec(n: int = 1, **extra: Any) -> dict[str, Any]:
    """A compact order spec for the simulator."""
    out: dict[str, Any] = {
        "customer": {"email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": str(n)},
        "lines": [{"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 1, "price": 34}],
        "shipping": 5, "currency": "USD", "payment_method": "checkmo", "paid": True,
    }
    out.update(extra)
    return out


def order_ids(store: Magento2Store, since: datetime = EPOCH,
              until: datetime | None = None) -> list[str]:
    ids = []
    for fetched in store.iter_orders(since, until):
        assert fetched.problem is None, fetched.problem
        ids.append(fetched.source_id)
    return ids


# --- listing ---------------------------------------------------------------------------------

def test_paging_stops_at_total_count_despite_repeated_last_page(
        sim: Magento2Simulator, transport: CountingTransport) -> None:
    created = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(25)]
    # The quirk is on: a page past the end repeats the last page instead of coming back empty.
    beyond = httpx.get(f"{sim.base_url}/rest/default/V1/orders", headers={
        "Authorization": "Bearer t"}, params={"searchCriteria[pageSize]": "10",
                                              "searchCriteria[currentPage]": "99"})
    assert len(beyond.json()["items"]) == 5 and beyond.json()["total_count"] == 25

    store = make_store(sim, transport, page_size=10)
    assert order_ids(store) == [str(i) for i in created]
    listings = transport.paths.count("GET /rest/default/V1/orders")
    assert listings <= 4  # a few page reads, no endless repeated last page
    # and per page of paid orders one invoice search; the store's time zone read once
    assert transport.paths.count("GET /rest/default/V1/invoices") <= listings
    assert transport.paths.count("GET /rest/default/V1/store/storeConfigs") == 1
    store.close()


def test_order_updated_mid_scan_is_not_skipped(sim: Magento2Simulator,
                                               transport: CountingTransport) -> None:
    ids = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(9)]

    def update_first_after_first_page(request: httpx.Request, count: int) -> None:
        if count == 1:  # order 1 was on page 1; editing it moves it to the tail (now)
            sim.edit_order(ids[0], {"shipping": 7})

    transport.after = update_first_after_first_page
    store = make_store(sim, transport, page_size=3)
    seen = order_ids(store)
    assert sorted(seen, key=int) == [str(i) for i in ids]
    assert len(seen) == len(set(seen))  # de-duplicated by entity_id within the call
    store.close()


def test_orders_without_updated_at_come_from_the_reconciliation_pass_not_each_poll(
        sim: Magento2Simulator) -> None:
    """No ``updated_at`` window can select them; the separate undated walk lists each once."""
    ids = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(7)]
    for undated in ids[1::2]:
        raw = sim.order_json(undated)
        raw.pop("updated_at")
        sim.put_raw_order(undated, raw)
    store = make_store(sim, page_size=2)
    dated, undated_ids = [str(i) for i in ids[0::2]], [str(i) for i in ids[1::2]]
    assert order_ids(store) == dated
    listed = [f.source_id for f in store.iter_undated_orders()]
    assert listed == undated_ids
    [fetched] = [f for f in store.iter_undated_orders() if f.source_id == undated_ids[0]]
    assert fetched.record is not None and fetched.updated_at == fetched.record.created_at
    store.close()


def test_bad_order_is_fetched_as_problem_and_others_continue(sim: Magento2Simulator) -> None:
    ids = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(3)]
    raw = sim.order_json(ids[1])
    raw["items"][0]["price"] = "abc"
    sim.put_raw_order(ids[1], raw)
    store = make_store(sim)
    fetched = list(store.iter_orders(EPOCH))
    assert [f.source_id for f in fetched] == [str(i) for i in ids]
    good, bad, also_good = fetched
    assert good.record is not None and also_good.record is not None
    assert bad.record is None and bad.problem is not None
    assert bad.problem.code == "invalid_data"
    assert f"Order {raw['increment_id']}" in bad.problem.message
    assert "'abc'" in bad.problem.message and "(price)" in bad.problem.message
    assert '"abc"' in bad.raw and bad.updated_at is not None
    store.close()


def test_page_size_is_halved_when_the_shop_enforces_input_limits(sim: Magento2Simulator) -> None:
    sim.configure(input_limits=True)
    ids = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(4)]
    store = make_store(sim, page_size=1000)
    assert order_ids(store) == [str(i) for i in ids]
    assert store._page_size.size <= 300
    store.close()


# --- writes ----------------------------------------------------------------------------------

def test_write_back_comment_is_idempotent(sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec())
    store = make_store(sim)
    note = "Posted to QuickBooks as Sales Receipt 1042"
    store.write_back(str(oid), note)
    store.write_back(str(oid), note)
    assert sim.comments(oid).count(note) == 1
    # A lost answer to the POST: the comment landed, so the retry must not add it again.
    sim.faults.drop_after_apply_rate = 1.0
    second = "Posted to QuickBooks as Payment 77"
    store.write_back(str(oid), second)
    sim.faults.drop_after_apply_rate = 0.0
    assert sim.comments(oid).count(second) == 1
    store.close()


# --- faults ----------------------------------------------------------------------------------

def test_transient_5xx_is_retried(sim: Magento2Simulator, transport: CountingTransport) -> None:
    ids = [sim.add_order(spec(i, created_at=stamp(i))) for i in range(12)]
    sim.faults.error_rate = 0.2
    store = make_store(sim, transport, page_size=2)
    assert order_ids(store) == [str(i) for i in ids]
    sim.faults.error_rate = 0.0
    assert sum(n for status, n in transport.statuses.items() if status >= 500) > 0
    store.close()


@pytest.mark.parametrize("mode", ["truncate", "garbage"])
def test_truncated_body_is_retried(sim: Magento2Simulator, transport: CountingTransport,
                                   mode: str) -> None:
    oid = sim.add_order(spec())
    store = make_store(sim, transport)
    sim.corrupt_next_responses(2, mode)
    fetched = store.get_order(str(oid))
    assert fetched.record is not None and fetched.record.source_id == str(oid)
    assert transport.paths.count(f"GET /rest/default/V1/orders/{oid}") == 3
    store.close()


def test_disabled_bearer_gives_actionable_fatal_error(sim: Magento2Simulator) -> None:
    sim.add_order(spec())
    sim.configure(bearer_enabled=False)
    store = make_store(sim)
    with pytest.raises(FatalError) as caught:
        list(store.iter_orders(EPOCH))
    message = str(caught.value)
    assert "Allow OAuth Access Tokens to be used as standalone Bearer tokens" in message
    assert "Stores > Configuration > Services > OAuth" in message
    assert caught.value.needs_reauthorisation
    lines = {line.label: line for line in store.check()}
    assert lines["Reached the shop"].ok and not lines["Token accepted"].ok
    assert "standalone Bearer tokens" in lines["Token accepted"].detail
    store.close()


# --- status ----------------------------------------------------------------------------------

def test_check_reports_each_step_in_plain_words(sim: Magento2Simulator) -> None:
    sim.add_order(spec())
    store = make_store(sim)
    lines = store.check()
    assert [(line.label, line.ok) for line in lines] == [
        ("Reached the shop", True), ("Token accepted", True), ("Can read orders", True),
        ("Can read products", True), ("Store time zone", True)]
    assert lines[-1].detail == "America/New_York (the store's setting)"
    store.close()


def test_check_when_the_shop_cannot_be_reached() -> None:
    with Magento2Simulator(token="t") as gone:
        url = gone.base_url
    store = Magento2Store(url, "t", policy=FAST)
    lines = store.check()
    assert [line.ok for line in lines] == [False, False, False, False, False]
    assert lines[0].label == "Reached the shop" and "Could not reach" in lines[0].detail
    store.close()


def test_wrong_token_fails_check_and_server_now_follows_the_date_header(
        sim: Magento2Simulator) -> None:
    store = Magento2Store(sim.base_url, "wrong", policy=FAST)
    assert store.server_now() is None
    lines = {line.label: line for line in store.check()}
    assert not lines["Token accepted"].ok and not lines["Can read orders"].ok
    now = store.server_now()
    assert now is not None and abs((now - sim.clock.now()).total_seconds()) < 5
    store.close()


def test_set_stock_for_a_sku_with_a_slash_goes_through_source_items(
        sim: Magento2Simulator) -> None:
    # Magento cannot route "/" in a path segment even when encoded; the SKU travels in the body.
    if not hasattr(sim.state, "add_product"):
        pytest.skip("this simulator build cannot add catalogue products")
    sim.state.add_product({"id": 9001, "sku": "AB/12 X", "name": "Slash", "price": 5,
                           "type_id": "simple", "extension_attributes": {},
                           "updated_at": "2024-01-01 00:00:00"}, 1)
    store = make_store(sim)
    assert store.set_stock([StockLevel(sku="AB/12 X", qty=Decimal(7))]) == []
    assert sim.stock()["AB/12 X"] == 7
    store.close()
