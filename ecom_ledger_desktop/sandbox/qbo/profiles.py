"""Company profiles: what kind of QuickBooks company the simulator is (country, home currency,
sales tax set-up), chosen with ``QboSimulator(company_profile=...)``.

A profile seeds ``CompanyInfo``, ``Preferences.TaxPrefs``/``CurrencyPrefs``, the tax agencies,
rates and codes, and names the liability account tax is posted to (reference A2.3, A2.5):

- ``us_no_ast`` (default, today's seed): US, manual sales tax; codes "CA Sales Tax" (Id 2,
  8.25 %) and "NY 8.875%" (Id 3: 4 % state + 4.5 % city + 0.375 % MCTD).
- ``us_ast``: US with Automated Sales Tax (``PartnerTaxEnabled``). The engine ignores the supplied
  ``TxnTaxCodeRef`` and picks a code from the ship-to state (then bill-to, then the company's
  own state) using :data:`AST_STATE_CODES`; a state without nexus gets "Out of state" (0 %).
- ``us_no_tax``: US with sales tax off; ``TxnTaxDetail`` is ignored.
- ``uk_vat``: GB, home currency GBP, VAT codes 20.0% S, 5.0% R, 0.0% Z, Exempt, No VAT; agency
  HMRC.
- ``ca_gst``: Canada, CAD, codes GST 5 %, HST ON 13 %, Zero-rated, Exempt; agency CRA.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

US_PSEUDO_CODES = ("TAX", "NON")


@dataclass(frozen=True)
class RateSpec:
    """A TaxRate: display name, percent and the agency (by name) it is paid to."""

    name: str
    percent: Decimal
    agency: str


@dataclass(frozen=True)
class CodeSpec:
    """A TaxCode (sales side): Id, name, the rates it combines, and whether it is taxable."""

    id: str
    name: str
    rates: tuple[str, ...]
    taxable: bool = True


@dataclass(frozen=True)
class CompanyProfile:
    """Everything that differs between the kinds of company the simulator can be."""

    key: str
    country: str
    home_currency: str
    company_name: str
    address: dict[str, str]
    time_zone: str
    using_sales_tax: bool
    automated_sales_tax: bool
    tax_account: str
    tax_word: str = "sales tax"
    agencies: tuple[str, ...] = ()
    rates: tuple[RateSpec, ...] = ()
    codes: tuple[CodeSpec, ...] = ()
    default_code: str | None = None

    @property
    def is_us(self) -> bool:
        """US companies use TAX/NON on lines; others need a real TaxCode on every line."""
        return self.country == "US"


CDTFA = "California Department of Tax and Fee Administration"
NYS = "New York State Department of Taxation and Finance"
TXC = "Texas Comptroller of Public Accounts"
_US_ADDRESS = {"Line1": "123 Sierra Way", "City": "San Pablo", "CountrySubDivisionCode": "CA",
               "PostalCode": "87999", "Country": "US"}
_US_RATES = (
    RateSpec("California", Decimal("8.25"), CDTFA),
    RateSpec("NY State", Decimal("4"), NYS),
    RateSpec("New York City", Decimal("4.5"), NYS),
    RateSpec("NY MCTD", Decimal("0.375"), NYS),
)
_US_CODES = (
    CodeSpec("2", "CA Sales Tax", ("California",)),
    CodeSpec("3", "NY 8.875%", ("NY State", "New York City", "NY MCTD")),
)

#: Automated Sales Tax: the code the engine assigns per ship-to state (fixed rates, by design).
AST_STATE_CODES = {"CA": "2", "NY": "3", "TX": "4"}
AST_OUT_OF_STATE = "5"

PROFILES: dict[str, CompanyProfile] = {
    "us_no_ast": CompanyProfile(
        key="us_no_ast", country="US", home_currency="USD", company_name="Sandbox Company US",
        address=_US_ADDRESS, time_zone="America/Los_Angeles", using_sales_tax=True,
        automated_sales_tax=False, tax_account="Sales Tax Payable",
        agencies=(CDTFA, NYS), rates=_US_RATES, codes=_US_CODES, default_code="2"),
    "us_ast": CompanyProfile(
        key="us_ast", country="US", home_currency="USD", company_name="Sandbox Company US",
        address=_US_ADDRESS, time_zone="America/Los_Angeles", using_sales_tax=True,
        automated_sales_tax=True, tax_account="Sales Tax Payable",
        agencies=(CDTFA, NYS, TXC),
        rates=(*_US_RATES, RateSpec("Texas State", Decimal("6.25"), TXC),
               RateSpec("Austin City", Decimal("2"), TXC),
               RateSpec("Out of state", Decimal("0"), CDTFA)),
        codes=(*_US_CODES, CodeSpec("4", "TX 8.25%", ("Texas State", "Austin City")),
               CodeSpec(AST_OUT_OF_STATE, "Out of state", ("Out of state",))),
        default_code="2"),
    "us_no_tax": CompanyProfile(
        key="us_no_tax", country="US", home_currency="USD", company_name="Sandbox Company US",
        address=_US_ADDRESS, time_zone="America/Los_Angeles", using_sales_tax=False,
        automated_sales_tax=False, tax_account="Sales Tax Payable"),
    "uk_vat": CompanyProfile(
        key="uk_vat", country="GB", home_currency="GBP", company_name="Sandbox Company UK",
        address={"Line1": "10 Downing Lane", "City": "London", "PostalCode": "SW1A 2AA",
                 "Country": "GB"},
        time_zone="Europe/London", using_sales_tax=True, automated_sales_tax=False,
        tax_account="VAT Control", tax_word="VAT", agencies=("HMRC",),
        rates=(RateSpec("20.0% S", Decimal("20"), "HMRC"),
               RateSpec("5.0% R", Decimal("5"), "HMRC"),
               RateSpec("0.0% Z", Decimal("0"), "HMRC"),
               RateSpec("Exempt", Decimal("0"), "HMRC"),
               RateSpec("No VAT", Decimal("0"), "HMRC")),
        codes=(CodeSpec("6", "20.0% S", ("20.0% S",)), CodeSpec("7", "5.0% R", ("5.0% R",)),
               CodeSpec("8", "0.0% Z", ("0.0% Z",)), CodeSpec("9", "Exempt", ("Exempt",), False),
               CodeSpec("10", "No VAT", ("No VAT",), False))),
    "ca_gst": CompanyProfile(
        key="ca_gst", country="CA", home_currency="CAD", company_name="Sandbox Company CA",
        address={"Line1": "317 Pearce St.", "City": "Toronto", "CountrySubDivisionCode": "ON",
                 "PostalCode": "M3E 3E4", "Country": "CA"},
        time_zone="America/Toronto", using_sales_tax=True, automated_sales_tax=False,
        tax_account="GST/HST Payable", tax_word="GST/HST",
        agencies=("Canada Revenue Agency",),
        rates=(RateSpec("GST", Decimal("5"), "Canada Revenue Agency"),
               RateSpec("HST ON", Decimal("13"), "Canada Revenue Agency"),
               RateSpec("Zero-rated", Decimal("0"), "Canada Revenue Agency"),
               RateSpec("Exempt", Decimal("0"), "Canada Revenue Agency")),
        codes=(CodeSpec("4", "GST", ("GST",)), CodeSpec("5", "HST ON", ("HST ON",)),
               CodeSpec("6", "Zero-rated", ("Zero-rated",)),
               CodeSpec("7", "Exempt", ("Exempt",), False))),
}
DEFAULT_PROFILE = "us_no_ast"


def profile(key: str) -> CompanyProfile:
    """A profile by key (ValueError naming the known ones otherwise)."""
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"unknown company_profile {key!r}; use one of "
                         f"{', '.join(sorted(PROFILES))}") from None
