"""The Magento simulator's ``Date`` header can run off its ``updated_at`` clock (one header only)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock

TOKEN = "sim-integration-token"
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_date_skew_moves_the_single_date_header_and_not_updated_at() -> None:
    with Magento2Simulator(token=TOKEN, clock=SimClock(start=START)) as sim:
        control = f"{sim.base_url}/__sim__"
        settings = httpx.post(f"{control}/settings", json={"date_skew_seconds": 600}).json()
        assert settings["date_skew_seconds"] == 600
        oid = httpx.post(f"{control}/orders", json={
            "customer": {"email": "a@example.com", "firstname": "A", "lastname": "B"},
            "lines": [{"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 1, "price": 34}],
        }).json()["entity_id"]
        answer = httpx.get(f"{sim.base_url}/rest/V1/orders/{oid}",
                           headers={"Authorization": f"Bearer {TOKEN}"})
        dates = answer.headers.get_list("Date")
        assert len(dates) == 1, dates
        header = parsedate_to_datetime(dates[0])
        stamped = datetime.fromisoformat(answer.json()["updated_at"] + "+00:00")
        ahead = (header - stamped).total_seconds()
        assert 599 <= ahead <= 605
