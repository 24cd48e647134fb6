"""One error taxonomy for every connector and the engine.

- ``RetriableError``: the same request may succeed later (5xx, 429, timeouts, resets).
- ``UncertainOutcome``: a write whose result we did not see; ask the ledger before resending.
- ``FatalError``: the connection cannot work until a person acts (bad credentials,
  revoked authorisation, wrong URL); the run stops for that pair, nothing is lost.
- ``RecordError``: one record cannot be posted as it is (unmapped SKU, invalid data,
  ledger validation fault); it goes to the error queue and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class SyncError(Exception):
    """Base of every error the sync core raises on purpose."""


class RetriableError(SyncError):
    """A transient failure; ``retry_after`` (seconds) when the server said how long to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UncertainOutcome(RetriableError):
    """A write was sent but no answer came back: it may or may not have been applied."""


class LedgerAway(RetriableError):
    """A ledger reached only when it calls in (QuickBooks Desktop through the Web Connector) is
    not connected now. Postings wait, queued, with this message as the reason; nothing failed."""


class FatalError(SyncError):
    """The connection needs a person: credentials, authorisation, configuration."""

    def __init__(self, message: str, *, needs_reauthorisation: bool = False,
                 role: str | None = None) -> None:
        super().__init__(message)
        self.needs_reauthorisation = needs_reauthorisation
        self.role = role  # "store" or "ledger": which connection needs the person


class ChoiceNeeded(FatalError):
    """Signed in, but the person must choose what to connect (one of several businesses):
    ``choices`` are (label in plain words, the settings that choice saves)."""

    def __init__(self, message: str, choices: tuple[tuple[str, dict[str, str]], ...]) -> None:
        super().__init__(message, role="ledger")
        self.choices = choices


@dataclass
class Fix:
    """A remedy the error queue offers for a flagged record."""

    # machine name: map_sku, create_item, pick_customer, edit_field, retry, ignore, void_and_repost
    action: str
    label: str  # what the merchant reads


@dataclass
class RecordProblem:
    """What is wrong with one record, in a merchant's words, and what would fix it."""

    code: str  # stable machine code: unmapped_sku, duplicate_customer, invalid_data, ledger_rejected, ...
    message: str
    fixes: list[Fix] = field(default_factory=list)
    detail: str = ""


class RecordError(SyncError):
    """One record cannot be posted as it is; carries the ``RecordProblem`` for the queue."""

    def __init__(self, problem: RecordProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem
