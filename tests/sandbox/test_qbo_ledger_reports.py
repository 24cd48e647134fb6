"""QBO simulator: multicurrency and the accountant's view of the books (``sim.reports`` and the
REST reports), from documents posted over loopback HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx

from tests.sandbox.qbo_books_support import (
    company,
    customer,
    dec,
    discount,
    fault,
    item,
    line,
    post,
)

NOV_1, NOV_30, DEC_1 = date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1)


# ------------------------------------------------------------------------ currencies
def test_foreign_invoice_rate_home_amounts_and_home_balance() -> None:
    with company("us_no_ast") as (sim, api):
        sim.set_exchange_rate("EUR", "1.10", as_of=NOV_1)
        euro = customer(api, "Client (EUR)", currency="EUR")
        by_date = post(api, "Invoice", {"CustomerRef": {"value": euro}, "TxnDate": "2026-11-30",
                                        "CurrencyRef": {"value": "EUR"},
                                        "Line": [line(item(sim, "Fees"), 100)]})
        assert dec(by_date["ExchangeRate"]) == Decimal("1.10")
        assert dec(by_date["HomeTotalAmt"]) == Decimal("110.00")
        given = post(api, "Invoice", {"CustomerRef": {"value": euro}, "TxnDate": "2026-11-30",
                                      "ExchangeRate": 1.0875,
                                      "Line": [line(item(sim, "Fees"), 100.01)]})
        assert given["CurrencyRef"]["value"] == "EUR"  # the customer's currency by default
        assert dec(given["HomeTotalAmt"]) == Decimal("108.76")  # 108.760875
        post(api, "Payment", {"CustomerRef": {"value": euro}, "TotalAmt": 50.01,
                              "TxnDate": "2026-12-02", "ExchangeRate": 1.2,
                              "Line": [{"Amount": 50.01, "LinkedTxn": [
                                  {"TxnId": given["Id"], "TxnType": "Invoice"}]}]})
        paid = api.get(f"/invoice/{given['Id']}").json()["Invoice"]
        assert dec(paid["Balance"]) == 50 and dec(paid["HomeBalance"]) == Decimal("54.38")
        # A/R was settled at the invoice's rate; the better rate on payment is an FX gain
        assert sim.reports.account_balance("Exchange Gain or Loss") == Decimal("-5.62")


def test_currency_must_match_the_customer_and_cannot_change() -> None:
    with company("us_no_ast") as (sim, api):
        usd = customer(api, "Dollar Buyer")
        mismatch = fault(api.post("/salesreceipt", json={
            "CustomerRef": {"value": usd}, "CurrencyRef": {"value": "EUR"},
            "Line": [line(item(sim, "Fees"), 10)]}))
        assert mismatch["code"] == "6000" and "must match" in mismatch["Detail"]
        record = api.get(f"/customer/{usd}").json()["Customer"]
        assert record["CurrencyRef"]["value"] == "USD"
        change = api.post("/customer", json={**record, "CurrencyRef": {"value": "EUR"}})
        assert fault(change)["code"] == "6000"


def test_multicurrency_off_refuses_foreign_currency() -> None:
    with company("uk_vat", multicurrency=False) as (sim, api):
        refused = api.post("/salesreceipt", json={"CurrencyRef": {"value": "EUR"},
                                                  "Line": [line(item(sim, "Fees"), 10, "6")]})
        assert "Multicurrency is not enabled" in fault(refused)["Detail"]
        pounds = post(api, "SalesReceipt", {"Line": [line(item(sim, "Fees"), 10, "6")]})
        assert pounds["CurrencyRef"]["value"] == "GBP" and "HomeTotalAmt" not in pounds


def test_home_currency_can_be_chosen() -> None:
    with company("uk_vat", home_currency="EUR") as (_sim, api):
        prefs = api.get("/preferences").json()["Preferences"]
        assert prefs["CurrencyPrefs"]["HomeCurrency"]["value"] == "EUR"


# ------------------------------------------------------------------- ledger figures
def test_tax_liability_per_period_sales_minus_refunds_voids_excluded() -> None:
    with company("us_no_ast") as (sim, api):
        widget, bank = item(sim, "WID-A"), "1"
        tax = {"TxnTaxCodeRef": {"value": "2"}}
        post(api, "SalesReceipt", {"TxnDate": "2026-11-30", "TxnTaxDetail": tax,
                                   "Line": [line(widget, 100, "TAX")]})
        post(api, "SalesReceipt", {"TxnDate": "2026-12-01", "TxnTaxDetail": tax,
                                   "Line": [line(widget, 200, "TAX")]})
        voided = post(api, "SalesReceipt", {"TxnDate": "2026-11-15", "TxnTaxDetail": tax,
                                            "Line": [line(widget, 1000, "TAX")]})
        assert api.post("/salesreceipt", params={"operation": "update", "include": "void"},
                        json={"Id": voided["Id"], "SyncToken": voided["SyncToken"],
                              "sparse": True}).status_code == 200
        post(api, "RefundReceipt", {"TxnDate": "2026-11-20", "TxnTaxDetail": tax,
                                    "CustomerRef": {"value": customer(api, "Returner")},
                                    "DepositToAccountRef": {"value": bank},
                                    "Line": [line(widget, 40, "TAX")]})
        post(api, "SalesReceipt", {"TxnDate": "2026-11-10",  # tax as an item: not sales tax
                                   "Line": [line(widget, 50), line(item(sim, "Sales Tax"), 4)]})
        november = sim.reports.tax_liability(NOV_1, NOV_30)
        assert november == {"California Department of Tax and Fee Administration":
                            Decimal("4.95")}  # 8.25 - 3.30
        assert sum(sim.reports.tax_liability(DEC_1, DEC_1).values()) == Decimal("16.50")
        assert sim.reports.tax_liability(NOV_1, NOV_30, by="rate") == {
            "California": Decimal("4.95")}
        # the tax account holds both, the item line too: what an accountant objects to
        assert sim.reports.account_balance("Sales Tax Payable") == Decimal("25.45")
        assert sim.reports.account_balance("Sales Tax Payable", as_of=NOV_30) == Decimal("8.95")


def test_gift_card_liability_nets_to_zero_across_sale_and_redemption() -> None:
    with company("us_no_ast") as (sim, api):
        card, widget = item(sim, "Gift Card"), item(sim, "WID-A")
        post(api, "SalesReceipt", {"TxnDate": "2026-11-02", "Line": [line(card, 50)]})
        assert sim.reports.account_balance("Gift Card Liability") == 50
        post(api, "SalesReceipt", {"TxnDate": "2026-11-03",
                                   "Line": [line(widget, 80), line(card, -50)]})
        assert sim.reports.account_balance("Gift Card Liability") == 0
        assert sim.reports.account_balance("Sales of Product Income") == 80
        assert sim.reports.account_balance("Undeposited Funds") == 80
        store_credit = item(sim, "Store Credit")
        post(api, "SalesReceipt", {"Line": [line(widget, 30), line(store_credit, -10)]})
        assert sim.reports.account_balance("Store Credit Liability") == -10


def test_discounts_refunds_payments_and_open_receivables() -> None:
    with company("us_no_ast") as (sim, api):
        widget, buyer = item(sim, "WID-A"), customer(api, "Check Payer")
        invoice = post(api, "Invoice", {"CustomerRef": {"value": buyer}, "TxnDate": "2026-11-05",
                                        "Line": [line(widget, 100), discount(10)]})
        assert sim.reports.account_balance("Discounts given") == -10  # contra-income
        assert sim.reports.account_balance("Accounts Receivable (A/R)") == 90
        [open_one] = sim.reports.open_receivables(as_of=NOV_30)
        assert (open_one.id, open_one.balance, open_one.txn_date) == (
            invoice["Id"], Decimal(90), date(2026, 11, 5))
        post(api, "Payment", {"CustomerRef": {"value": buyer}, "TotalAmt": 90,
                              "TxnDate": "2026-12-03", "PaymentRefNum": "TXN-1",
                              "Line": [{"Amount": 90, "LinkedTxn": [
                                  {"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
        assert sim.reports.open_receivables(as_of=NOV_30)[0].balance == 90  # paid later
        assert sim.reports.open_receivables() == []
        assert sim.reports.account_balance("Accounts Receivable (A/R)") == 0
        assert sim.reports.account_balance("Undeposited Funds") == 90
        post(api, "RefundReceipt", {"CustomerRef": {"value": buyer}, "TxnDate": "2026-12-04",
                                    "DepositToAccountRef": {"value": "1"},
                                    "Line": [line(widget, 30), line(item(sim, "Refund Fees"),
                                                                    -5)]})
        assert sim.reports.account_balance("Checking") == -25
        assert sim.reports.account_balance("Refund Fees") == 5  # the fee kept is income
        pnl = sim.reports.profit_and_loss(NOV_1, date(2026, 12, 31))
        assert pnl["Sales of Product Income"] == 70 and pnl["Net Income"] == 65


def test_uk_tax_summary_report_in_intuit_shape() -> None:
    with company("uk_vat") as (sim, api):
        post(api, "SalesReceipt", {"TxnDate": "2026-11-10", "GlobalTaxCalculation":
                                   "TaxInclusive", "Line": [line(item(sim, "WID-A"), 120, "6"),
                                                            line(item(sim, "Fees"), 21, "7")]})
        assert sim.reports.tax_liability(NOV_1, NOV_30) == {"HMRC": Decimal("21.00")}
        assert sim.reports.account_balance("VAT Control") == 21
        hmrc = next(a["Id"] for a in sim.entities("TaxAgency"))
        report = api.get("/reports/TaxSummary", params={
            "agency_id": hmrc, "start_date": "2026-11-01", "end_date": "2026-11-30"}).json()
        assert report["Header"]["ReportName"] == "TaxSummary"
        assert report["Header"]["Currency"] == "GBP"
        assert [c["ColType"] for c in report["Columns"]["Column"]] == ["String", "Money"]
        total = report["Rows"]["Row"][-1]["Summary"]["ColData"][1]["value"]
        assert total == "21.00"
        missing = api.get("/reports/TaxSummary")
        assert fault(missing)["code"] == "2020"


def test_us_company_has_no_tax_summary_but_has_profit_and_loss() -> None:
    with company("us_no_ast") as (sim, api):
        assert api.get("/reports/TaxSummary", params={"agency_id": "1"}).status_code == 400
        post(api, "SalesReceipt", {"TxnDate": "2026-11-10",
                                   "Line": [line(item(sim, "Fees"), 75)]})
        report = api.get("/reports/ProfitAndLoss", params={
            "start_date": "2026-11-01", "end_date": "2026-11-30"}).json()
        income = next(r for r in report["Rows"]["Row"] if r.get("group") == "Income")
        assert income["Summary"]["ColData"][1]["value"] == "75.00"
        assert report["Rows"]["Row"][-1]["Summary"]["ColData"][1]["value"] == "75.00"


def test_control_api_serves_rates_and_ledger_figures() -> None:
    with company("uk_vat") as (sim, api), httpx.Client(base_url=sim.base_url) as control:
        assert control.post("/__sim__/exchange_rate", json={
            "currency": "EUR", "rate": "0.8", "as_of": "2026-11-01"}).status_code == 200
        euro = customer(api, "Kaffee GmbH", currency="EUR")
        post(api, "Invoice", {"CustomerRef": {"value": euro}, "TxnDate": "2026-11-20",
                              "Line": [line(item(sim, "Fees"), 100, "6")]})
        figures = control.get("/__sim__/ledger/tax_liability",
                              params={"start": "2026-11-01", "end": "2026-11-30"}).json()
        assert figures == {"HMRC": "16.00"}  # 20.00 EUR at 0.8
        opened = control.get("/__sim__/ledger/open_receivables").json()
        assert [(o["balance"], o["home_balance"], o["currency"]) for o in opened] == [
            ("120.00", "96.00", "EUR")]
        balance = control.get("/__sim__/ledger/account_balance",
                              params={"account": "Accounts Receivable (A/R)"}).json()
        assert balance == {"balance": "96.00"}
