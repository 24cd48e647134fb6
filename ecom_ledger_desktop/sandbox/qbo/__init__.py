"""QuickBooks Online Accounting API v3 simulator (with Intuit OAuth 2.0) on loopback.

Follows ``shared/reference/quickbooks.md`` Part A, not any client. Public surface::

    from ecom_ledger_desktop.sandbox.qbo import QboSimulator
    with QboSimulator() as sim:
        tokens = sim.issue_tokens()
        ...  # sim.base_url, sim.realm_id, sim.entities("Invoice"), sim.stats()
"""

from __future__ import annotations

from .ratelimit import Limits
from .simulator import QboSimulator

__all__ = ["Limits", "QboSimulator"]
