"""The mapping page's words and look: filter labels, the summary line, empty-table texts."""

from __future__ import annotations

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.mapping_suggestions import FilterMode, MappingRow

FILTERS: tuple[tuple[FilterMode, str, str], ...] = (
    ("unmapped", "Needs a decision", "SKUs with no item yet: suggested or not matched at all"),
    ("suggested", "Suggested", "SKUs with a likely item that you have not accepted yet"),
    ("all", "All", "Every SKU, including those already mapped or found under the same SKU"),
)

# the filter buttons as a segmented control, and disabled secondary buttons that look disabled
PAGE_STYLE = """
QPushButton#filterButton { background: white; color: #1f2a30; border: 1px solid #c5cdd2;
    border-radius: 14px; padding: 5px 14px; }
QPushButton#filterButton:hover { background: #f0f3f4; }
QPushButton#filterButton:checked { background: #e0f2f1; color: #00574b; border-color: #4db6ac; }
QPushButton#secondaryButton:disabled { color: #9aa7ad; border-color: #dde3e6; }
QLabel#problemsHeading { color: #a12020; font-weight: 600; }
QListWidget#importProblems { border: 1px solid #f5c2c0; border-radius: 6px; background: #fffafa; }
QListWidget#importProblems::item { padding: 3px 6px; }
"""


def count_above(rows: list[MappingRow], threshold: float) -> int:
    """How many open suggestions score at least ``threshold``."""
    return sum(1 for r in rows if r.status == "suggested" and r.best is not None
               and r.best.score >= threshold)


def summary(rows: list[MappingRow], books: str = NO_BRAND) -> str:
    """One sentence of counts by status (``books``: the pair's ledger brand)."""
    if not rows:
        return "No products yet: they appear here after the first sync downloads orders."
    status = [r.status for r in rows]
    return (f"{fmt.plural(len(rows), 'SKU')}: {status.count('mapped')} mapped by you, "
            f"{status.count('found')} found under the same SKU in {books}, "
            f"{status.count('suggested')} with a suggestion, {status.count('unmapped')} not matched.")


def no_rows_text(rows: list[MappingRow], mode: FilterMode, search: str) -> str:
    """Why the table is empty."""
    if not rows:
        return "Nothing to map yet."
    if search.strip():
        return f"No SKU, product or item contains “{search.strip()}”."
    if mode == "unmapped":
        return "Every SKU is mapped: nothing needs a decision."
    if mode == "suggested":
        return "No open suggestions."
    return "Nothing to show."
