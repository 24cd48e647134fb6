"""Two processes refreshing one QuickBooks connection's token at once, against the simulator.

Intuit rotates the refresh token on a refresh. The real service keeps answering a superseded
token for about a day, but nothing promises that, so the simulator runs with no grace at all:
a second refresh with the token the first one just replaced gets ``invalid_grant``, and the
connection would be marked as needing the merchant to sign in again. The refresh therefore
runs under a lock file in the data folder, and the stored token is read after taking it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo import QboTokens
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import CONNECTION, make_tokens, new_sim

pytestmark = pytest.mark.timeout(120)
# how long a process that has read the refresh token waits for the other to read it too: without
# a lock both read within milliseconds; with one the second never reads before the first is done
READ_TOGETHER_TIMEOUT = 3.0


class SharedFileStore:
    """The keyring both processes see (a JSON file). A read of the refresh token waits, up to a
    bound, until the other process has read it too: the worst interleaving, every time."""

    def __init__(self, path: Path, barrier: Any = None) -> None:
        self.path = path
        self.barrier = barrier
        self.description = "a shared test file"

    def _read(self) -> dict[str, str]:
        return dict(json.loads(self.path.read_text())) if self.path.exists() else {}

    def get(self, connection: str, key: str) -> str | None:
        value = self._read().get(f"{connection}:{key}")
        if key == "refresh_token" and self.barrier is not None:
            # broken: the other process could not read meanwhile (it waits for our lock)
            with contextlib.suppress(threading.BrokenBarrierError):
                self.barrier.wait(READ_TOGETHER_TIMEOUT)
        return value

    def set(self, connection: str, key: str, value: str) -> None:
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._read()
            data[f"{connection}:{key}"] = value
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data))
            os.replace(tmp, self.path)

    def delete(self, connection: str, key: str) -> None:
        raise AssertionError("not used")


def _tokens(base_url: str, store: SharedFileStore, data_dir: Path) -> QboTokens:
    return QboTokens(CONNECTION, "sim-client", store, company="Sandbox Company US",
                     token_url=f"{base_url}/oauth2/v1/tokens/bearer",
                     revoke_url=f"{base_url}/v2/oauth2/tokens/revoke", lock_dir=data_dir)


def _refresh_in_child(base_url: str, store_file: str, data_dir: str, start: Any, barrier: Any,
                      results: Any) -> None:
    tokens = _tokens(base_url, SharedFileStore(Path(store_file), barrier), Path(data_dir))
    start.wait(60)
    try:
        tokens.refresh()
        results.put("refreshed")
    except FatalError as error:
        results.put(f"failed (needs sign-in: {error.needs_reauthorisation}): {error}")


def test_two_processes_refreshing_at_once_both_succeed_and_the_grant_stays_valid(
        tmp_path: Path) -> None:
    sim: QboSimulator = new_sim(refresh_grace_seconds=0.0)
    try:
        store_file = tmp_path / "keyring.json"
        store = SharedFileStore(store_file)
        store.set(CONNECTION, "refresh_token", sim.issue_tokens()["refresh_token"])
        store.set(CONNECTION, "client_secret", "sim-secret")
        ctx = multiprocessing.get_context("spawn")
        start, barrier, results = ctx.Barrier(3), ctx.Barrier(2), ctx.Queue()
        children = [ctx.Process(target=_refresh_in_child,
                                args=(sim.base_url, str(store_file), str(tmp_path), start,
                                      barrier, results)) for _ in range(2)]
        for child in children:
            child.start()
        start.wait(60)  # both are ready: refresh together
        outcomes = sorted(results.get(timeout=60) for _ in children)
        for child in children:
            child.join(30)
        assert outcomes == ["refreshed", "refreshed"], outcomes

        later = _tokens(sim.base_url, store, tmp_path)  # the next run still signs in
        later.refresh()
        assert later.access_token()
    finally:
        sim.stop()


class RotatedBehindOurBack(MemorySecretStore):
    """The first read of the refresh token returns it, but by then a process that takes no lock
    (an older version) has already spent it and stored its successor."""

    def __init__(self) -> None:
        super().__init__()
        self.other: QboTokens | None = None

    def get(self, connection: str, key: str) -> str | None:
        value = super().get(connection, key)
        if key == "refresh_token" and self.other is not None:
            other, self.other = self.other, None
            other.refresh()
        return value


def test_a_token_rotated_by_a_process_without_the_lock_is_picked_up_not_reported(
        sim: QboSimulator) -> None:
    store = RotatedBehindOurBack()
    store.set(CONNECTION, "refresh_token", sim.issue_tokens()["refresh_token"])
    store.set(CONNECTION, "client_secret", "sim-secret")
    ours, older_version = make_tokens(sim, store), make_tokens(sim, store)
    store.other = older_version
    ours.refresh()
    assert ours.access_token() and ours.refresh_count == 1
    assert older_version.refresh_count == 1
