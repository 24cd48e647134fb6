"""The simulator reads QBO string literals as QuickBooks does (reference A3): backslash escapes.

``\\'`` is an apostrophe and ``\\\\`` a backslash inside single quotes; an unescaped backslash
before the closing quote leaves the literal open, which QuickBooks refuses as a parser error.
Statements are written out by hand here: the simulator shares no code with the client.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock


@pytest.fixture
def api() -> Iterator[httpx.Client]:
    with QboSimulator(clock=SimClock(scale=1.0)) as sim:
        access = sim.issue_tokens()["access_token"]
        with httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                          headers={"Authorization": f"Bearer {access}",
                                   "Accept": "application/json"}, timeout=10) as client:
            for name in ("Back\\", "O'Hara \\ Sons", "Back"):
                client.post("/customer", json={"DisplayName": name}).raise_for_status()
            yield client


def _names(api: httpx.Client, literal: str) -> list[str]:
    response = api.get("/query", params={
        "query": f"SELECT * FROM Customer WHERE DisplayName = {literal}"})
    response.raise_for_status()
    return [c["DisplayName"] for c in response.json()["QueryResponse"].get("Customer", [])]


def test_a_doubled_backslash_is_one_backslash(api: httpx.Client) -> None:
    assert _names(api, r"'Back\\'") == ["Back\\"]


def test_an_escaped_apostrophe_and_backslash_together(api: httpx.Client) -> None:
    assert _names(api, r"'O\'Hara \\ Sons'") == ["O'Hara \\ Sons"]


def test_a_lone_backslash_before_the_closing_quote_is_a_parser_error(api: httpx.Client) -> None:
    response = api.get("/query", params={
        "query": r"SELECT * FROM Customer WHERE DisplayName = 'Back\'"})
    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "4000"
