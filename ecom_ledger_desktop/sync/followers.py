"""The ledger follows the store where the rules ask and both connectors can
(``connectors.base`` capabilities): items follow the catalogue (``catalog_sync``), customers'
address and phone follow the store's (``customer_details_sync``). Generic: a connector that
lacks the capability is left alone, and the run says so once in its audit log.
"""

from __future__ import annotations

from ecom_ledger_desktop.connectors.base import CatalogLedger, CatalogStore, CustomerDetailsLedger
from ecom_ledger_desktop.db.cursors_repo import Cursor
from ecom_ledger_desktop.models.commerce import Product
from ecom_ledger_desktop.models.ledger import LedgerCustomer
from ecom_ledger_desktop.sync.context import PairContext

CATALOG_STREAM = "catalog"  # its cursor keeps the SKUs the last catalogue sync saw


def store_catalog(ctx: PairContext) -> list[Product] | None:
    """The store's catalogue when the rules ask for it and both sides can follow it."""
    if not ctx.pair.rules.catalog_sync:
        return None
    if not isinstance(ctx.store, CatalogStore) or not isinstance(ctx.ledger, CatalogLedger):
        return None
    return list(ctx.store.iter_products())


def follow_catalog(ctx: PairContext, products: list[Product] | None, run_id: int) -> int:
    """Items follow ``products`` (SKUs gone since the last sync are made inactive); returns
    how many products were flagged."""
    state, pair = ctx.state, ctx.pair
    if products is None:
        if pair.rules.catalog_sync:
            with state.tx():
                state.runs.audit("catalog", pair_id=pair.id, run_id=run_id, detail=(
                    f"catalogue sync is on, but {ctx.ledger_label} or the store cannot follow "
                    "a catalogue: nothing done"))
        return 0
    assert isinstance(ctx.ledger, CatalogLedger)
    known = state.cursors.get(pair.id, CATALOG_STREAM)
    current = sorted({p.sku for p in products if p.sku})
    removed = sorted(set(known.ids_at_value if known else []) - set(current))
    outcome = ctx.ledger.sync_catalog([p for p in products if p.sku], removed)
    with state.tx():
        for sku, problem in outcome.problems:
            state.errors.flag(pair_id=pair.id, record_kind="item", source_id=sku,
                              record_ref=sku, problem=problem)
        state.cursors.set(pair.id, CATALOG_STREAM, Cursor(ctx.clock.now(), current))
        state.runs.audit("catalog", pair_id=pair.id, run_id=run_id, detail=(
            f"{len(current)} products: {outcome.created} items created, {outcome.updated} "
            f"updated, {outcome.deactivated} made inactive, {len(outcome.problems)} refused"))
    return len(outcome.problems)


def follow_customer(ctx: PairContext, customer_id: str, customer: LedgerCustomer) -> None:
    """The ledger's customer follows the store's details; a conflict goes to the error queue
    (as the customer's, not the order's: the order still posts)."""
    if not ctx.pair.rules.customer_details_sync or \
            not isinstance(ctx.ledger, CustomerDetailsLedger):
        return
    problem = ctx.ledger.sync_customer_details(customer_id, customer)
    state, pair = ctx.state, ctx.pair
    with state.tx():
        if problem is None:
            state.errors.close_for_record(pair.id, "customer", customer.key,
                                          "the details agree again")
        else:
            state.errors.flag(pair_id=pair.id, record_kind="customer", source_id=customer.key,
                              record_ref=customer.display_name, problem=problem)
