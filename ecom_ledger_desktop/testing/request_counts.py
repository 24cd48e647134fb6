"""Request counters of the simulators, for benches and cost tests."""

from __future__ import annotations

from typing import Any

import httpx


def store_requests(store_sim: Any) -> int:
    """Requests the Magento simulator has answered so far (control calls excluded)."""
    stats = httpx.get(f"{store_sim.base_url}/__sim__/stats", timeout=10).json()
    return int(sum(stats["routes"].values()))


def ledger_requests(ledger_sim: Any) -> int:
    """API and OAuth requests the QuickBooks simulator has answered so far."""
    stats = ledger_sim.stats()
    return int(stats.get("requests", 0)) + int(stats.get("oauth", 0))
