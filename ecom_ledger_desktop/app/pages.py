"""The window's pages, built on first use: an idle tray app never imports or builds the pages
nobody opened (each pulls in its own views and parts of the core)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.page import Page


@dataclass(frozen=True)
class PageSpec:
    """A page named without importing it: its key, its sidebar title and where its class is."""

    key: str
    title: str
    module: str  # under ecom_ledger_desktop.app.views
    cls: str

    def load(self) -> type[Page]:
        """Import the page's class."""
        module = importlib.import_module(f"ecom_ledger_desktop.app.views.{self.module}")
        page_type: type[Page] = getattr(module, self.cls)
        return page_type

    @classmethod
    def of(cls, page_type: type[Page]) -> PageSpec:
        """The spec of an already imported page class (tests pass their own)."""
        return _Loaded(page_type.key, page_type.title, page_type.__module__, page_type.__name__,
                       page_type)


@dataclass(frozen=True)
class _Loaded(PageSpec):
    page_type: type[Page]

    def load(self) -> type[Page]:
        return self.page_type


PAGE_SPECS: list[PageSpec] = [
    PageSpec("dashboard", "Dashboard", "dashboard", "DashboardPage"),
    PageSpec("connections", "Connections", "connections", "ConnectionsPage"),
    PageSpec("pairs", "Pairs & rules", "pairs", "PairsPage"),
    PageSpec("preview", "Preview", "preview_page", "PreviewPage"),
    PageSpec("mappings", "Mappings", "mappings", "MappingsPage"),
    PageSpec("errors", "Error queue", "error_queue", "ErrorQueuePage"),
    PageSpec("history", "History", "history", "HistoryPage"),
    PageSpec("settings", "Settings", "settings_page", "SettingsPage"),
]


class LazyPages(Mapping[str, Page]):
    """``pages[key]`` builds the page the first time (``on_built`` then places it)."""

    def __init__(self, ctx: AppContext, specs: list[PageSpec],
                 on_built: Callable[[Page], None]) -> None:
        self.ctx = ctx
        self.specs = {spec.key: spec for spec in specs}
        self.built: dict[str, Page] = {}
        self._on_built = on_built

    def __getitem__(self, key: str) -> Page:
        page = self.built.get(key)
        if page is None:
            page = self.specs[key].load()(self.ctx)
            self.built[key] = page
            self._on_built(page)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    def title(self, key: str) -> str:
        """A page's title without building it ("" for an unknown key)."""
        spec = self.specs.get(key)
        return spec.title if spec else ""
