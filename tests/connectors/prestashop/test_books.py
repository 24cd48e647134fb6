"""PrestaShop → QuickBooks Online through the journal: the month's documents match the shop.

A US company with automated sales tax and a UK VAT company selling from a tax-inclusive shop:
late evenings on a month's last day, a coupon, a gift card voucher, gift wrapping, a foreign
currency at the shop's rate, a check paid days later and a partial refund with the goods back.
Every document's total, tax and date are compared with the shop's own figures, read through
its Webservice (``total_paid_tax_incl``, ``- total_paid_tax_excl``, the credit slips)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, configure_pair
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService

FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05)
START = date(2026, 1, 1)
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
BUYER = {"email": "alex.kim@example.com", "firstname": "Alex", "lastname": "Kim"}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Company:
    profile: str
    zone: str
    currency: str
    rates: tuple[str, str]  # standard, reduced
    tax_codes: dict[str, str] = field(default_factory=dict)
    inclusive: bool = False


COMPANIES = {
    "us_ast": Company("us_ast", "America/New_York", "USD", ("8.875", "8.875")),
    "uk_vat": Company("uk_vat", "Europe/London", "GBP", ("20", "5"),
                      {"20": "20.0% S", "5": "5.0% R", "0": "0.0% Z"}, inclusive=True),
}


def _utc(zone: str, local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture(params=sorted(COMPANIES))
def company(request: pytest.FixtureRequest) -> Company:
    return COMPANIES[request.param]


@pytest.fixture
def shop(company: Company) -> Iterator[PrestaShopSimulator]:
    with PrestaShopSimulator(seed_orders=0, timezone=company.zone, currency=company.currency,
                             clock=SimClock(start=NOW), first_order_id=501) as sim:
        yield sim


def test_the_months_documents_match_the_shop(company: Company, shop: PrestaShopSimulator,
                                             tmp_path: Path) -> None:
    std, reduced = company.rates
    base = {"customer": BUYER, "currency": company.currency, "shipping": "5.00",
            "shipping_tax_percent": std, "prices_include_tax": company.inclusive,
            "payment_method": "braintree", "paid": True,
            "lines": [{"sku": "PS-TOTE-01", "name": "Canvas Tote Bag", "qty": 2, "price": "24.00",
                       "tax_percent": std},
                      {"sku": "PS-NOTE-01", "name": "Notebook", "qty": 1, "price": "12.90",
                       "tax_percent": reduced}]}
    ids: dict[str, int] = {}

    def add(name: str, local: str, **spec: Any) -> None:
        ids[name] = shop.add_order({**base, "created_at": _utc(company.zone, local), **spec})

    add("month_end_late", "2026-10-31 23:30")
    # free shipping: QuickBooks spreads a coupon over the shipping's VAT code too (flagged)
    add("coupon", "2026-11-04 10:00", discount="6.00", coupon_code="SAVE6", shipping="0")
    add("gift_card_used", "2026-11-05 10:00",
        vouchers=[{"name": "Gift card GC-42", "amount": "10.00"}])
    add("wrapped", "2026-11-06 10:00", wrapping="2.50")
    add("foreign", "2026-11-07 10:00", currency="EUR", conversion_rate="1.1650")
    add("check_paid_later", "2026-11-08 10:00", paid=False, payment_method="checkmo")
    add("refunded", "2026-11-09 10:00")
    shop.clock.advance(0)
    with shop.shop.lock:  # the check arrives on 12 November, shop time
        shop.orders.history(ids["check_paid_later"], 2, shop.shop.local(
            _utc(company.zone, "2026-11-12 09:00")))
    slip = shop.refund_order(ids["refunded"], {"lines": [{"sku": "PS-TOTE-01", "qty": 1}],
                                               "shipping": "0", "return_to_stock": True})

    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), limits=False,
                          company_profile=company.profile)
    ledger.start()
    try:
        ledger.seed_items([{"sku": p["sku"], "name": p["name"], "price": p["price"],
                            "qty": 10} for p in shop.catalog()])
        secrets = MemorySecretStore()
        db = tmp_path / "books.sqlite3"
        rules = PostingRules(start_date=START, tax_codes=company.tax_codes, payment_routes={
            "stripe_official": PaymentRoute(payment_method="Visa"),
            "ps_checkpayment": PaymentRoute(payment_method="Check")})
        pair = configure_pair(db, secrets, ledger=ledger.demo_connection(),
                              store_url="http://store.invalid", store_token="unused",
                              start_date=START, demo=False, rules=rules)

        def store_factory(config: Any, keyring: Any) -> StoreConnector:
            return PrestaShopStore(shop.base_url, shop.token, policy=FAST)

        service = SyncService(db, secrets, store_factory=store_factory,
                              ledger_factory=ConnectorFactory(policy=FAST).ledger,
                              events=EventBus())
        summary = service.run_pair(pair, "test")
        state = State(db)
        try:
            errors = [(e.code, e.message) for e in state.errors.entries(pair, "open")]
        finally:
            state.close()
        assert summary.status == "ok" and errors == [], errors

        receipts = {d["DocNumber"]: d for d in ledger.entities("SalesReceipt")}
        assert set(receipts) == {str(i) for i in ids.values()}
        api = httpx.Client(base_url=shop.base_url + "/api", auth=(shop.token, ""), timeout=10)
        for name, oid in ids.items():
            served = api.get(f"orders/{oid}", params={"output_format": "JSON"}).json()["order"]
            doc = receipts[str(oid)]
            total = Decimal(served["total_paid_tax_incl"]).quantize(CENT)
            tax = (Decimal(served["total_paid_tax_incl"])
                   - Decimal(served["total_paid_tax_excl"])).quantize(CENT)
            assert Decimal(str(doc["TotalAmt"])) == total, name
            assert Decimal(str(doc["TxnTaxDetail"]["TotalTax"])) == tax, name
        dated = {name: receipts[str(oid)]["TxnDate"] for name, oid in ids.items()}
        assert dated["month_end_late"] == "2026-10-31"
        assert dated["check_paid_later"] == "2026-11-12"
        assert receipts[str(ids["foreign"])]["CurrencyRef"]["value"] == "EUR"
        [refund] = ledger.entities("RefundReceipt")
        served_slip = api.get(f"order_slip/{slip}", params={"output_format": "JSON"}).json()[
            "order_slip"]
        assert Decimal(str(refund["TotalAmt"])) == (
            Decimal(served_slip["amount"]) + Decimal(served_slip["shipping_cost_amount"]))
        api.close()
        assert service.run_pair(pair, "test").posted == 0
    finally:
        ledger.stop()
