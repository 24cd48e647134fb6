"""The accountant's view: figures a month-end review reads, from the simulator's own ledger.

Python API (``sim.reports``): :meth:`Reports.tax_liability`, :meth:`Reports.account_balance`,
:meth:`Reports.open_receivables`, :meth:`Reports.profit_and_loss`. All amounts are Decimal in the
company's home currency, by TxnDate; voided and deleted transactions count for nothing.

REST (Intuit's report JSON: ``Header``/``Columns``/``Rows``, ``Report.xsd``):
``GET /v3/company/{realm}/reports/TaxSummary?agency_id=&start_date=&end_date=`` (non-US companies
only, as Intuit documents it) and ``GET .../reports/ProfitAndLoss?start_date=&end_date=``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import faults
from .company import Company, cents, money, response_time
from .ledger import SIGN, is_voided, postings, rate_of

CREDIT_NORMAL = ("Liability", "Equity", "Revenue")
#: Profit and loss sections: (group, title, account types)
PNL_SECTIONS = (("Income", "Income", ("Income",)), ("COGS", "Cost of Goods Sold",
                                                     ("Cost of Goods Sold",)),
                ("Expenses", "Expenses", ("Expense",)),
                ("OtherIncome", "Other Income", ("Other Income",)),
                ("OtherExpenses", "Other Expenses", ("Other Expense",)))


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with something still to pay on ``as_of``."""

    id: str
    doc_number: str | None
    customer: str
    txn_date: date
    due_date: date | None
    currency: str
    balance: Decimal
    home_balance: Decimal


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


