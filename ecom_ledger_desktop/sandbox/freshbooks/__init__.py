"""FreshBooks (OAuth 2.0 accounting API) simulator on loopback.

Follows ``shared/reference/stores_freshbooks.md`` parts D and G4, not any client. Public surface::

    from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
    with FreshBooksSimulator(account_id="ACM123") as sim:
        tokens = sim.issue_tokens()                  # refresh token for a connection
        sim.add("taxes", {"name": "Sales tax", "amount": "8.25"})
        ...                                          # sim.base_url, sim.records("invoices")
        sim.reports.tax_collected(start, end)        # {"Sales tax": Decimal}
        sim.reports.open_receivables(as_of)          # [OpenInvoice]
        sim.drop_next_writes_after_apply(1); sim.throttle_next(2)

``grpc_errors=True`` answers errors in the Google-RPC shape instead of the legacy one;
``retry_after_header`` adds ``Retry-After`` to 429s. Control API over HTTP: :mod:`.control`.
"""

from __future__ import annotations

from .reports import OpenInvoice, Reports
from .simulator import DEFAULT_ACCOUNT, FreshBooksSimulator

__all__ = ["DEFAULT_ACCOUNT", "FreshBooksSimulator", "OpenInvoice", "Reports"]
