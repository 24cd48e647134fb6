""""Test connection" for Magento: two one-item searches turned into plain-words lines, plus the
store's time zone (it dates the books; ``context.py``).

A 401 on both searches means the token itself is refused; a 401 on only one means the token
works but the integration lacks that ACL resource. Any HTTP answer at all means the shop was
reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.stores.magento2.errors import (
    BEARER_HINT,
    AuthRefusedError,
    NotFoundError,
)
from ecom_ledger_desktop.core.errors import RecordError, RetriableError, SyncError

NOT_TRIED = "Not tried: the shop could not be reached."


@dataclass
class Outcome:
    """What one probe got: a body, or the error it raised."""

    body: Any = None
    error: SyncError | None = None

    @property
    def reached(self) -> bool:
        """Whether the shop answered over HTTP at all (anything but a connection failure)."""
        error = self.error
        return not isinstance(error, RetriableError) or "HTTP " in str(error)

    @property
    def refused_token(self) -> bool:
        """Whether Magento answered 401/403."""
        return isinstance(self.error, AuthRefusedError)


def attempt(call: Callable[[], Any]) -> Outcome:
    """Run one probe, keeping the error instead of raising it."""
    try:
        return Outcome(body=call())
    except SyncError as error:
        return Outcome(error=error)


def _total(body: Any) -> str:
    total = body.get("total_count") if isinstance(body, dict) else None
    return f"{total} found" if isinstance(total, int) else "answered"


def _why(outcome: Outcome, what: str, acl: str) -> str:
    error = outcome.error
    if outcome.refused_token:
        return (f"Magento does not let this integration read {what}. Give it access to {acl} "
                "(System > Extensions > Integrations > edit > API), then reactivate it.")
    if isinstance(error, NotFoundError):
        return ("The address answered but has no Magento REST API there "
                f"({error.problem.message}). Check the shop address and store code.")
    if isinstance(error, RecordError):
        return error.problem.message
    return str(error)


def report(base_url: str, orders: Outcome, products: Outcome) -> list[CheckResult]:
    """The four lines: reached, token, orders, products."""
    if not orders.reached and not products.reached:
        reason = str(orders.error or products.error)
        return [
            CheckResult("Reached the shop", False,
                        f"Could not reach {base_url}: {reason}. Check the address and that the "
                        "shop is online."),
            CheckResult("Token accepted", False, NOT_TRIED),
            CheckResult("Can read orders", False, NOT_TRIED),
            CheckResult("Can read products", False, NOT_TRIED),
        ]
    lines = [CheckResult("Reached the shop", True, base_url)]
    if orders.refused_token and products.refused_token:
        lines.append(CheckResult("Token accepted", False, str(orders.error)))
        lines.append(CheckResult("Can read orders", False, "Not tried: the token was refused."))
        lines.append(CheckResult("Can read products", False, "Not tried: the token was refused."))
        return lines
    if orders.error is None or products.error is None:
        lines.append(CheckResult("Token accepted", True, "Magento accepted the integration token."))
    elif orders.refused_token or products.refused_token:
        lines.append(CheckResult("Token accepted", False,
                                 f"Could not confirm the token: {orders.error}. {BEARER_HINT}."))
    else:
        lines.append(CheckResult("Token accepted", False,
                                 f"Could not confirm the token: the shop answered with errors "
                                 f"({orders.error})."))
    probes = (
        ("Can read orders", orders, "orders", "Sales > Orders (Magento_Sales::sales)"),
        ("Can read products", products, "products",
         "Catalog > Products (Magento_Catalog::products)"),
    )
    for label, outcome, what, acl in probes:
        if outcome.error is None:
            lines.append(CheckResult(label, True, _total(outcome.body)))
        else:
            lines.append(CheckResult(label, False, _why(outcome, what, acl)))
    return lines


def zone_line(override: str | None, configs: Outcome | None, reached: bool) -> CheckResult:
    """The "Store time zone" line: the connection's setting, or what ``storeConfigs`` says."""
    label = "Store time zone"
    if override:
        return CheckResult(label, True, f"{override} (set on the connection)")
    if configs is None or not reached:
        return CheckResult(label, False, NOT_TRIED)
    if configs.error is not None:
        return CheckResult(label, False, _why(configs, "the store configuration",
                                              "Stores > Settings (Magento_Backend::store)")
                           + " Or set the time zone on the connection.")
    body = configs.body if isinstance(configs.body, list) else []
    zones = sorted({c["timezone"] for c in body
                    if isinstance(c, dict) and isinstance(c.get("timezone"), str)})
    if not zones:
        return CheckResult(label, False, "Magento's store configuration names no time zone; "
                                         "set it on the connection.")
    return CheckResult(label, True, f"{', '.join(zones)} (the store's setting)")
