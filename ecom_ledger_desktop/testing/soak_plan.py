"""What a soak does (the plan) and what it found (the report)."""


from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.testing.verify import (
    Verification,
)

# -- the plan -----------------------------------------------------------------------------------

@dataclass
class SoakPlan:
    """What the soak does. Rates are shares of requests; times are wall seconds unless noted."""

    rounds: int = 8
    seed: int = 23
    seed_orders: int = 30
    new_orders_per_round: int = 4
    error_rate: float = 0.2  # 5xx, both services
    drop_rate: float = 0.03  # connection reset before the request is applied, both services
    drop_after_apply_rate: float = 0.03  # ledger writes applied, then the answer is lost
    storm_size: tuple[int, int] = (3, 14)  # 429s per storm
    storms_per_round: int = 2
    revoke_round: int = 3  # the round whose run loses its refresh token mid-run
    timeout: float = 0.25  # the clients' timeout
    slow_latency: float = 0.6  # a slow answer: past the timeout
    access_token_ttl: float = 600.0  # simulated seconds (time_scale below): ~10 s of wall time
    time_scale: float = 60.0
    final_runs: int = 8  # faults off: runs allowed to drain everything
    deadline: float | None = None  # bench: keep going (more rounds) until this monotonic time
    pause: Callable[[random.Random], None] | None = None  # bench: wait between rounds

    def policy(self) -> RetryPolicy:
        """Short back-off, a timeout the slow answers exceed, a breaker that recovers quickly."""
        return RetryPolicy(attempts=6, backoff_base=0.005, backoff_max=0.05,
                           timeout=self.timeout, breaker_fail_max=5, breaker_reset=0.2)


@dataclass
class _MidRun:
    """A fault that fires once the run has dispatched the share ``at`` of its postings."""

    at: float  # 0..1 of the run's postings; 0 = after the first one
    kind: str  # storm | expire | slow | slow_store | revoke
    arg: int = 0


@dataclass
class SoakReport:
    """The figures of one soak."""

    rounds: int = 0
    runs: Counter[str] = field(default_factory=Counter)  # by status
    injected: Counter[str] = field(default_factory=Counter)  # scheduled by the harness
    seen: Counter[str] = field(default_factory=Counter)  # failed attempts seen by the clients
    ledger_stats: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    revocations: int = 0
    reauthorisations: int = 0
    unexpected_reauthorisations: int = 0
    reauth_messages: list[str] = field(default_factory=list)
    planted: dict[tuple[str, str], str] = field(default_factory=dict)  # record -> expected code
    unflagged_planted: list[str] = field(default_factory=list)
    verification: Verification = field(default_factory=Verification)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Exactly once, nothing lost, only genuine problems queued, re-auth only when revoked."""
        return (self.verification.ok and not self.unflagged_planted
                and self.unexpected_reauthorisations == 0
                and self.reauthorisations == self.revocations)

    def lines(self) -> list[str]:
        """A printable summary."""
        v = self.verification
        runs = ", ".join(f"{status} {n}" for status, n in sorted(self.runs.items()))
        return [
            f"rounds: {self.rounds}; runs: {sum(self.runs.values())} ({runs}); "
            f"wall time {self.wall_seconds:.1f} s",
            "faults injected: " + _counts(self.injected),
            "failed attempts seen by the clients: " + _counts(self.seen),
            "ledger side: " + _counts(Counter(self.ledger_stats)),
            f"retries: {self.retries}",
            f"refresh tokens revoked: {self.revocations}; re-authorisations: "
            f"{self.reauthorisations} (unexpected: {self.unexpected_reauthorisations})",
            f"orders: {v.orders}; refunds: {v.refunds}; live ledger documents: "
            f"{v.posted_documents}; flagged records: {v.flagged_records} "
            f"({_counts(v.open_codes)})",
            f"duplicates: {v.duplicates}",
            f"lost: {v.lost}",
            f"ledger-vs-journal mismatches: {v.mismatches}",
            f"unfinished postings: {v.unfinished}",
            f"transient failures in the error queue: {v.spurious_flags}",
            f"planted problems not flagged: {len(self.unflagged_planted)}",
            *[f"  - {p}" for p in (v.problems + self.unflagged_planted)[:20]],
        ]


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counter.items()) if n) or "none"


