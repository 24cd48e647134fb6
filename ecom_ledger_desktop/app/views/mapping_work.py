"""The mapping editor's work, run on a task thread: each call opens the pair, does one thing and
reads the rows afresh, so the page only ever shows what the database and the books now hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.connectors.catalog import CatalogItem
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync.error_details import NO_BRAND, ledger_brand
from ecom_ledger_desktop.sync.mapping_suggestions import MappingRow, MappingSession
from ecom_ledger_desktop.sync.service import SyncService

# what one operation does with an open session; returns the sentence the page shows
Operation = Callable[[MappingSession], str]


@dataclass(frozen=True)
class MappingSnapshot:
    """The pairs, the chosen pair's rows and the ledger's items (for the item picker)."""

    pairs: list[Pair]
    pair_id: int | None = None
    rows: list[MappingRow] = field(default_factory=list)
    items: list[CatalogItem] = field(default_factory=list)
    can_create: bool = False  # the ledger can create items from here
    books: str = NO_BRAND  # the pair's ledger brand


@dataclass(frozen=True)
class Outcome:
    """A snapshot after an operation, what it did, and the rows that stopped an import."""

    snapshot: MappingSnapshot
    message: str = ""
    problems: list[str] = field(default_factory=list)


def run(service: SyncService, pair_id: int | None, operation: Operation | None = None
        ) -> Outcome:
    """Do ``operation`` on ``pair_id`` (or the first pair) and read everything afresh."""
    pairs = service.pairs()
    chosen = next((p for p in pairs if p.id == pair_id), pairs[0] if pairs else None)
    if chosen is None:
        return Outcome(MappingSnapshot(pairs))
    with service.context(chosen.id) as ctx:
        session = MappingSession.for_context(ctx)
        session.load()
        message = operation(session) if operation is not None else ""
        problems = list(getattr(operation, "problems", []))
        # the session keeps its rows up to date as it changes them: no second read needed
        snapshot = MappingSnapshot(pairs, chosen.id, list(session.rows), list(session.items),
                                   session.ledger is not None, ledger_brand(ctx.state, chosen.id))
    return Outcome(snapshot, message, problems)


# -- operations -----------------------------------------------------------------------------
def accept(sku: str, item_name: str) -> Operation:
    """Map one SKU to an item."""
    def do(session: MappingSession) -> str:
        session.accept(sku, item_name)
        return f"{sku} is now posted as “{item_name}”."
    return do


def accept_many(choices: list[tuple[str, str]]) -> Operation:
    """Map several SKUs, each to its own item."""
    def do(session: MappingSession) -> str:
        for sku, item_name in choices:
            session.accept(sku, item_name)
        return f"Mapped {fmt.plural(len(choices), 'SKU')}."
    return do


def accept_above(threshold: float) -> Operation:
    """Accept every suggestion scoring at least ``threshold``."""
    def do(session: MappingSession) -> str:
        chosen = session.accept_above(threshold)
        if not chosen:
            return f"No suggestion scores {threshold:.0f} or more: nothing changed."
        return f"Accepted {fmt.plural(len(chosen), 'suggestion')} scoring {threshold:.0f} or more."
    return do


def create_item(sku: str) -> Operation:
    """Create the ledger item from the store product and map the SKU to it."""
    def do(session: MappingSession) -> str:
        item = session.create_item(sku)
        return f"Created “{item.name}” in your books; {sku} is posted as it from now on."
    return do


def remove(sku: str) -> Operation:
    """Forget one SKU's mapping."""
    def do(session: MappingSession) -> str:
        session.remove(sku)
        return f"{sku} is no longer mapped."
    return do


def export_to(path: Path) -> Operation:
    """Write every row to a CSV file."""
    def do(session: MappingSession) -> str:
        path.write_text(session.export_csv(), encoding="utf-8")
        return f"Saved {fmt.plural(len(session.rows), 'row')} to {path.name}."
    return do


class ImportFrom:
    """Read a CSV file and apply it (all or nothing); ``problems`` lists the rows that stopped it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def __call__(self, session: MappingSession) -> str:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.problems = ["the file is not UTF-8 text: save it as “CSV UTF-8” and try again"]
            return f"{self.path.name} was not imported."
        result = session.import_csv(text)
        if result.problems:
            self.problems = list(result.problems)
            return f"{self.path.name} was not imported: nothing changed."
        skipped = (f" ({fmt.plural(result.skipped_empty, 'row')} without an item left as they were)"
                   if result.skipped_empty else "")
        return f"Imported {fmt.plural(result.applied, 'mapping')} from {self.path.name}{skipped}."
