"""Summary posting: one document per store-local day (or day and payment method) instead of one
per order.

Pure, like the mapper, and built *on* it: each order is mapped exactly as per-order posting maps
it (same tax treatment, same lines, the same cent rule), then the day's documents are added up
line by line, so a summary equals the sum of its orders to the cent and the ledger's tax and
income reports show what per-order posting would. Documents that cannot share one ledger
document (another currency, tax treatment, document-level tax code, deposit account) go to
separate summaries; two currencies are never added together.

A summary's journal key is deterministic — pair, day, method, currency, kind and the content
revision — so re-running a closed day whose orders did not change posts nothing, and a late
change gives a new revision (see ``summary_key``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.models.ledger import DocumentLine, LedgerCustomer, SalesDocument
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper_common import MappedDocument, revision_of

ZERO = Decimal("0")
SALE_KINDS = ("sales_receipt", "invoice")
DOC_NUMBER_ROOM = 11  # QuickBooks Desktop's RefNumber
POSTING_MODES = ("per_order", "daily_summary", "daily_summary_by_method")
#: what each posting mode does, in the merchant's words (CLI and the Pairs & rules form)
MODE_WORDS = {
    "per_order": "Each order is its own document in the books, to its own customer.",
    "daily_summary": (
        "One document per day (in the store's time zone) to the standard customer, adding up "
        "that day's orders to the cent, with the same tax; a day's refunds are one credit. A day "
        "is posted once it is over plus the grace period, so late orders are not missed; a later "
        "change updates that day's document."),
    "daily_summary_by_method": (
        "As the daily summary, but one document per day and payment method, so each day's "
        "deposits match what the payment provider pays out."),
}

#: a summary's lines (rule ``summary_lines``), in the merchant's words; a ledger whose items have
#: no income account says its own (its kind declaration's ``rule_words``)
SUMMARY_LINES_WORDS = {
    "item": "one line per item sold",
    "income": "one sales line per income account (and tax treatment)",
}


def mode_words(rules: PostingRules) -> str:
    """The current mode and its cut-over date, in plain words."""
    words = MODE_WORDS[rules.posting_mode]
    if rules.posting_mode_from is not None:
        words += (f" From {rules.posting_mode_from.isoformat()} on; orders of earlier days stay "
                  "as they were posted.")
    return words


@dataclass(frozen=True)
class SummaryGroup:
    """Which per-order documents may share one summary document."""

    day: date
    method: str  # the ledger payment method name ("" when not by method)
    currency: str
    kind: str
    deposit_account: str
    tax_treatment: str
    tax_code: str
    prices_include_tax: bool
    tax_after_discount: bool
    base_currency: str

    @property
    def label(self) -> str:
        """Words for the document's note and the preview."""
        method = f", {self.method}" if self.method else ""
        return f"{self.day.isoformat()}{method} ({self.currency})"


def summarises(rules: PostingRules, day: date) -> bool:
    """True when orders of this store-local day go into a summary (the mode, from its cut-over
    date on); False: per-order posting. Orders dated before the cut-over stay as posted."""
    return rules.mode_on(day) != "per_order"


def day_closed(day: date, zone: str, now: datetime, grace_minutes: int) -> bool:
    """A day is summarised only once it is over in the store's time zone plus a grace period, so
    orders still arriving (late payments, slow store clocks) are not missed."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(zone))
    return now >= midnight + timedelta(minutes=grace_minutes)


def group_of(document: SalesDocument, rules: PostingRules) -> SummaryGroup:
    """The summary a per-order document belongs to."""
    by_method = rules.mode_on(document.txn_date) == "daily_summary_by_method"
    return SummaryGroup(
        day=document.txn_date, method=(document.payment_method or "") if by_method else "",
        currency=document.currency.upper(), kind=document.kind,
        deposit_account=(document.deposit_account or "") if by_method else "",
        tax_treatment=document.tax_treatment, tax_code=document.tax_code or "",
        prices_include_tax=document.prices_include_tax,
        tax_after_discount=document.tax_after_discount,
        base_currency=document.base_currency.upper())


def summary_customer(rules: PostingRules, currency: str, base_currency: str) -> LedgerCustomer:
    """The rules' standard customer, one per currency ("Web Store Customer (EUR)")."""
    foreign = bool(base_currency) and base_currency.upper() != currency.upper()
    suffix = f" ({currency.upper()})" if foreign and rules.customer_per_currency else ""
    name = rules.standard_customer + suffix
    return LedgerCustomer(key=f"name:{name}", display_name=name, currency=currency.upper())


