"""Month-end audit figures of summary posting, per company profile (US with and without
automated sales tax, UK VAT inclusive, Canada GST/HST): the same store orders posted per order
into one QuickBooks company and as daily summaries into another give the same tax liability and
the same income, month by month, read from each company's own reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db.state import State
from tests.sync.audit_orders import pay_later, place_orders
from tests.sync.test_month_end_audit import COMPANIES, Books, Company, open_books

MONTHS = [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 11, 1), date(2026, 11, 30)),
          (date(2026, 12, 1), date(2026, 12, 31))]


def _run(bench: Books, company: Company) -> None:
    ids = place_orders(bench.store, company.zone, company.currency, company.rates,
                       inclusive=company.inclusive, foreign=company.foreign,
                       shipping_with_coupon="0" if company.coupon else None)
    assert bench.service.run_pair(bench.pair_id, "test").status == "ok", bench.open_errors()
    pay_later(bench.store, company.zone, ids["po_paid_later"])
    assert bench.service.run_pair(bench.pair_id, "test").status == "ok", bench.open_errors()


def _figures(bench: Books) -> list[tuple[dict[str, Decimal], dict[str, Decimal]]]:
    reports = bench.ledger.reports
    return [(reports.tax_liability(first, last), reports.profit_and_loss(first, last))
            for first, last in MONTHS]


@pytest.mark.parametrize("profile", sorted(COMPANIES))
def test_daily_summaries_book_the_same_tax_and_income_as_per_order_posting(
        profile: str, tmp_path: Path) -> None:
    for folder in ("per_order", "summary"):
        (tmp_path / folder).mkdir()
    with open_books(profile, tmp_path / "per_order") as (per_order, company):
        _run(per_order, company)
        expected = _figures(per_order)
    with open_books(profile, tmp_path / "summary") as (summary, company):
        state = State(summary.db_path)
        try:
            pair = state.connections.pair(summary.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.save_rules(summary.pair_id,
                                             pair.rules.switch_mode("daily_summary", None).model_copy(
                                                 update={"unpaid_alert_days": 365}))
        finally:
            state.close()
        # every day of the audit is closed (the unpaid-order alert, which is not books, waits)
        summary.service.clock = ManualClock(datetime(2027, 1, 3, tzinfo=UTC))
        _run(summary, company)
        assert summary.open_errors() == []
        numbers = [str(d["DocNumber"]) for d in summary.ledger.entities("SalesReceipt")]
        assert numbers and all(n.startswith("S26") for n in numbers), numbers
        assert _figures(summary) == expected
