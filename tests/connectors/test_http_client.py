"""The shared HTTP client: retries honour Retry-After; a dead service trips the breaker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecom_ledger_desktop.connectors.http import ApiClient, RetryPolicy, default_status_error
from ecom_ledger_desktop.core.errors import RetriableError, UncertainOutcome
from ecom_ledger_desktop.sandbox.server import SimRequest, SimResponse, SimulatorServer


class Script:
    """A loopback server answering from a list of (status, headers); then 200."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.seen = 0
        self.drop_next = 0

    def handle(self, request: SimRequest) -> SimResponse:
        self.seen += 1
        if self.drop_next:
            self.drop_next -= 1
            return SimResponse.dropped()
        if self.answers:
            status, headers = self.answers.pop(0)
            return SimResponse(status=status, body=b"{}", headers=headers)
        return SimResponse.json({"ok": True})


@pytest.fixture
def script() -> Iterator[tuple[Script, str]]:
    behaviour = Script()
    server = SimulatorServer(behaviour.handle, lambda r: SimResponse.json({})).start()
    try:
        yield behaviour, server.base_url
    finally:
        server.stop()


def client(base_url: str, sleeps: list[float], **policy: float) -> ApiClient:
    return ApiClient(base_url, classify=default_status_error, name="Test service",
                     policy=RetryPolicy(**policy), sleep=sleeps.append)  # type: ignore[arg-type]


def test_retry_after_is_honoured_before_retrying(script: tuple[Script, str]) -> None:
    behaviour, url = script
    behaviour.answers = [(429, {"Retry-After": "3"}), (503, {})]
    sleeps: list[float] = []
    api = client(url, sleeps, backoff_base=0.01, backoff_max=10)
    assert api.request("GET", "/x").status_code == 200
    assert behaviour.seen == 3
    assert sleeps[0] >= 3, "the server asked for 3 seconds"
    assert sleeps[1] < 3


def test_a_dead_service_trips_the_breaker_and_calls_stop_going_out(
        script: tuple[Script, str]) -> None:
    behaviour, url = script
    behaviour.answers = [(503, {})] * 100
    api = client(url, [], attempts=2, backoff_base=0.0, breaker_fail_max=3, breaker_reset=60)
    for _ in range(2):
        with pytest.raises(RetriableError, match="temporarily unavailable"):
            api.request("GET", "/x")
    with pytest.raises(RetriableError, match="pausing calls"):  # the third failure trips it
        api.request("GET", "/x")
    sent = behaviour.seen
    with pytest.raises(RetriableError, match="pausing calls"):
        api.request("GET", "/x")
    assert behaviour.seen == sent, "an open breaker sends nothing"


def test_a_write_whose_answer_is_lost_is_uncertain_not_failed(script: tuple[Script, str]) -> None:
    behaviour, url = script
    behaviour.drop_next = 5
    api = client(url, [], attempts=2, backoff_base=0.0)
    with pytest.raises(UncertainOutcome):
        api.request("POST", "/x", content=b"{}", write=True)
    behaviour.drop_next = 5
    with pytest.raises(RetriableError) as caught:
        api.request("GET", "/x")
    assert not isinstance(caught.value, UncertainOutcome), "a lost read is simply retriable"
