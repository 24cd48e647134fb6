"""The QuickBooks Desktop demo books: a seeded company file with a simulated QuickBooks Web
Connector in front of it, which calls the app's Web Connector service on its schedule (every
minute), so the demo shows the whole flow with no QuickBooks installed.

It speaks the demo's ledger protocol (``ecom_ledger_desktop.demo``): ``for_demo``, ``start``,
``stop``, ``base_url``, ``clock``, ``faults``, ``seed_demo_books``, ``demo_connection``; and
``call_in()``: the Web Connector's "Update Selected" (one update now, returned when it ends).
Until the app's service listens, a scheduled update finds nobody and tries again a minute later.
"""

from __future__ import annotations

import secrets
import socket
import threading
from decimal import Decimal
from typing import Any, Self

from ecom_ledger_desktop.sandbox.qbwc import QuickBooksDesktop, SessionReport, WebConnectorSimulator
from ecom_ledger_desktop.sandbox.qbwc.schedule import WebConnectorSchedule
from ecom_ledger_desktop.sandbox.server import FaultPlan, SimClock

from .seed import seed_company, seed_inventory
from .simulator import QbdCompanySimulator
from .state import Company, ref

USERNAME = "demo-web-connector"
#: Sales Tax items the demo company adds to the seeded ones, for the demo stores' other rates
EXTRA_TAX_ITEMS = (("CA Sales Tax 7.25", "7.25"), ("NY Sales Tax 8", "8"),
                   ("WA Sales Tax", "10.1"), ("EU VAT", "19"))
#: the connection's Sales Tax item per store rate (the seeded items and the extra ones)
TAX_ITEMS = "; ".join(["8.25=CA Sales Tax", "8.875=NY Sales Tax", "6.25=TX Sales Tax",
                       *(f"{rate}={name}" for name, rate in EXTRA_TAX_ITEMS)])
#: what the demo stores' payments and refunds name that a fresh company lacks
EXTRA_PAYMENT_METHODS = ("Bank Transfer",)
EXTRA_CHARGE_ITEMS = (("Fees", "Sales"),)
EVERY_MINUTES = 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class QbdDemoBooks:
    """The company simulator and the Web Connector simulator that carries its requests."""

    def __init__(self, clock: SimClock | None = None, port: int | None = None) -> None:
        self.clock = clock or SimClock()
        self.faults = FaultPlan()
        self.port = port or _free_port()
        self.password = secrets.token_urlsafe(18)
        self.company = QbdCompanySimulator(seed_company(Company()))
        self.quickbooks = QuickBooksDesktop(process=self.company.process,
                                            on_session_end=self.company.end_session)
        self.web_connector = WebConnectorSimulator(self.base_url, USERNAME, self.password,
                                                   self.quickbooks, timeout=150.0)
        self.schedule = WebConnectorSchedule(self.web_connector, EVERY_MINUTES, self.clock)
        self.sessions: list[SessionReport] = []
        self._one_at_a_time = threading.Lock()  # one Web Connector: one update at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_demo(cls, *, client_id: str = "", client_secret: str = "", redirect_uri: str = "",
                 time_scale: float = 1.0, limits: bool = True) -> Self:
        """The demo's company (not started); the OAuth arguments do not apply to it."""
        del client_id, client_secret, redirect_uri, limits
        return cls(SimClock(scale=time_scale))

    @property
    def base_url(self) -> str:
        """The app's Web Connector service, where this Web Connector calls."""
        return f"http://127.0.0.1:{self.port}/qbwc"

    def seed_demo_books(self, catalog: list[dict[str, Any]]) -> None:
        """Inventory items for the store's products but the last one (a planted unknown
        product), and Jordan Rivera twice (seeded with the company: "Jordan Rivera 2")."""
        company = self.company.company
        company.multicurrency = True  # the demo stores sell in euros too
        seed_inventory(company, catalog[:-1] if len(catalog) > 1 else catalog)
        with company.lock:
            agency = company.named("Vendor", "State Board of Equalization")
            for name, rate in EXTRA_TAX_ITEMS:
                company.add("ItemSalesTax", {"Name": name, "IsActive": "true",
                                             "ItemDesc": f"{name} {rate}%", "TaxRate": Decimal(rate),
                                             "TaxVendorRef": ref(agency) if agency else None})
            for method in EXTRA_PAYMENT_METHODS:
                company.add("PaymentMethod", {"Name": method, "IsActive": "true"})
            for name, account in EXTRA_CHARGE_ITEMS:
                income = company.named("Account", account)
                company.add("ItemOtherCharge", {
                    "Name": name, "FullName": name, "IsActive": "true", "Sublevel": "0",
                    "SalesTaxCodeRef": {"FullName": "Non"},
                    "SalesOrPurchase": {"Desc": name, "AccountRef": ref(income) if income else None}})

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of the app's connection, named as the QuickBooks Desktop kind
        names them; the Web Connector password is this Web Connector's."""
        settings = {"port": str(self.port), "username": USERNAME,
                    "scheduler_minutes": str(EVERY_MINUTES), "tax_items": TAX_ITEMS}
        return settings, {"webconnector_password": self.password}

    def call_in(self) -> SessionReport:
        """One update now (the Web Connector's "Update Selected")."""
        with self._one_at_a_time:
            report = self.web_connector.run_session()
        self.sessions.append(report)
        return report

    def _tick(self) -> None:
        while not self._stop.is_set():
            with self._one_at_a_time:
                report = self.schedule.tick()
            if report is not None:
                self.sessions.append(report)
            self._stop.wait(1.0)

    def start(self) -> Self:
        """Start the Web Connector's schedule (its first update is due at once)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._tick, name="demo-web-connector",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the schedule and release the Web Connector's connections."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.web_connector.close()