class Reports:
    """Ledger figures over one company (thread-safe: every call takes the company lock)."""

    def __init__(self, company: Company) -> None:
        self.company = company

    def tax_liability(self, start: date, end: date, by: str = "agency") -> dict[str, Decimal]:
        """Tax collected minus tax refunded with TxnDate in [start, end], from the forms'
        ``TxnTaxDetail.TaxLine`` (so tax posted as an item line is not here, as in QBO),
        keyed by tax agency name (``by="agency"``) or tax rate name (``by="rate"``)."""
        if by not in ("agency", "rate"):
            raise ValueError("by must be 'agency' or 'rate'")
        out: dict[str, Decimal] = {}
        for rate_name, agency, _net, tax in self._tax_lines(start, end):
            key = agency if by == "agency" else rate_name
            out[key] = out.get(key, Decimal(0)) + tax
        return out

    def account_balance(self, account_name: str, as_of: date | None = None) -> Decimal:
        """Balance of an account on ``as_of`` (all time when None) in home currency, positive
        on the account's normal side: credit for liabilities, equity and income, debit for
        assets and expenses. KeyError for an unknown account name."""
        with self.company.lock:
            account = self.company.find_by_name("Account", account_name)
            if account is None:
                raise KeyError(account_name)
            total = sum((p.amount for p in postings(self.company) if p.account_id == account.id
                         and (as_of is None or p.txn_date <= as_of)), Decimal(0))
            credit = account.data.get("Classification") in CREDIT_NORMAL
        return -total if credit else total

    def open_receivables(self, as_of: date | None = None) -> list[OpenInvoice]:
        """Invoices dated on or before ``as_of`` with an unpaid balance on that date (payments
        dated after it do not count), oldest first."""
        out = []
        with self.company.lock:
            paid: dict[str, Decimal] = {}
            for pay in self.company.live("Payment"):
                if is_voided(pay) or (as_of and _day(pay.data["TxnDate"]) > as_of):
                    continue
                for invoice_id, text in pay.effects.get("applied", {}).items():
                    paid[invoice_id] = paid.get(invoice_id, Decimal(0)) + money(text)
            for inv in self.company.live("Invoice"):
                data = inv.data
                if is_voided(inv) or (as_of and _day(data["TxnDate"]) > as_of):
                    continue
                balance = money(data.get("TotalAmt", 0)) - paid.get(inv.id, Decimal(0))
                if balance <= 0:
                    continue
                out.append(OpenInvoice(
                    inv.id, data.get("DocNumber"), str(data["CustomerRef"].get("name", "")),
                    _day(data["TxnDate"]), _day(data["DueDate"]) if data.get("DueDate") else None,
                    str(data["CurrencyRef"]["value"]), balance,
                    cents(balance * rate_of(data))))
        return sorted(out, key=lambda o: (o.txn_date, int(o.id)))

    def profit_and_loss(self, start: date, end: date) -> dict[str, Decimal]:
        """Income and expense accounts' movement in [start, end] (credit positive for income,
        debit positive for costs), keyed by account name, plus "Net Income"."""
        with self.company.lock:
            names = {rec.id: rec for rec in self.company.all("Account")}
            out: dict[str, Decimal] = {}
            net = Decimal(0)
            for post in postings(self.company):
                account = names.get(post.account_id)
                if account is None or not start <= post.txn_date <= end:
                    continue
                kind = account.data.get("Classification")
                if kind not in ("Revenue", "Expense"):
                    continue
                value = -post.amount if kind == "Revenue" else post.amount
                name = str(account.data["Name"])
                out[name] = out.get(name, Decimal(0)) + value
                net -= post.amount
        out["Net Income"] = net
        return out

    def _tax_lines(self, start: date, end: date) -> list[tuple[str, str, Decimal, Decimal]]:
        """(rate name, agency name, home net taxable, home tax) per TaxLine, refunds negative."""
        out = []
        with self.company.lock:
            for entity, sign in SIGN.items():
                for rec in self.company.live(entity):
                    data = rec.data
                    if is_voided(rec) or not start <= _day(data["TxnDate"]) <= end:
                        continue
                    rate = rate_of(data)
                    for line in (data.get("TxnTaxDetail") or {}).get("TaxLine", []):
                        detail = line["TaxLineDetail"]
                        tax_rate = self.company.get("TaxRate", detail["TaxRateRef"]["value"])
                        name = str(tax_rate.data["Name"]) if tax_rate else "?"
                        agency = str((tax_rate.data.get("AgencyRef") or {}).get("name", "?")
                                     if tax_rate else "?")
                        out.append((name, agency,
                                    sign * cents(money(detail.get("NetAmountTaxable", 0)) * rate),
                                    sign * cents(money(line.get("Amount", 0)) * rate)))
        return out

    # ------------------------------------------------------------------------- REST
    def rest(self, name: str, params: dict[str, str]) -> dict[str, Any]:
        """A report in Intuit's JSON shape (QboFault for an unknown report or bad params)."""
        today = self.company.today()
        start = _param_date(params, "start_date", today.replace(month=1, day=1))
        end = _param_date(params, "end_date", today)
        if name.casefold() == "taxsummary":
            return self._tax_summary(start, end, params.get("agency_id"))
        if name.casefold() == "profitandloss":
            return self._pnl(start, end)
        raise faults.unsupported_operation(f"Report {name}")

    def _header(self, name: str, start: date, end: date) -> dict[str, Any]:
        return {"Time": response_time(self.company.now()), "ReportName": name,
                "ReportBasis": "Accrual", "StartPeriod": start.isoformat(),
                "EndPeriod": end.isoformat(), "SummarizeColumnsBy": "Total",
                "Currency": self.company.home_currency,
                "Option": [{"Name": "NoReportData", "Value": "false"}]}

    def _tax_summary(self, start: date, end: date, agency_id: str | None) -> dict[str, Any]:
        if self.company.is_us:
            raise faults.unsupported_operation("TaxSummary is for non-US companies; it")
        if not agency_id:
            raise faults.required("agency_id")
        agency = self.company.get("TaxAgency", agency_id)
        if agency is None:
            raise faults.invalid_reference("TaxAgencies", agency_id)
        agency_name = str(agency.data["DisplayName"])
        per_rate: dict[str, tuple[Decimal, Decimal]] = {}
        for rate_name, owner, net, tax in self._tax_lines(start, end):
            if owner == agency_name:
                old = per_rate.get(rate_name, (Decimal(0), Decimal(0)))
                per_rate[rate_name] = (old[0] + net, old[1] + tax)
        rows: list[dict[str, Any]] = []
        for rate_name, (net, tax) in per_rate.items():
            rows.append({"ColData": [{"value": f"{rate_name} net sales"}, {"value": f"{net:.2f}"}],
                         "group": rate_name})
            rows.append({"ColData": [{"value": f"{rate_name} tax"}, {"value": f"{tax:.2f}"}],
                         "group": rate_name})
        total = sum((tax for _, tax in per_rate.values()), Decimal(0))
        rows.append({"group": "Total", "type": "Section", "Summary": {"ColData": [
            {"value": f"Total tax due to {agency_name}"}, {"value": f"{total:.2f}"}]}})
        header = self._header("TaxSummary", start, end)
        header["Option"][0]["Value"] = "false" if per_rate else "true"
        return {"Header": header, "Columns": {"Column": [{"ColType": "String", "ColTitle": ""},
                                                        {"ColType": "Money", "ColTitle": "Total"}]},
                "Rows": {"Row": rows}}

    def _pnl(self, start: date, end: date) -> dict[str, Any]:
        figures = self.profit_and_loss(start, end)
        net = figures.pop("Net Income")
        with self.company.lock:
            accounts = {str(a.data["Name"]): a for a in self.company.all("Account")}
        rows: list[dict[str, Any]] = []
        for group, title, types in PNL_SECTIONS:
            data = [(name, value) for name, value in figures.items()
                    if accounts[name].data.get("AccountType") in types]
            if not data:
                continue
            total = sum((value for _, value in data), Decimal(0))
            rows.append({"type": "Section", "group": group,
                         "Header": {"ColData": [{"value": title}, {"value": ""}]},
                         "Rows": {"Row": [{"type": "Data", "ColData": [
                             {"value": name, "id": accounts[name].id},
                             {"value": f"{value:.2f}"}]} for name, value in data]},
                         "Summary": {"ColData": [{"value": f"Total {title}"},
                                                 {"value": f"{total:.2f}"}]}})
        rows.append({"type": "Section", "group": "NetIncome", "Summary": {"ColData": [
            {"value": "Net Income"}, {"value": f"{net:.2f}"}]}})
        return {"Header": self._header("ProfitAndLoss", start, end),
                "Columns": {"Column": [{"ColType": "Account", "ColTitle": ""},
                                       {"ColType": "Money", "ColTitle": "Total"}]},
                "Rows": {"Row": rows}}


def _param_date(params: dict[str, str], key: str, default: date) -> date:
    value = params.get(key)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise faults.invalid_property(key) from exc
