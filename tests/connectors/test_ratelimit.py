"""Client-side limits: never more in a window than the service allows, as the service counts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger, QboTokens
from ecom_ledger_desktop.connectors.ratelimit import SlidingWindow
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_an_event_counts_from_when_it_completes_not_when_it_was_reserved() -> None:
    time = FakeTime()
    window = SlidingWindow(2, 60.0, clock=time.clock, sleep=time.sleep)
    window.acquire()
    window.acquire()
    time.now = 5.0
    window.complete()  # the server may have seen it as late as this
    window.complete()
    window.acquire()  # must wait until 60 s after the *completion*, not the reservation
    assert time.now == 65.0


def test_reserved_events_in_flight_count_against_the_window() -> None:
    time = FakeTime()
    window = SlidingWindow(1, 60.0, clock=time.clock, sleep=time.sleep)
    window.acquire()
    time.now = 1.0
    window.complete()
    window.acquire()
    assert time.now >= 61.0


def test_a_burst_of_batches_stays_under_quickbooks_limits() -> None:
    scale = 60.0  # a QuickBooks minute lasts one second
    sim = QboSimulator(client_id="c", client_secret="s", redirect_uris=("http://127.0.0.1/cb",),
                       time_scale=scale).start()
    try:
        secrets = MemorySecretStore()
        secrets.set("books", "client_secret", "s")
        secrets.set("books", "refresh_token", sim.issue_tokens()["refresh_token"])
        tokens = QboTokens("books", "c", secrets,
                           token_url=f"{sim.base_url}/oauth2/v1/tokens/bearer")
        ledger = QboLedger(tokens, sim.realm_id, api_base=sim.base_url,
                           policy=RetryPolicy(attempts=1), limits_scale=scale)
        query = [{"bId": "b0", "Query": "SELECT * FROM Item MAXRESULTS 1"}]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: ledger.client.batch(query, f"burst-{n}"), range(90)))
        stats = sim.stats()
        assert stats["batch"] == 90
        assert stats["throttled"] == 0
        ledger.close()
    finally:
        sim.stop()
