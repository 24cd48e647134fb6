"""``QboConnection``: one QuickBooks Online company reached over its API — sign-in, what the
company is (read once, cached), its customers, items and named references, the stock it holds, and
the connection test. ``ledger.QboLedger`` posts documents on top of it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.base import CheckResult, LedgerRecord, PostedRef, RetireOutcome
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient
from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyCache, CompanyFacts
from ecom_ledger_desktop.connectors.ledgers.qbo.income_accounts import QboIncomeAccounts
from ecom_ledger_desktop.connectors.ledgers.qbo.kind import API_BASE
from ecom_ledger_desktop.connectors.ledgers.qbo.lookups import QboLookups
from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
from ecom_ledger_desktop.connectors.ledgers.qbo.readback import QboReadBack
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy

CDC_MAX_AGE = timedelta(days=29)  # CDC looks back 30 days at most; keep a day's margin


class QboConnection:
    """A QuickBooks Online company: references, stock and the connection test."""

    def __init__(
        self,
        tokens: QboTokens,
        realm_id: str,
        *,
        api_base: str = API_BASE,
        minorversion: int = 75,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        income_account: str = "Sales of Product Income",
        default_deposit_account: str = "Undeposited Funds",
        clock: Clock | None = None,
        limits_scale: float = 1.0,
        batching: bool = True,
        company: CompanyCache | None = None,
        item_policy: UnmappedSkuPolicy = "flag",
        unreturned_item: str = "Returns not restocked",
    ) -> None:
        self.tokens = tokens
        self.batching = batching
        self.client = QboClient(api_base, realm_id, tokens, minorversion=minorversion,
                                policy=policy, transport=transport, limits_scale=limits_scale)
        self.company = company or CompanyCache()
        self.lookups = QboLookups(self.client, home_currency=lambda: self.facts().home_currency,
                                  income_account=income_account)
        self.income = QboIncomeAccounts(self.lookups)  # items' income accounts, summary items
        self.default_deposit_account = default_deposit_account
        self.item_policy = item_policy  # may items for gift cards, rounding... be created?
        self.unreturned_item = unreturned_item
        self._clock = clock or SystemClock()
        self._checking = False  # check_document: build bodies, create nothing
        self._readback: QboReadBack | None = None

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Sales documents dated ``start``..``end`` as QuickBooks holds them (``ReadBackLedger``)."""
        if self._readback is None:
            self._readback = QboReadBack(self.client, self.facts().home_currency)
        return self._readback.documents_between(start, end)

    def read_calls(self) -> int:
        """Queries ``documents_between`` has made so far."""
        return self._readback.calls if self._readback is not None else 0

    def facts(self, *, refresh: bool = False) -> CompanyFacts:
        """What the company is (country, sales tax, currencies): read once, then cached."""
        return self.company.get(self.client, refresh=refresh)

    # -- references -----------------------------------------------------------------------
    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """Find (email, then name + postcode), reactivate or create the customer; its Id."""
        return self.lookups.ensure_customer(customer, request_id)

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The item by SKU (then name), else per the unmapped-SKU policy; its Id."""
        return self.lookups.ensure_item(item, policy, standard_item, request_id)

    def retire(self, kind: str, ledger_id: str, created_since: datetime,
               request_id: str) -> RetireOutcome:
        """Make a customer/item an undo no longer needs inactive, if nothing else uses it."""
        from ecom_ledger_desktop.connectors.ledgers.qbo.retire import retire

        outcome = retire(self.client, kind, ledger_id, created_since, request_id)
        if outcome.retired:  # a later posting looks it up again (and reactivates it)
            cache: dict[Any, str] = (self.lookups.customers if kind == "customer"
                                     else self.lookups.items)
            for key in [k for k, v in cache.items() if v == ledger_id]:
                del cache[key]
        return outcome

    def undo_obstacles(self, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
        """Why QuickBooks would not take some documents back cleanly (read in bulk)."""
        from ecom_ledger_desktop.connectors.ledgers.qbo.undo_checks import undo_obstacles

        return undo_obstacles(self.client, documents)

    def resolve_name(self, kind: str, name: str) -> str:
        """The Id of a named item, account, payment method or tax code (cached)."""
        return self.lookups.resolve_name(kind, name)

    # -- stock ----------------------------------------------------------------------------
    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """Quantities on hand of inventory items changed since ``since`` (CDC, or all)."""
        now = self._clock.now()
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        if since is None or now - since > CDC_MAX_AGE:
            rows = self.client.query("SELECT *, Sku FROM Item WHERE Type = 'Inventory'")
            cursor = self.client.last_server_time or now
        else:
            changed, server_time = self.client.cdc(["Item"], since)
            rows = changed.get("Item", [])
            cursor = server_time or now
        levels: dict[str, StockLevel] = {}
        for row in rows:
            sku = str(row.get("Sku") or "").strip()
            if not sku or row.get("status") == "Deleted" or row.get("Type") != "Inventory":
                continue
            if row.get("QtyOnHand") is None:
                continue
            levels[sku] = StockLevel(sku=sku, qty=to_decimal(row["QtyOnHand"]))
        return list(levels.values()), cursor

    # -- connection -----------------------------------------------------------------------
    def check(self) -> list[CheckResult]:
        """Sign-in, company (and what it is: tax, currencies) and item access, in plain words."""
        steps = ("Signed in to QuickBooks", "Company", "Company settings",
                 "Products and services can be read")
        results: list[CheckResult] = []
        try:
            self.tokens.access_token()
            results.append(CheckResult(steps[0], True))
            facts = self.facts(refresh=True)  # a test re-reads what the company is
            results.append(CheckResult(steps[1], True, f"connected to '{facts.name}'"))
            results.append(CheckResult(steps[2], True, facts.describe()))
            self.client.query_page("SELECT * FROM Item", 1, 1)
            results.append(CheckResult(steps[3], True))
        except SyncError as exc:
            results.append(CheckResult(steps[len(results)], False, str(exc)))
        return results

    def close(self) -> None:
        """Release network resources."""
        self.client.close()
