"""What the setup assistant does in the background: save and test the store, save the books,
make the pair, read and accept suggested SKU mappings. No widgets here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ecom_ledger_desktop.app.views.connection_service import admin_for
from ecom_ledger_desktop.connectors.catalog import StoreProduct
from ecom_ledger_desktop.sync.pair_config import FieldProblem, PairConfigError, new_pair_rules

if TYPE_CHECKING:  # the connectors (httpx) and the fuzzy matcher load when the work runs
    from ecom_ledger_desktop.app.lazy_core import Scheduling
    from ecom_ledger_desktop.connectors.base import StoreConnector
    from ecom_ledger_desktop.sync.connections_admin import ConnectionSummary, TestReport
    from ecom_ledger_desktop.sync.service import SyncService

ACCEPT_ABOVE = 90.0
LOOK_BACK_DAYS = 90  # products seen in orders this far back are suggested (not imported)
MAX_ORDERS_READ = 500


def save_connection(service: SyncService, kind: str, saved_as: str | None, name: str,
                    settings: dict[str, str], secrets: dict[str, str]) -> ConnectionSummary:
    """Add the connection, or (a second try) change the one this assistant added."""
    admin = admin_for(service)
    if saved_as:
        return admin.edit(saved_as, settings=settings, secrets=secrets, new_name=name)
    return admin.add(name, kind, settings, secrets)


def save_and_test(service: SyncService, kind: str, saved_as: str | None, name: str,
                  settings: dict[str, str], secrets: dict[str, str]
                  ) -> tuple[ConnectionSummary, TestReport]:
    """Save, then test in plain words."""
    summary = save_connection(service, kind, saved_as, name, settings, secrets)
    return summary, admin_for(service).test(summary.name)


def create_pair(service: SyncService, background: Scheduling, name: str, store: str,
                ledger: str, start: date, minutes: int) -> int:
    """Pair the store with the books from ``start`` and put it on the schedule."""
    state = service.open_state()
    try:
        store_cfg = state.connections.connection(store)
        ledger_cfg = state.connections.connection(ledger)
        assert store_cfg is not None and store_cfg.id is not None
        assert ledger_cfg is not None and ledger_cfg.id is not None
        if not name.strip():
            raise PairConfigError([FieldProblem("name", "give the pair a name")])
        if state.connections.pair(name.strip()) is not None:
            raise PairConfigError([FieldProblem("name", f"a pair called '{name.strip()}' "
                                                        "exists already")])
        with state.tx():
            pair_id = state.connections.add_pair(name.strip(), store_cfg.id, ledger_cfg.id,
                                                 new_pair_rules(store_cfg.kind, start),
                                                 minutes)
    finally:
        state.close()
    background.reschedule(pair_id, minutes, True)
    return pair_id


@dataclass(frozen=True)
class Suggestion:
    """One store SKU and what the books have for it."""

    sku: str
    store_name: str
    item: str
    score: float
    status: str  # found | suggested | unmapped | mapped

    @property
    def accept_by_default(self) -> bool:
        """Suggestions scoring at least 90 are ticked."""
        return self.status == "suggested" and self.score >= ACCEPT_ABOVE


def recent_products(store: StoreConnector, since: datetime,
                    limit: int = MAX_ORDERS_READ) -> list[StoreProduct]:
    """SKUs and names from the store's recent orders (read only: nothing is staged or posted).

    Used when the store cannot list its catalogue and no sync has run yet.
    """
    products: dict[str, StoreProduct] = {}
    for count, fetched in enumerate(store.iter_orders(since), start=1):
        for line in fetched.record.lines if fetched.record else []:
            products.setdefault(line.sku, StoreProduct(line.sku, line.name, line.unit_price))
        if count >= limit:
            break
    return list(products.values())


def suggestions(service: SyncService, pair_id: int) -> list[Suggestion]:
    """The store's products against the books' items, ranked (reads both over the network)."""
    from ecom_ledger_desktop.sync.mapping_suggestions import MappingSession, build_rows

    with service.context(pair_id) as ctx:
        session = MappingSession.for_context(ctx)
        rows = session.load()
        if not rows and session.store is None:
            since = datetime.combine(min(ctx.pair.rules.start_date, ctx.clock.now().date()),
                                     time(), UTC) - timedelta(days=LOOK_BACK_DAYS)
            rows = build_rows(recent_products(ctx.store, since), session.items,
                              ctx.state.mappings.skus(pair_id))
    return [Suggestion(r.sku, r.store_name, r.ledger_item, r.best.score if r.best else 0.0,
                       r.status) for r in rows]


def accept(service: SyncService, pair_id: int, chosen: list[tuple[str, str]]) -> int:
    """Save the accepted (sku, item) mappings."""
    state = service.open_state()
    try:
        with state.tx():
            for sku, item in chosen:
                state.mappings.set_sku(pair_id, sku, item, "suggested")
    finally:
        state.close()
    return len(chosen)
