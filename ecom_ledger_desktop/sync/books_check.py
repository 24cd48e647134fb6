""""Are my books right?": every enabled pair's last 30 days reconciled, for the dashboard tile.

Runs on a worker thread (it reads the ledgers back over the network); a pair whose ledger cannot
be read now (e.g. QuickBooks Desktop between Web Connector sessions) says why instead.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.sync.reconcile import NotReadable, Reconciliation, reconcile
from ecom_ledger_desktop.sync.reconcile_actions import repost
from ecom_ledger_desktop.sync.service import SyncService

log = logging.getLogger(__name__)
DAYS = 30


@dataclass(frozen=True)
class PairBooks:
    """One pair's reconciliation, or why there is none now."""

    pair_id: int
    pair_name: str
    result: Reconciliation | None = None
    unavailable: str = ""


def check_books(service: SyncService, days: int = DAYS) -> list[PairBooks]:
    """Reconcile every enabled pair's last ``days`` days."""
    out: list[PairBooks] = []
    for pair in service.pairs():
        if not pair.enabled:
            continue
        try:
            with service.context(pair.id) as ctx:
                out.append(PairBooks(pair.id, pair.name, reconcile(ctx, days=days)))
        except NotReadable as error:
            out.append(PairBooks(pair.id, pair.name, unavailable=str(error)))
        except SyncError as error:
            log.warning("reconciling %s: %s", pair.name, error)
            out.append(PairBooks(pair.id, pair.name, unavailable=(
                f"the books could not be read now ({error}); they are checked again after the "
                "next sync")))
    return out


def differences(books: list[PairBooks]) -> dict[str, Decimal]:
    """The total difference per currency over the pairs read (never across currencies)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for pair in books:
        if pair.result is not None:
            for currency, amount in pair.result.differences().items():
                totals[currency] += amount
    return {currency: amount for currency, amount in totals.items() if amount}


def repost_record(service: SyncService, pair_id: int, ref: str) -> str:
    """Re-post one record of a pair (``reconcile_actions.repost``); what was done, in words."""
    with service.context(pair_id) as ctx:
        return repost(ctx, ref)
