"""Behaviour of the QuickBooks Online simulator over real HTTP: batch requests and throttling (per
minute and concurrent)."""

from __future__ import annotations

import threading

import httpx

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.qbo.support import client, error


# ------------------------------------------------------------------------ batch
def test_batch_over_30_items_rejected(api: httpx.Client) -> None:
    items = [{"bId": f"b{i}", "Query": "select * from Term"} for i in range(31)]
    resp = api.post("/batch", json={"BatchItemRequest": items})
    assert resp.status_code == 400
    assert "30" in error(resp)["Detail"]
    ok = api.post("/batch", json={"BatchItemRequest": items[:30]})
    assert ok.status_code == 200 and len(ok.json()["BatchItemResponse"]) == 30


def test_batch_answers_by_bid(sim: QboSimulator, api: httpx.Client) -> None:
    resp = api.post("/batch", json={"BatchItemRequest": [
        {"bId": "new", "operation": "create", "Customer": {"DisplayName": "Batch Buyer"}},
        {"bId": "dup", "operation": "create", "Customer": {"DisplayName": "Jordan Rivera"}},
        {"bId": "gone", "operation": "delete", "Invoice": {"Id": "999", "SyncToken": "0"}},
        {"bId": "q", "Query": "select * from Customer where DisplayName = 'Amy\\'s Bird Sanctuary'"},
    ]})
    assert resp.status_code == 200
    answers = {a["bId"]: a for a in resp.json()["BatchItemResponse"]}
    assert set(answers) == {"new", "dup", "gone", "q"}
    assert answers["new"]["Customer"]["DisplayName"] == "Batch Buyer"
    assert answers["dup"]["Fault"]["Error"][0]["code"] == "6240"
    assert answers["gone"]["Fault"]["Error"][0]["code"] == "610"
    assert answers["q"]["QueryResponse"]["Customer"][0]["DisplayName"] == "Amy's Bird Sanctuary"
    assert sim.stats()["batch_items"] == 4


# ------------------------------------------------------------------ throttling
def test_500_requests_per_minute_then_429() -> None:
    clock = SimClock(scale=1.0)
    with QboSimulator(clock=clock) as sim, client(sim) as api:
        for _ in range(500):
            assert api.get("/preferences").status_code == 200
        throttled = api.get("/preferences")
        assert throttled.status_code == 429
        assert "Retry-After" not in throttled.headers
        fault = throttled.json()["Fault"]
        assert fault["type"] == "SERVICE"
        assert fault["Error"][0] == {
            "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
            "Detail": "The request limit was reached.  Try again later", "code": "3001"}
        clock.advance(61)
        assert api.get("/preferences").status_code == 200
        sim.throttle_next(2)
        assert [api.get("/preferences").status_code for _ in range(3)] == [429, 429, 200]
        assert sim.stats()["throttled"] == 3


def test_ten_concurrent_requests_then_429(sim: QboSimulator) -> None:
    token = sim.issue_tokens()["access_token"]
    results: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        with client(sim, token) as c:
            status = c.get("/preferences").status_code
        with lock:
            results.append(status)

    sim.hold_requests()
    threads = [threading.Thread(target=call) for _ in range(10)]
    for t in threads:
        t.start()
    try:
        assert sim.wait_in_flight(10, timeout=10)
        with client(sim, token) as c:
            assert c.get("/preferences").status_code == 429
    finally:
        sim.release_requests()
        for t in threads:
            t.join(10)
    assert results == [200] * 10
    assert sim.stats()["in_flight"] == 0
