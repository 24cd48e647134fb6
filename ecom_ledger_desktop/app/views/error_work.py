"""What the error queue does off the GUI thread: read entries and details, apply fixes.

Every function here runs on a worker (``ctx.tasks``) and returns plain data; none touches a
widget. The outcome words come back as a short sentence the page shows as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.catalog import ledger_catalog
from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.sync.error_details import (
    NO_BRAND,
    ErrorDetails,
    RetryOutcome,
    add_ledger_view,
    bulk_retry,
    entry_details,
    ledger_brands,
    not_asked,
)
from ecom_ledger_desktop.sync.service import SyncService

ITEM_CODES = ("unmapped_sku", "duplicate_sku")


@dataclass
class DetailView:
    """An entry's details plus every ledger item name (for the item picker)."""

    details: ErrorDetails
    item_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActionResult:
    """What one fix did, in the merchant's words."""

    entry_id: int
    action: str
    outcome: str
    ok: bool
    still_open: bool
    others: int = 0  # other open entries with the same cause, re-driven by the same fix
    others_posted: int = 0


def read_entries(service: SyncService) -> tuple[list[ErrorEntry], dict[int, str]]:
    """Every open entry of every pair, newest first, and each pair's ledger brand."""
    state = service.open_state()
    try:
        return (sorted(state.errors.entries(), key=lambda e: e.id, reverse=True),
                ledger_brands(state))
    finally:
        state.close()


def read_details(service: SyncService, entry_id: int) -> DetailView:
    """The entry from the database, then what the ledger adds (candidates, items).

    When the ledger cannot be reached the database's part is still shown, with the reason.
    """
    state = service.open_state()
    try:
        details = entry_details(state, entry_id)
    finally:
        state.close()
    view = DetailView(details)
    try:
        with service.context(details.entry.pair_id) as ctx:
            catalog = ledger_catalog(ctx.ledger)
            if catalog is None:
                return view
            add_ledger_view(details, catalog)
            if details.entry.code in ITEM_CODES:
                view.item_names = [item.name for item in catalog.list_items()]
    except (SyncError, OSError) as error:
        details.lookup_error = not_asked(details.books, error)
    return view


def _still_open(service: SyncService, entry_id: int) -> bool:
    state = service.open_state()
    try:
        entry = state.errors.get(entry_id)
        return entry is not None and entry.status == "open"
    finally:
        state.close()


def apply_action(service: SyncService, entry_id: int, action: str, value: str = ""
                 ) -> ActionResult:
    """Apply a fix (which re-drives the record) and say what happened."""
    others = others_posted = 0
    try:
        result = service.fix(entry_id, action, value)
        outcome, others, others_posted = result.outcome, result.others, result.others_posted
    except (SyncError, KeyError, OSError) as error:
        message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
        outcome = f"failed: {message}"
    ok = outcome in ("posted", "ignored", "keep waiting")
    return ActionResult(entry_id, action, outcome, ok, _still_open(service, entry_id), others,
                        others_posted)


def _others_text(result: ActionResult) -> str:
    """" 3 other records waiting on the same fix were posted too." — or how many still wait."""
    if not result.others:
        return ""
    if result.others_posted == result.others:
        noun = "record" if result.others == 1 else "records"
        verb = "was" if result.others == 1 else "were"
        return f" {result.others} other {noun} waiting on the same fix {verb} posted too."
    waiting = result.others - result.others_posted
    return (f" {result.others_posted} of {result.others} other records waiting on the same fix "
            f"were posted; {waiting} still {'waits' if waiting == 1 else 'wait'} here.")


def retry_many(service: SyncService, entry_ids: list[int],
               progress: Callable[[int, int], None]) -> list[RetryOutcome]:
    """Bulk retry, reporting ``progress(done, total)`` after each entry."""
    return bulk_retry(service, entry_ids, progress)


def outcome_text(record: str, result: ActionResult, books: str = NO_BRAND) -> str:
    """"Order 000000016 was posted to FreshBooks." — or why not (``books``: the pair's brand)."""
    outcome = result.outcome
    if outcome == "posted":
        return f"{record} was posted to {books} and left the queue.{_others_text(result)}"
    if outcome == "ignored":
        return f"{record} was ignored; it will not be posted."
    if outcome == "keep waiting":
        return (f"{record} keeps waiting for its payment; it is posted once the store records "
                "it, and you are asked again if it stays unpaid.")
    if outcome.startswith("still flagged: "):
        return (f"{record} is still waiting: {outcome.removeprefix('still flagged: ')}"
                f"{_others_text(result)}")
    if outcome.startswith("failed: "):
        return f"{record} could not be fixed: {outcome.removeprefix('failed: ')}"
    if outcome.startswith("a sync of this pair is running"):
        return f"{record}: a sync is running right now; it will retry the record itself."
    if not result.still_open:
        return f"{record} left the queue ({outcome})."
    return f"{record}: {outcome}."
