"""QBO simulator: what kind of company it is, and the tax rules that follow, over loopback HTTP.

Each test posts raw JSON as real QuickBooks expects it and checks what a merchant or an
accountant would see in the answer (reference quickbooks.md A2.3).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

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


# ------------------------------------------------------------------- company profiles
@pytest.mark.parametrize(("profile", "country", "home", "using", "ast"), [
    ("us_no_ast", "US", "USD", True, False),
    ("us_ast", "US", "USD", True, True),
    ("us_no_tax", "US", "USD", False, False),
    ("uk_vat", "GB", "GBP", True, False),
    ("ca_gst", "CA", "CAD", True, False),
])
def test_profile_is_readable_like_a_real_company(profile: str, country: str, home: str,
                                                 using: bool, ast: bool) -> None:
    with company(profile) as (sim, api):
        info = api.get(f"/companyinfo/{sim.realm_id}").json()["CompanyInfo"]
        assert info["Country"] == country
        assert info["LegalAddr"]["Line1"] and info["CompanyName"]
        prefs = api.get("/preferences").json()["Preferences"]
        assert prefs["TaxPrefs"]["UsingSalesTax"] is using
        assert prefs["TaxPrefs"]["PartnerTaxEnabled"] is ast
        assert prefs["CurrencyPrefs"]["HomeCurrency"]["value"] == home
        queried = api.get("/query", params={"query": "select * from Preferences"}).json()
        assert queried["QueryResponse"]["Preferences"][0]["CurrencyPrefs"] == \
            prefs["CurrencyPrefs"]


def test_uk_company_lists_vat_codes_rates_and_hmrc() -> None:
    with company("uk_vat", multicurrency=False) as (_sim, api):
        codes = api.get("/query", params={"query": "select * from TaxCode"}).json()
        names = {c["Name"] for c in codes["QueryResponse"]["TaxCode"]}
        assert {"20.0% S", "5.0% R", "0.0% Z", "Exempt"} <= names
        assert not names & {"TAX", "NON"}
        agency = api.get("/query", params={"query": "select * from TaxAgency"}).json()
        assert [a["DisplayName"] for a in agency["QueryResponse"]["TaxAgency"]] == ["HMRC"]
        rates = api.get("/query", params={"query": "select * from TaxRate"}).json()
        standard = next(r for r in rates["QueryResponse"]["TaxRate"] if r["Name"] == "20.0% S")
        assert standard["RateValue"] == 20 and standard["AgencyRef"]["name"] == "HMRC"
        accounts = api.get("/query", params={"query": "select * from Account"}).json()
        assert "VAT Control" in {a["Name"] for a in accounts["QueryResponse"]["Account"]}
        prefs = api.get("/preferences").json()["Preferences"]
        assert prefs["CurrencyPrefs"]["MultiCurrencyEnabled"] is False


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="uk_vat"):
        company("mars").__enter__()


# -------------------------------------------------------------------- US, manual tax
def test_us_tax_before_discount_unless_apply_tax_after_discount() -> None:
    with company("us_no_ast") as (sim, api):
        widget = item(sim, "WID-A")
        body = {"Line": [line(widget, 100, "TAX", qty=1), discount(percent=10)],
                "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}}}
        before = post(api, "SalesReceipt", body)
        assert before["ApplyTaxAfterDiscount"] is False
        assert dec(before["TxnTaxDetail"]["TotalTax"]) == Decimal("8.25")  # on 100, not 90
        assert dec(before["TotalAmt"]) == Decimal("98.25")
        after = post(api, "SalesReceipt", {**body, "ApplyTaxAfterDiscount": True})
        assert dec(after["TxnTaxDetail"]["TotalTax"]) == Decimal("7.43")  # 90 x 8.25% = 7.425
        assert dec(after["TotalAmt"]) == Decimal("97.43")
        assert after["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["NetAmountTaxable"] == 90


def test_us_combined_code_gives_a_tax_line_per_rate() -> None:
    with company("us_no_ast") as (sim, api):
        receipt = post(api, "SalesReceipt", {
            "Line": [line(item(sim, "WID-A"), 200, "TAX"), line(item(sim, "Shipping"), 10)],
            "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "3"}}})
        taxes = [dec(t["Amount"]) for t in receipt["TxnTaxDetail"]["TaxLine"]]
        assert taxes == [Decimal("8.00"), Decimal("9.00"), Decimal("0.75")]  # NY 8.875 %
        assert dec(receipt["TotalAmt"]) == Decimal("227.75")  # shipping line is NON


def test_us_explicit_total_tax_is_honoured_and_the_switch_turns_it_off() -> None:
    body_tax = {"TxnTaxCodeRef": {"value": "2"}, "TotalTax": 7.43}
    with company("us_no_ast") as (sim, api):
        receipt = post(api, "SalesReceipt", {"Line": [line(item(sim, "WID-A"), 100, "TAX")],
                                             "TxnTaxDetail": body_tax})
        assert dec(receipt["TxnTaxDetail"]["TotalTax"]) == Decimal("7.43")
        assert dec(receipt["TotalAmt"]) == Decimal("107.43")
    with company("us_no_ast", honour_explicit_tax=False) as (sim, api):
        receipt = post(api, "SalesReceipt", {"Line": [line(item(sim, "WID-A"), 100, "TAX")],
                                             "TxnTaxDetail": body_tax})
        assert dec(receipt["TxnTaxDetail"]["TotalTax"]) == Decimal("8.25")


def test_us_line_codes_must_be_tax_or_non() -> None:
    with company("us_no_ast") as (sim, api):
        wrong = api.post("/salesreceipt", json={"Line": [line(item(sim, "WID-A"), 10, "6")]})
        assert fault(wrong)["code"] == "2500"


def test_sales_tax_off_ignores_tax_detail() -> None:
    with company("us_no_tax") as (sim, api):
        receipt = post(api, "SalesReceipt", {
            "Line": [line(item(sim, "WID-A"), 100, "TAX")],
            "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}, "TotalTax": 8.25}})
        assert receipt["TxnTaxDetail"] == {"TotalTax": 0}
        assert dec(receipt["TotalAmt"]) == 100


# ------------------------------------------------------------------------ US, AST
def test_ast_replaces_the_code_and_honours_an_explicit_amount() -> None:
    with company("us_ast") as (sim, api):
        ny = customer(api, "NY Buyer", state="NY")
        invoice = post(api, "Invoice", {
            "CustomerRef": {"value": ny}, "Line": [line(item(sim, "WID-A"), 100, "TAX")],
            "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}, "TotalTax": 8.88}})
        detail = invoice["TxnTaxDetail"]
        assert detail["TxnTaxCodeRef"]["value"] == "3"  # NY, not the CA code sent
        assert [dec(t["Amount"]) for t in detail["TaxLine"]] == [
            Decimal("4.00"), Decimal("4.50"), Decimal("0.38")]  # 8.88 prorated 4 : 4.5 : .375
        assert dec(invoice["TotalAmt"]) == Decimal("108.88")
        computed = post(api, "Invoice", {"CustomerRef": {"value": ny},
                                         "Line": [line(item(sim, "WID-A"), 100, "TAX")]})
        assert dec(computed["TxnTaxDetail"]["TotalTax"]) == Decimal("8.88")  # 8.875 -> 8.88


def test_ast_ship_to_address_on_the_form_wins_and_no_nexus_is_zero() -> None:
    with company("us_ast") as (sim, api):
        ny = customer(api, "NY Buyer", state="NY")
        shipped = post(api, "SalesReceipt", {
            "CustomerRef": {"value": ny}, "Line": [line(item(sim, "WID-A"), 100, "TAX")],
            "ShipAddr": {"Line1": "9 Elm", "City": "Miami", "CountrySubDivisionCode": "FL"}})
        assert shipped["TxnTaxDetail"]["TxnTaxCodeRef"]["value"] == "5"  # Out of state
        assert dec(shipped["TxnTaxDetail"]["TotalTax"]) == 0


# ---------------------------------------------------------------------- UK, VAT
def test_uk_lines_need_a_real_vat_code() -> None:
    with company("uk_vat") as (sim, api):
        widget = item(sim, "WID-A")
        for bad in (line(widget, 10, "TAX"), line(widget, 10)):
            error = fault(api.post("/salesreceipt", json={"Line": [bad]}))
            assert error["code"] == "6000"
            assert error["Detail"] == ("Business Validation Error: Make sure all your "
                                       "transactions have a VAT rate before you save.")
        unknown = api.post("/salesreceipt", json={"Line": [line(widget, 10, "99")]})
        assert fault(unknown)["code"] == "2500"


def test_uk_tax_excluded_per_rate_with_discount_reducing_the_base() -> None:
    with company("uk_vat") as (sim, api):
        receipt = post(api, "SalesReceipt", {
            "Line": [line(item(sim, "WID-A"), 100, "6"), line(item(sim, "Fees"), 50, "7"),
                     line(item(sim, "Shipping"), 10, "8"), discount(16)]})
        assert receipt["GlobalTaxCalculation"] == "TaxExcluded"
        assert "ApplyTaxAfterDiscount" not in receipt
        by_rate = {t["TaxLineDetail"]["TaxPercent"]: (dec(t["TaxLineDetail"]["NetAmountTaxable"]),
                                                      dec(t["Amount"]))
                   for t in receipt["TxnTaxDetail"]["TaxLine"]}
        # the 16.00 discount is spread 10 : 5 : 1 over the three codes
        assert by_rate[20] == (Decimal("90.00"), Decimal("18.00"))
        assert by_rate[5] == (Decimal("45.00"), Decimal("2.25"))
        assert by_rate[0] == (Decimal("9.00"), Decimal("0.00"))
        assert dec(receipt["TotalAmt"]) == Decimal("164.25")


def test_uk_tax_inclusive_derives_net_and_tax_per_line() -> None:
    with company("uk_vat") as (sim, api):
        receipt = post(api, "SalesReceipt", {
            "GlobalTaxCalculation": "TaxInclusive",
            "Line": [line(item(sim, "WID-A"), 450, "6", qty=450)]})
        first = receipt["Line"][0]
        assert dec(first["Amount"]) == Decimal("375.00")
        assert dec(first["SalesItemLineDetail"]["TaxInclusiveAmt"]) == 450
        assert dec(receipt["TxnTaxDetail"]["TotalTax"]) == Decimal("75.00")
        assert dec(receipt["TotalAmt"]) == 450
        odd = post(api, "SalesReceipt", {"GlobalTaxCalculation": "TaxInclusive",
                                         "Line": [line(item(sim, "WID-A"), 9.99, "6")]})
        assert dec(odd["Line"][0]["Amount"]) == Decimal("8.33")  # 9.99 / 1.2 = 8.325
        assert dec(odd["TxnTaxDetail"]["TotalTax"]) == Decimal("1.66")
        assert dec(odd["TotalAmt"]) == Decimal("9.99")


def test_uk_tax_inclusive_discount_is_gross_and_total_is_exact() -> None:
    with company("uk_vat") as (sim, api):
        receipt = post(api, "SalesReceipt", {
            "GlobalTaxCalculation": "TaxInclusive",
            "Line": [line(item(sim, "WID-A"), 120, "6"), discount(12)]})
        assert dec(receipt["TotalAmt"]) == Decimal("108.00")
        assert dec(receipt["Line"][-1]["Amount"]) == Decimal("10.00")  # net of the discount
        assert dec(receipt["TxnTaxDetail"]["TotalTax"]) == Decimal("18.00")


def test_not_applicable_has_no_tax_and_needs_no_codes() -> None:
    with company("uk_vat") as (sim, api):
        receipt = post(api, "SalesReceipt", {"GlobalTaxCalculation": "NotApplicable",
                                             "Line": [line(item(sim, "WID-A"), 40)]})
        assert receipt["TxnTaxDetail"] == {"TotalTax": 0} and dec(receipt["TotalAmt"]) == 40


def test_canada_gst_message_names_gst() -> None:
    with company("ca_gst") as (sim, api):
        error = fault(api.post("/invoice", json={
            "CustomerRef": {"value": customer(api, "Maple Ltd")},
            "Line": [line(item(sim, "WID-A"), 10)]}))
        assert "GST/HST rate" in error["Detail"]
        hst = post(api, "Invoice", {"CustomerRef": {"value": customer(api, "Maple 2")},
                                    "Line": [line(item(sim, "WID-A"), 100, "5")]})
        assert dec(hst["TotalAmt"]) == 113


def test_refunds_and_credit_memos_follow_the_same_rules() -> None:
    with company("uk_vat") as (sim, api):
        bank = next(a["Id"] for a in sim.entities("Account") if a["Name"] == "Checking")
        refund = post(api, "RefundReceipt", {
            "GlobalTaxCalculation": "TaxInclusive", "DepositToAccountRef": {"value": bank},
            "CustomerRef": {"value": customer(api, "Bob")},
            "Line": [line(item(sim, "WID-A"), 60, "6")]})
        assert dec(refund["TxnTaxDetail"]["TotalTax"]) == 10 and dec(refund["TotalAmt"]) == 60
        memo = api.post("/creditmemo", json={"CustomerRef": {"value": customer(api, "Ann")},
                                             "Line": [line(item(sim, "WID-A"), 60, "NON")]})
        assert fault(memo)["code"] == "6000"


def test_tax_inclusive_form_survives_sparse_and_full_updates() -> None:
    with company("uk_vat") as (sim, api):
        receipt = post(api, "SalesReceipt", {"GlobalTaxCalculation": "TaxInclusive",
                                             "Line": [line(item(sim, "WID-A"), 9.99, "6")]})
        sparse = post(api, "SalesReceipt", {"Id": receipt["Id"], "sparse": True,
                                            "SyncToken": receipt["SyncToken"],
                                            "PrivateNote": "checked"})
        assert dec(sparse["TotalAmt"]) == Decimal("9.99")
        full = post(api, "SalesReceipt", {**sparse, "PrivateNote": "again"})
        assert dec(full["TotalAmt"]) == Decimal("9.99")
        assert dec(full["Line"][0]["Amount"]) == Decimal("8.33")
        assert dec(full["TxnTaxDetail"]["TotalTax"]) == Decimal("1.66")


def test_uk_explicit_vat_is_kept_on_tax_exclusive_forms() -> None:
    with company("uk_vat") as (sim, api):
        lines = [line(item(sim, "WID-A"), 33.33, "6"), line(item(sim, "Fees"), 10, "7")]
        total_only = post(api, "SalesReceipt", {"Line": lines,
                                                "TxnTaxDetail": {"TotalTax": 7.20}})
        assert [dec(t["Amount"]) for t in total_only["TxnTaxDetail"]["TaxLine"]] == [
            Decimal("6.70"), Decimal("0.50")]  # 7.20 spread 6.67 : 0.50 (the computed tax)
        per_rate = post(api, "SalesReceipt", {"Line": lines, "TxnTaxDetail": {"TaxLine": [
            {"Amount": 6.66, "DetailType": "TaxLineDetail",
             "TaxLineDetail": {"TaxRateRef": {"value": "1"}}}]}})
        assert dec(per_rate["TxnTaxDetail"]["TotalTax"]) == Decimal("7.16")
        assert dec(per_rate["TotalAmt"]) == Decimal("50.49")
    with company("uk_vat", honour_explicit_tax=False) as (sim, api):
        computed = post(api, "SalesReceipt", {"Line": [line(item(sim, "WID-A"), 10, "6")],
                                              "TxnTaxDetail": {"TotalTax": 5}})
        assert dec(computed["TxnTaxDetail"]["TotalTax"]) == 2
