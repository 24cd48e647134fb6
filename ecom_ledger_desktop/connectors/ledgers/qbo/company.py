"""What a QuickBooks Online company is: its country, sales tax set-up and currencies.

Read from ``CompanyInfo`` (Country) and ``Preferences`` (``TaxPrefs.UsingSalesTax``,
``TaxPrefs.PartnerTaxEnabled`` = Automated Sales Tax, ``CurrencyPrefs.HomeCurrency`` /
``MultiCurrencyEnabled``) when a connection is first used or tested, and cached per connection:
how tax and currencies are posted depends on it (reference A2.3).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

#: CompanyInfo.Country is an ISO code in current companies; older ones may carry a name.
_COUNTRY_NAMES = {
    "USA": "US", "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US",
    "UK": "GB", "GBR": "GB", "UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB",
    "CAN": "CA", "CANADA": "CA", "AUS": "AU", "AUSTRALIA": "AU", "IND": "IN", "INDIA": "IN",
    "FRA": "FR", "FRANCE": "FR",
}


class CompanyReader(Protocol):
    """The two reads the facts come from (``QboClient`` implements them)."""

    def company_info(self) -> dict[str, Any]: ...

    def query_page(self, sql: str, start: int = 1, max_results: int = 1000
                   ) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class CompanyFacts:
    """The company's facts that decide how documents are posted."""

    name: str
    country: str  # ISO 3166 alpha-2 where known ("US", "GB", "CA", "AU"), else as given
    using_sales_tax: bool
    automated_sales_tax: bool  # US Automated Sales Tax (Preferences.TaxPrefs.PartnerTaxEnabled)
    home_currency: str
    multicurrency: bool
    taxable_code_id: str | None = None  # TaxPrefs.TaxableSalesTaxCodeRef (non-US default)
    non_taxable_code_id: str | None = None  # TaxPrefs.NonTaxableSalesTaxCodeRef

    @property
    def is_us(self) -> bool:
        """US companies tax with the ``TAX``/``NON`` pseudo-codes; others with real codes."""
        return self.country == "US"

    def describe(self) -> str:
        """In plain words: "US company, automated sales tax on, home currency USD, ..."."""
        where = f"{self.country} company" if self.country else "company (country not given)"
        if not self.using_sales_tax:
            tax = "sales tax off"
        elif self.is_us:
            tax = f"automated sales tax {'on' if self.automated_sales_tax else 'off'}"
        else:
            tax = "sales tax on (tax codes on every line)"
        currencies = "multicurrency on" if self.multicurrency else "multicurrency off"
        return f"{where}, {tax}, home currency {self.home_currency}, {currencies}"


def _country(value: Any) -> str:
    text = str(value or "").strip().upper()
    return _COUNTRY_NAMES.get(text, text)


def _ref(group: dict[str, Any], key: str) -> str | None:
    value = (group.get(key) or {}).get("value") if isinstance(group.get(key), dict) else None
    return str(value) if value not in (None, "") else None


def facts_from(info: dict[str, Any], prefs: dict[str, Any]) -> CompanyFacts:
    """The facts from a CompanyInfo and a Preferences entity."""
    tax = prefs.get("TaxPrefs") or {}
    currency = prefs.get("CurrencyPrefs") or {}
    country = _country(info.get("Country"))
    home = _ref(currency, "HomeCurrency") or ("USD" if country == "US" else "")
    return CompanyFacts(
        name=str(info.get("CompanyName") or info.get("LegalName") or ""),
        country=country,
        using_sales_tax=tax.get("UsingSalesTax") is True,
        automated_sales_tax=country == "US" and tax.get("PartnerTaxEnabled") is True,
        home_currency=home.upper() or "USD",
        multicurrency=currency.get("MultiCurrencyEnabled") is True,
        taxable_code_id=_ref(tax, "TaxableSalesTaxCodeRef"),
        non_taxable_code_id=_ref(tax, "NonTaxableSalesTaxCodeRef"))


def read_facts(client: CompanyReader) -> CompanyFacts:
    """Read CompanyInfo and Preferences (two GETs)."""
    info = client.company_info()
    rows = client.query_page("SELECT * FROM Preferences", 1, 1)
    return facts_from(info, rows[0] if rows else {})


class CompanyCache:
    """One connection's company facts: read on first use, again on ``refresh``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._facts: CompanyFacts | None = None

    def get(self, client: CompanyReader, *, refresh: bool = False) -> CompanyFacts:
        """The cached facts, read first when there are none (or ``refresh``)."""
        with self._lock:
            if self._facts is None or refresh:
                self._facts = read_facts(client)
            return self._facts

    def forget(self) -> None:
        """Read again on next use (the merchant changed the company's settings)."""
        with self._lock:
            self._facts = None
