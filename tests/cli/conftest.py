"""The ``cli`` and ``sims`` fixtures of the CLI test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.demo import DEMO_COMPANY
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from tests.cli.support import CATALOG, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, STORE_TOKEN, Cli, Sims


@pytest.fixture
def sims() -> Iterator[Sims]:
    store = Magento2Simulator(token=STORE_TOKEN, seed=1, seed_orders=0)
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=1.0, limits=True,
                          company_profile=DEMO_COMPANY)
    store.start()
    ledger.start()
    ledger.seed_items(CATALOG)
    try:
        yield Sims(store, ledger)
    finally:
        store.stop()
        ledger.stop()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data", tmp_path / "keyring.json")
