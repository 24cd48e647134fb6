""""Are my books right?": every enabled pair's last 30 days reconciled, for the dashboard tile.

Runs on a worker thread (it reads the ledgers back over the network); a pair whose ledger cannot
be read now (e.g. QuickBooks Desktop between Web Connector sessions) says why instead.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.sync.reconcile import (
    FLAGGED,
    HELD,
    Finding,
    NotReadable,
    Reconciliation,
    reconcile,
)
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


@dataclass
class Gap:
    """One currency's difference over the pairs read, split into what the merchant chose (records
    held for their approval, orders they undid), what waits for them in the error queue (flagged
    records) and the rest, a real difference."""

    currency: str
    total: Decimal  # books minus store
    held: list[Finding] = field(default_factory=list)
    undone: list[Finding] = field(default_factory=list)
    flagged: list[Finding] = field(default_factory=list)

    @property
    def held_amount(self) -> Decimal:
        """Books minus store, of the records held for approval (negative: not in the books)."""
        return sum((f.difference for f in self.held), Decimal(0))

    @property
    def undone_amount(self) -> Decimal:
        """Books minus store, of the orders the merchant undid."""
        return sum((f.difference for f in self.undone), Decimal(0))

    @property
    def flagged_amount(self) -> Decimal:
        """Books minus store, of the records flagged in the error queue."""
        return sum((f.difference for f in self.flagged), Decimal(0))

    @property
    def rest(self) -> Decimal:
        """The difference none of these explains: books that do not match the store."""
        return self.total - self.held_amount - self.undone_amount - self.flagged_amount


def gaps(books: list[PairBooks]) -> list[Gap]:
    """Per currency with a difference (never across currencies), what explains it."""
    out = {currency: Gap(currency, amount) for currency, amount in differences(books).items()}
    for pair in books:
        for line in pair.result.differing() if pair.result is not None else []:
            gap = out.get(line.key.currency)
            if gap is None:
                continue  # other pairs' differences cancel it out: nothing to explain
            gap.held += [f for f in line.findings if f.reason == HELD]
            gap.undone += [f for f in line.findings if f.undone]
            gap.flagged += [f for f in line.findings if f.reason == FLAGGED]
    return [out[currency] for currency in sorted(out)]


def repost_record(service: SyncService, pair_id: int, ref: str) -> str:
    """Re-post one record of a pair (``reconcile_actions.repost``); what was done, in words."""
    with service.context(pair_id) as ctx:
        return repost(ctx, ref)