def _line_key(line: DocumentLine) -> tuple[object, ...]:
    # income lines (rule summary_lines) are added up per income account when the summary is
    # sent, from these per-item lines: which account an item books to is the ledger's knowledge
    return (line.kind, line.item.model_dump_json(), line.taxable, line.tax_code, line.tax_rate,
            line.restock)


def _merge_lines(documents: list[SalesDocument]) -> list[DocumentLine]:
    merged: dict[tuple[object, ...], DocumentLine] = {}
    for document in documents:
        for line in document.lines:
            key = _line_key(line)
            seen = merged.get(key)
            if seen is None:
                merged[key] = line.model_copy(update={"description": line.description or line.kind})
                continue
            # quantities add up only at one price (amount = qty x price stays exact); else the
            # line is an amount only
            keep = seen.qty is not None and line.qty is not None \
                and seen.unit_price == line.unit_price
            merged[key] = seen.model_copy(update={
                "amount": seen.amount + line.amount,
                "tax_amount": seen.tax_amount + line.tax_amount,
                "qty": (seen.qty or ZERO) + (line.qty or ZERO) if keep else None,
                "unit_price": seen.unit_price if keep else None})
    return list(merged.values())


def summarise(group: SummaryGroup, documents: list[SalesDocument], rules: PostingRules,
              numbers: Iterable[str]) -> MappedDocument:
    """One summary document of ``documents`` (all of ``group``): lines added up per item (or per
    income line), tax, shipping, discounts, gift cards and rounding as their own lines; the
    total, tax total and base total the sums of the orders'."""
    if not documents:
        raise ValueError("a summary needs at least one document")
    total = sum((d.total for d in documents), ZERO)
    base_total = sum(((d.base_total if d.base_total is not None else d.total)
                      for d in documents), ZERO)
    foreign = bool(group.base_currency) and group.base_currency != group.currency
    refund = group.kind not in SALE_KINDS
    customer = summary_customer(rules, group.currency, group.base_currency)
    first = documents[0]
    listed = ", ".join(sorted(numbers))
    document = SalesDocument(
        kind=first.kind, doc_number=summary_number(group), txn_date=group.day,
        customer_key=customer.key, currency=group.currency,
        lines=_merge_lines(documents), total=total,
        private_note=(f"Daily {'refund ' if refund else ''}summary {group.label} of "
                      f"{len(documents)} record(s): {listed}")[:4000],
        deposit_account=first.deposit_account if group.deposit_account else
        (rules.refund_account if refund else rules.default_payment_route.deposit_account),
        payment_method=group.method or None,
        tax_treatment=first.tax_treatment, tax_total=sum((d.tax_total for d in documents), ZERO),
        tax_code=first.tax_code, prices_include_tax=group.prices_include_tax,
        tax_after_discount=group.tax_after_discount, base_currency=first.base_currency,
        base_rate=(base_total / total if total else first.base_rate) if foreign else None,
        base_total=base_total if foreign else None)
    return MappedDocument(document=document, customer=customer, items=[],
                          revision=revision_of(document))


def summary_number(group: SummaryGroup) -> str:
    """``S261112-6bc`` (refunds ``SR261112-6b``): the day and a tag of everything else that tells
    the day's summaries apart (a ledger refuses a second document with one number), within the 11
    characters the strictest ledger (QuickBooks Desktop) keeps."""
    tag = hashlib.sha256(repr(replace(group, day=date.min)).encode()).hexdigest()
    head = f"{'S' if group.kind in SALE_KINDS else 'SR'}{group.day:%y%m%d}-"
    return head + tag[:DOC_NUMBER_ROOM - len(head)]


def group_tag(group: SummaryGroup) -> str:
    """A short stable name of a summary group (the journal's source id ``day|tag``)."""
    return hashlib.sha256(repr(group).encode()).hexdigest()[:8]


def summary_key(pair_id: int, group: SummaryGroup, revision: str) -> str:
    """The journal key of a summary: pair, day, method, currency, kind and revision."""
    method = group.method or "all"
    return (f"p{pair_id}:summary:{group.day.isoformat()}:{method}:{group.currency}:"
            f"{group.kind}:{group_tag(group)}:r{revision}")


def summarise_day(documents: list[tuple[str, SalesDocument]], rules: PostingRules
                  ) -> dict[SummaryGroup, MappedDocument]:
    """Every summary of the given per-order documents ``(record number, document)``."""
    groups: dict[SummaryGroup, list[tuple[str, SalesDocument]]] = {}
    for number, document in documents:
        groups.setdefault(group_of(document, rules), []).append((number, document))
    return {group: summarise(group, [d for _n, d in members], rules, [n for n, _d in members])
            for group, members in sorted(groups.items(), key=lambda g: repr(g[0]))}
