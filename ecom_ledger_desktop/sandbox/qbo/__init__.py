"""QuickBooks Online Accounting API v3 simulator (with Intuit OAuth 2.0) on loopback.

Follows ``shared/reference/quickbooks.md`` Part A, not any client. Public surface::

    from ecom_ledger_desktop.sandbox.qbo import QboSimulator
    with QboSimulator(company_profile="uk_vat") as sim:
        tokens = sim.issue_tokens()
        ...  # sim.base_url, sim.realm_id, sim.entities("Invoice"), sim.stats()
        sim.set_exchange_rate("EUR", "0.85", as_of=date(2026, 11, 1))
        sim.reports.tax_liability(date(2026, 11, 1), date(2026, 11, 30))  # {"HMRC": Decimal}
        sim.reports.account_balance("Gift Card Liability", as_of=None)     # Decimal
        sim.reports.open_receivables(as_of=date(2026, 11, 30))             # [OpenInvoice]
        sim.reports.profit_and_loss(start, end)                            # {account: Decimal}

What kind of company it is (constructor keywords):

- ``company_profile``: ``"us_no_ast"`` (default: US, manual sales tax, codes "CA Sales Tax" Id 2
  and "NY 8.875%" Id 3), ``"us_ast"`` (Automated Sales Tax), ``"us_no_tax"``, ``"uk_vat"`` (GB,
  GBP, VAT codes, HMRC), ``"ca_gst"`` (Canada, CAD, GST/HST) -- see :mod:`.profiles`;
- ``home_currency`` (the profile's by default), ``multicurrency`` (True),
  ``enabled_currencies``; ``honour_explicit_tax`` (True: an explicit ``TxnTaxDetail`` is kept by
  a US non-AST company and on non-US tax-exclusive forms; AST always keeps it).

Tax rules per company kind are in :mod:`.tax`, the ledger postings behind the reports in
:mod:`.ledger`. ``CompanyInfo``/``Preferences`` read as usual (``/companyinfo/{realm}``,
``/preferences``, ``select * from Preferences``); ``GET .../reports/TaxSummary`` (non-US) and
``.../reports/ProfitAndLoss`` answer in Intuit's report JSON. Test knobs over HTTP: :mod:`.control`.
"""

from __future__ import annotations

from .profiles import PROFILES, CompanyProfile
from .ratelimit import Limits
from .reports import OpenInvoice, Reports
from .simulator import QboSimulator

__all__ = ["PROFILES", "CompanyProfile", "Limits", "OpenInvoice", "QboSimulator", "Reports"]
