"""What the QuickBooks Desktop company is: ``PreferencesQuery`` read into the facts documents
need (multicurrency and the home currency, sales tax on or off and its default items, whether
the app may read personal data). The Web Connector also hands the same ``PreferencesRet`` over
in ``strHCPResponse`` on the first ``sendRequestXML`` of a session."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import CURRENCY_NAMES
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, request

_ISO_OF_NAME = {name.casefold(): code for code, name in CURRENCY_NAMES.items()}


@dataclass(frozen=True)
class _PreferencesQuery:
    include_ret_element: list[str]


@dataclass(frozen=True)
class CompanyFacts:
    """The preferences a posting depends on."""

    multicurrency: bool = False
    home_currency: str = "USD"  # ISO code when QuickBooks' currency name is a known one
    sales_tax: bool = False  # the company uses sales tax
    default_tax_item: str = ""  # the form's sales tax item QuickBooks uses when none is named
    taxable_code: str = "Tax"
    non_taxable_code: str = "Non"
    personal_data_allowed: bool = True


def preferences_query(request_id: str) -> Request:
    """``PreferencesQueryRq`` (no filters: one ``PreferencesRet``)."""
    return request("PreferencesQueryRq", request_id, _PreferencesQuery([]))


def company_facts(preferences: ET.Element) -> CompanyFacts:
    """The facts in a ``PreferencesRet``."""
    def text(path: str) -> str:
        return (preferences.findtext(path) or "").strip()

    home = text("MultiCurrencyPreferences/HomeCurrencyRef/FullName")
    sales_tax = preferences.find("SalesTaxPreferences") is not None
    return CompanyFacts(
        multicurrency=text("MultiCurrencyPreferences/IsMultiCurrencyOn") == "true",
        home_currency=_ISO_OF_NAME.get(home.casefold(), home or "USD") if home else "USD",
        sales_tax=sales_tax,
        default_tax_item=text("SalesTaxPreferences/DefaultItemSalesTaxRef/FullName"),
        taxable_code=text("SalesTaxPreferences/DefaultTaxableSalesTaxCodeRef/FullName") or "Tax",
        non_taxable_code=text("SalesTaxPreferences/DefaultNonTaxableSalesTaxCodeRef/FullName")
        or "Non",
        personal_data_allowed=text("CurrentAppAccessRights/IsPersonalDataAccessAllowed")
        != "false")
