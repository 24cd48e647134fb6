"""The mapping editor's data: store SKUs against ledger items, with ranked suggestions.

Store products come from the staged order records (their line SKUs and names) and, when the store
can list them, from its product catalogue. Ledger items come from a ``LedgerCatalog``. Each SKU is
scored against every item with rapidfuzz (token-set and weighted ratios over name and SKU); an
exact SKU match scores 100 and nothing else does, so 100 always means "the same SKU". A mapping
is the ledger item's *name*, as the posting rules use names.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from rapidfuzz import fuzz, process, utils

from ecom_ledger_desktop.connectors.catalog import (
    CatalogItem,
    LedgerCatalog,
    StoreCatalog,
    StoreProduct,
    ledger_catalog,
    store_catalog,
)
from ecom_ledger_desktop.db.journal_repo import request_id_for
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.context import PairContext

MappingStatus = Literal["mapped", "found", "suggested", "unmapped"]
FilterMode = Literal["unmapped", "suggested", "all"]
FILTER_MODES: tuple[FilterMode, ...] = ("unmapped", "suggested", "all")
DEFAULT_MIN_SCORE = 60.0
EXACT = 100.0
FUZZY_CAP = 99.0
CSV_COLUMNS = ("sku", "ledger_item", "store_name")


@dataclass(frozen=True)
class Candidate:
    """A ledger item suggested for a SKU, with the score the merchant sees (0-100)."""

    item: CatalogItem
    score: float


@dataclass
class MappingRow:
    """One store SKU in the editor."""

    sku: str
    store_name: str
    mapped_item: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    price: Decimal | None = None
    min_score: float = DEFAULT_MIN_SCORE

    @property
    def best(self) -> Candidate | None:
        """The highest-scored candidate."""
        return self.candidates[0] if self.candidates else None

    @property
    def status(self) -> MappingStatus:
        """mapped (by the merchant), found (same SKU in the ledger), suggested, or unmapped."""
        if self.mapped_item:
            return "mapped"
        best = self.best
        if best is not None and best.score >= EXACT:
            return "found"
        if best is not None and best.score >= self.min_score:
            return "suggested"
        return "unmapped"

    @property
    def ledger_item(self) -> str:
        """The mapped item, else the best suggestion's name, else empty."""
        if self.mapped_item:
            return self.mapped_item
        return self.best.item.name if self.best else ""

    def matches(self, mode: FilterMode) -> bool:
        """Whether the row shows under a filter mode ("unmapped" = needs a decision)."""
        if mode == "all":
            return True
        if mode == "suggested":
            return self.status == "suggested"
        return self.status in ("suggested", "unmapped")


@dataclass
class CsvImportResult:
    """What a CSV import did, or every row that stopped it (nothing is applied then)."""

    applied: int = 0
    skipped_empty: int = 0
    problems: list[str] = field(default_factory=list)


# -- gathering ------------------------------------------------------------------------------
def staged_products(state: State, pair_id: int) -> list[StoreProduct]:
    """SKUs and names from the order lines of every staged order (top-level lines only)."""
    products: dict[str, StoreProduct] = {}
    for raw in state.cursors.staged_raw(pair_id, "order"):
        try:
            order = json.loads(raw, parse_float=Decimal)
        except ValueError:
            continue
        lines = order.get("items") if isinstance(order, dict) else None
        for line in lines if isinstance(lines, list) else []:
            if not isinstance(line, dict) or line.get("parent_item_id"):
                continue
            sku = str(line.get("sku") or "").strip()
            if sku:
                products[sku] = StoreProduct(sku, str(line.get("name") or ""),
                                             _price(line.get("price")))
    return list(products.values())


