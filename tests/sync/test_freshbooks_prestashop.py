"""PrestaShop → FreshBooks through the journal: the month's invoices and credit note match the
shop's own figures read through its Webservice (a month-end late order, a coupon, gift wrapping,
a foreign currency, a check paid days later, a partial refund), and a second run changes
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService

ZONE = "America/New_York"
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
START = date(2026, 1, 1)
CENT = Decimal("0.01")
BUYER = {"email": "alex.kim@example.com", "firstname": "Alex", "lastname": "Kim"}
BASE: dict[str, Any] = {
    "customer": BUYER, "currency": "USD", "shipping": "5.00", "shipping_tax_percent": "8.875",
    "payment_method": "braintree", "paid": True,
    "lines": [{"sku": "PS-TOTE-01", "name": "Canvas Tote Bag", "qty": 2, "price": "24.00",
               "tax_percent": "8.875"},
              {"sku": "PS-NOTE-01", "name": "Notebook", "qty": 1, "price": "12.90",
               "tax_percent": "8.875"}]}


def _utc(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def test_prestashop_orders_become_freshbooks_invoices_equal_to_the_shop(tmp_path: Path) -> None:
    shop = PrestaShopSimulator(seed_orders=0, timezone=ZONE, clock=SimClock(start=NOW),
                               first_order_id=501)
    ledger = FreshBooksSimulator("fb-client", "fb-secret", ("http://127.0.0.1/callback",))
    shop.start()
    ledger.start()
    try:
        ids = {name: shop.add_order({**BASE, "created_at": _utc(local), **spec})
               for name, local, spec in (
                   ("month_end_late", "2026-10-31 23:30", {}),
                   ("coupon", "2026-11-04 10:00", {"discount": "6.00", "coupon_code": "SAVE6"}),
                   ("wrapped", "2026-11-06 10:00", {"wrapping": "2.50"}),
                   ("foreign", "2026-11-07 10:00", {"currency": "EUR",
                                                    "conversion_rate": "1.1650"}),
                   ("check_paid_later", "2026-11-08 10:00", {"paid": False,
                                                             "payment_method": "checkmo"}),
                   ("refunded", "2026-11-09 10:00", {}))}
        with shop.shop.lock:  # the check arrives on 12 November, shop time
            shop.orders.history(ids["check_paid_later"], 2,
                                shop.shop.local(_utc("2026-11-12 09:00")))
        slip = shop.refund_order(ids["refunded"], {"lines": [{"sku": "PS-TOTE-01", "qty": 1}],
                                                   "shipping": "0", "return_to_stock": True})
        ledger.seed_demo_books(shop.catalog())
        secrets = MemorySecretStore()
        db = tmp_path / "books.sqlite3"
        rules = PostingRules(start_date=START, payment_routes={
            "stripe_official": PaymentRoute(payment_method="Visa"),
            "ps_checkpayment": PaymentRoute(payment_method="Check")})
        settings, keys = shop.demo_connection()
        pair = configure_pair(db, secrets, ledger=ledger.demo_connection(),
                              ledger_kind="freshbooks", store_kind="prestashop",
                              store_settings=settings, store_secrets=keys, start_date=START,
                              demo=False, rules=rules)
        fast = RetryPolicy(backoff_base=0.01, backoff_max=0.05)
        factory = ConnectorFactory(policy=fast)
        service = SyncService(db, secrets, store_factory=factory.store,
                              ledger_factory=factory.ledger)
        summary = service.run_pair(pair, "test")
        state = State(db)
        try:
            errors = [(e.code, e.message) for e in state.errors.entries(pair, "open")]
        finally:
            state.close()
        assert summary.status == "ok" and errors == [], errors

        invoices = {i["invoice_number"]: i for i in ledger.records("invoices")
                    if i["vis_state"] == 0}
        assert set(invoices) == {str(i) for i in ids.values()}
        with httpx.Client(base_url=shop.base_url + "/api", auth=(shop.token, ""),
                          timeout=10) as api:
            for name, oid in ids.items():
                served = api.get(f"orders/{oid}", params={"output_format": "JSON"}).json()[
                    "order"]
                invoice = invoices[str(oid)]
                total = Decimal(served["total_paid_tax_incl"]).quantize(CENT)
                assert Decimal(invoice["amount"]["amount"]) == total, name
                assert invoice["payment_status"] == "paid", name
            served_slip = api.get(f"order_slip/{slip}", params={"output_format": "JSON"}
                                  ).json()["order_slip"]
        assert invoices[str(ids["month_end_late"])]["create_date"] == "2026-10-31"
        assert invoices[str(ids["foreign"])]["currency_code"] == "EUR"
        [credit] = [c for c in ledger.records("credit_notes") if c["vis_state"] == 0]
        assert Decimal(credit["amount"]["amount"]) == (
            Decimal(served_slip["amount"]) + Decimal(served_slip["shipping_cost_amount"]))
        assert service.run_pair(pair, "test").posted == 0
    finally:
        shop.stop()
        ledger.stop()
