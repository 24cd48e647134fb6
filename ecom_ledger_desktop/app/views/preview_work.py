"""What the Preview page asks of the core, off the GUI thread."""

from __future__ import annotations

from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import Preview
from ecom_ledger_desktop.sync.service import SyncService


def read_pairs(service: SyncService) -> list[Pair]:
    """The configured pairs."""
    return service.pairs()


def read_preview(service: SyncService, pair_id: int) -> Preview:
    """The exact preview of the pair's next run (reads the store and the ledger; writes none)."""
    with service.context(pair_id) as ctx:
        return run_preview(ctx)


def approve(service: SyncService, pair_id: int, posting_keys: list[str] | None) -> int:
    """Approve these documents (everything held when None); returns how many."""
    state = service.open_state()
    try:
        pair = state.connections.pair(pair_id)
        assert pair is not None
        if posting_keys is None:
            approved, _missing = approval.approve(state, pair, None)
            return len(approved)
        approval.approve_keys(state, pair, posting_keys)
        return len(posting_keys)
    finally:
        state.close()