def _price(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def score(product: StoreProduct, item: CatalogItem) -> float:
    """How alike a store product and a ledger item are (100 only for the same SKU)."""
    if item.sku and item.sku.strip().casefold() == product.sku.strip().casefold():
        return EXACT
    scores = [fuzz.WRatio(product.sku, item.sku, processor=utils.default_process)
              if item.sku else 0.0]
    if product.name and item.name:
        scores.append(fuzz.token_set_ratio(product.name, item.name,
                                           processor=utils.default_process))
        scores.append(fuzz.WRatio(product.name, item.name, processor=utils.default_process))
    scores.append(fuzz.WRatio(product.sku, item.name, processor=utils.default_process))
    return round(min(max(scores), FUZZY_CAP), 1)


def rank(product: StoreProduct, items: Iterable[CatalogItem], limit: int = 5) -> list[Candidate]:
    """The ``limit`` best candidates, best first (ties by item name)."""
    scored = [Candidate(item, score(product, item)) for item in items]
    scored.sort(key=lambda c: (-c.score, c.item.name.casefold()))
    return scored[:limit]


def build_rows(products: Iterable[StoreProduct], items: list[CatalogItem],
               mappings: dict[str, str], min_score: float = DEFAULT_MIN_SCORE) -> list[MappingRow]:
    """One row per SKU (products and mapped SKUs), sorted by SKU."""
    by_sku = {p.sku: p for p in products}
    for sku in mappings:
        by_sku.setdefault(sku, StoreProduct(sku, ""))
    return [MappingRow(p.sku, p.name, mappings.get(p.sku), rank(p, items), p.price, min_score)
            for p in sorted(by_sku.values(), key=lambda p: p.sku.casefold())]


# -- the editor's operations ----------------------------------------------------------------
class MappingSession:
    """The mapping editor's operations for one pair (use within ``SyncService.context``)."""

    def __init__(self, state: State, pair_id: int, ledger: LedgerCatalog | None,
                 store: StoreCatalog | None = None, min_score: float = DEFAULT_MIN_SCORE) -> None:
        self.state = state
        self.pair_id = pair_id
        self.ledger = ledger
        self.store = store
        self.min_score = min_score
        self.items: list[CatalogItem] = []
        self.rows: list[MappingRow] = []

    @classmethod
    def for_context(cls, ctx: PairContext, min_score: float = DEFAULT_MIN_SCORE
                    ) -> MappingSession:
        """A session over a live pair context's ledger and store."""
        return cls(ctx.state, ctx.pair.id, ledger_catalog(ctx.ledger), store_catalog(ctx.store),
                   min_score)

    def load(self) -> list[MappingRow]:
        """Read products, items and mappings afresh; returns the rows."""
        self.items = self.ledger.list_items() if self.ledger else []
        products = staged_products(self.state, self.pair_id)
        if self.store is not None:
            products = [*self.store.list_products(), *products]
        self.rows = build_rows(products, self.items, self.state.mappings.skus(self.pair_id),
                               self.min_score)
        return self.rows

    def _item_named(self, name: str) -> CatalogItem | None:
        wanted = name.strip().casefold()
        return next((i for i in self.items if i.name.casefold() == wanted), None)

    def accept(self, sku: str, item_name: str, source: str = "user") -> None:
        """Map ``sku`` to the ledger item called ``item_name`` (refused when it is unknown)."""
        item = self._item_named(item_name)
        if self.ledger is not None and item is None:
            raise ValueError(f"there is no item called '{item_name}' in the books"
                             f"{_did_you_mean(item_name, self.items)}")
        with self.state.tx():
            self.state.mappings.set_sku(self.pair_id, sku, item.name if item else item_name,
                                        source)
        self._refresh_row(sku, item.name if item else item_name)

    def accept_above(self, threshold: float) -> list[tuple[str, str]]:
        """Accept every suggestion scoring at least ``threshold``; returns (sku, item) pairs."""
        chosen = [(r.sku, r.best.item.name) for r in self.rows
                  if r.status == "suggested" and r.best is not None and r.best.score >= threshold]
        with self.state.tx():
            for sku, name in chosen:
                self.state.mappings.set_sku(self.pair_id, sku, name, "suggested")
        for sku, name in chosen:
            self._refresh_row(sku, name)
        return chosen

    def remove(self, sku: str) -> None:
        """Forget the mapping of ``sku``."""
        with self.state.tx():
            self.state.mappings.remove_sku(self.pair_id, sku)
        self._refresh_row(sku, None)

    def create_item(self, sku: str) -> CatalogItem:
        """Create the ledger item from the store product (found, not duplicated, if it exists)
        and map the SKU to it."""
        if self.ledger is None:
            raise ValueError("this ledger cannot create items from here")
        row = next((r for r in self.rows if r.sku == sku), None)
        name = row.store_name if row and row.store_name else sku
        item = self.ledger.create_item(sku, name, row.price if row else None,
                                       request_id_for(f"{self.pair_id}:mapping-item:{sku}"))
        if self._item_named(item.name) is None:
            self.items.append(item)
            for other in self.rows:
                other.candidates = rank(StoreProduct(other.sku, other.store_name), self.items)
        self.accept(sku, item.name, "created")
        return item

    def _refresh_row(self, sku: str, mapped: str | None) -> None:
        for row in self.rows:
            if row.sku == sku:
                row.mapped_item = mapped

    # -- CSV --------------------------------------------------------------------------------
    def export_csv(self) -> str:
        """Every row as ``sku,ledger_item,store_name`` (empty item: not mapped)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in self.rows:
            writer.writerow([row.sku, row.mapped_item or "", row.store_name])
        return out.getvalue()

    def import_csv(self, text: str) -> CsvImportResult:
        """Apply ``sku,ledger_item`` rows (all or nothing); problems name the row."""
        result = CsvImportResult()
        rows = _read_csv(text, result)
        if result.problems:
            return result
        chosen: dict[str, str] = {}
        first_row: dict[str, int] = {}
        for number, sku, item_name in rows:
            if not sku:
                result.problems.append(f"row {number}: the SKU is empty")
                continue
            if sku in first_row:
                result.problems.append(f"row {number}: SKU '{sku}' is already on row "
                                       f"{first_row[sku]}")
                continue
            first_row[sku] = number
            if not item_name:
                result.skipped_empty += 1
                continue
            item = self._item_named(item_name)
            if self.ledger is not None and item is None:
                result.problems.append(f"row {number}: there is no item called '{item_name}' "
                                       f"in the books{_did_you_mean(item_name, self.items)}")
                continue
            chosen[sku] = item.name if item else item_name
        if result.problems:
            return result
        with self.state.tx():
            for sku, name in chosen.items():
                self.state.mappings.set_sku(self.pair_id, sku, name, "import")
        for sku, name in chosen.items():
            self._refresh_row(sku, name)
        result.applied = len(chosen)
        return result


def _read_csv(text: str, result: CsvImportResult) -> list[tuple[int, str, str]]:
    body = text.lstrip("\ufeff")
    if not body.strip():
        result.problems.append("row 1: the file is empty")
        return []
    first_line = body.splitlines()[0]
    delimiter = next((d for d in (",", ";", "\t") if d in first_line), ",")
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in CSV_COLUMNS[:2] if c not in header]
    if missing:
        result.problems.append(f"row 1: the header needs the columns {', '.join(CSV_COLUMNS[:2])}"
                               f" (missing: {', '.join(missing)})")
        return []
    sku_at, item_at = header.index("sku"), header.index("ledger_item")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        padded = [*cells, "", ""]
        rows.append((number, padded[sku_at].strip(), padded[item_at].strip()))
    return rows


def _did_you_mean(name: str, items: list[CatalogItem]) -> str:
    match = process.extractOne(name, [i.name for i in items], scorer=fuzz.WRatio,
                               processor=utils.default_process, score_cutoff=70)
    return f" (did you mean '{match[0]}'?)" if match else ""
