"""Posting rules and mappings: data the merchant edits, never code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UnmappedSkuPolicy = Literal["flag", "create_item", "standard_item"]
CustomerPolicy = Literal["match_or_create", "standard_customer"]
#: ledger: the ledger's own tax system carries the store's tax (taxable lines, tax codes, the
#: store's tax total); line_item: tax is an ordinary line on a "Sales Tax" item (the explicit
#: choice: the ledger's tax reports then show no tax). "tax_code" is the old name of "ledger"
#: with every taxed rate mapped to a tax code; stored rules holding it still load.
TaxMode = Literal["ledger", "line_item"]
InventoryMaster = Literal["none", "store", "ledger"]
#: post_at_order: an unpaid order is an invoice at once; post_when_paid: nothing is posted until
#: the store records the payment (offline methods: a check may never come).
PostingMoment = Literal["post_at_order", "post_when_paid"]
#: auto: a run posts what it finds; hold: a run stops after the preview, the merchant approves
PostingApproval = Literal["auto", "hold"]
#: per_order: one document per order; daily_summary: one per store-local day (per currency and
#: tax treatment) to the standard customer; daily_summary_by_method: one per day and payment method
PostingMode = Literal["per_order", "daily_summary", "daily_summary_by_method"]


LINE_ITEM_TAX_WARNING = (
    "Tax as a line item: the store's tax is posted as an ordinary line on the sales-tax item, so "
    "totals match to the cent, but the ledger's tax reports (sales tax, VAT) show no tax "
    "collected and every sale counts as exempt; the tax must be filed from the store's own "
    "reports.")


class PaymentRoute(BaseModel):
    """Where a store payment method's money goes in the ledger (names, not ids)."""

    model_config = ConfigDict(extra="forbid")

    deposit_account: str = "Undeposited Funds"
    payment_method: str | None = None


def offline_posting(methods: Iterable[str]) -> dict[str, PostingMoment]:
    """A new pair's ``payment_posting``: the store's offline methods (its own codes, from its
    kind's ``offline_payments``) post only once paid."""
    return dict.fromkeys(methods, "post_when_paid")


class ModeChange(BaseModel):
    """A posting mode in force from a store-local day on."""

    model_config = ConfigDict(extra="forbid")

    from_date: date | None = None  # None: from the pair's start
    mode: PostingMode = "per_order"


class PostingRules(BaseModel):
    """How a pair turns store orders into ledger documents.

    Ledger references are *names* (item, account, payment method), so a configuration tested on a
    sandbox company carries over to production where the ids differ.
    """

    model_config = ConfigDict(extra="forbid")

    start_date: date
    paid_document: Literal["sales_receipt", "invoice"] = "sales_receipt"
    unpaid_document: Literal["invoice"] = "invoice"
    #: by the store's own payment method code; a method not listed posts when paid if the store
    #: connector marks it offline (``Order.payment_offline``), else at order
    payment_posting: dict[str, PostingMoment] = Field(default_factory=dict)
    when_paid_document: Literal["sales_receipt", "invoice"] = "sales_receipt"
    unpaid_alert_days: int = Field(default=30, ge=1, le=3650)
    refund_document: Literal["refund_receipt", "credit_memo"] = "refund_receipt"
    refund_account: str = "Undeposited Funds"
    refund_number_prefix: str = Field(default="R-", max_length=10)
    payment_routes: dict[str, PaymentRoute] = Field(default_factory=dict)
    default_payment_route: PaymentRoute = Field(default_factory=PaymentRoute)
    shipping_item: str = "Shipping"
    discount_item: str = "Discount"
    tax_item: str = "Sales Tax"
    rounding_item: str = "Rounding"
    gift_card_item: str = "Gift Card"
    store_credit_item: str = ""  # "" = the gift card item
    reward_item: str = ""  # "" = the gift card item
    fee_item: str = "Fees"
    refund_adjustment_item: str = "Discount"  # an extra refund reduces revenue
    tax_mode: TaxMode = "ledger"
    tax_codes: dict[str, str] = Field(default_factory=dict)  # store rate "8.25" -> ledger tax code
    tax_code_required: bool = False  # every taxed rate must map to a ledger tax code
    timezone: str = ""  # IANA name; "" = the store's own time zone
    unmapped_sku_policy: UnmappedSkuPolicy = "flag"
    standard_item: str = "Sales"
    customer_policy: CustomerPolicy = "match_or_create"
    standard_customer: str = "Web Store Customer"
    customer_per_currency: bool = True  # "Jane Doe (EUR)" for orders not in the base currency
    inventory_master: InventoryMaster = "none"
    write_back_comment: bool = True
    #: keep the ledger's items in step with the store's catalogue (new products created, names
    #: and prices updated, removed products made inactive, never deleted), where both can
    catalog_sync: bool = False
    #: a changed address or phone in the store updates the ledger's customer; an edit made in
    #: the ledger after the store's record is kept and the difference flagged
    customer_details_sync: bool = False
    #: "hold": runs journal what they find but send only postings the merchant approved after
    #: seeing the exact preview; the rest wait, held (not lost, not flagged)
    posting_approval: PostingApproval = "auto"
    #: where the ledger has draft invoices (FreshBooks): an order posted before it is paid is
    #: left a draft (out of reports and receivables until sent) or marked sent; a paid order's
    #: invoice is always paid
    unpaid_invoice_status: Literal["sent", "draft"] = "sent"
    #: the store's order number on the invoice: as its number, or as its PO number (where the
    #: ledger has one, e.g. FreshBooks; the ledger then numbers its invoices itself)
    order_number_field: Literal["document_number", "po_number"] = "document_number"
    #: a store discount as lines (exact, the default) or as the ledger's invoice discount where
    #: it has one (FreshBooks: a percentage, used only when it reproduces the store's discount
    #: and tax to the cent, else lines)
    discount_as: Literal["lines", "invoice_discount"] = "lines"
    #: summary posting (``sync/summary.py``): the mode, its cut-over date (orders of store-local
    #: days before it stay as posted; None: every day not yet posted), lines per item or one
    #: income line per tax treatment, and how long after store-local midnight a day is closed
    posting_mode: PostingMode = "per_order"
    posting_mode_from: date | None = None
    #: the modes before the current one, each from its cut-over date (oldest first)
    earlier_modes: list[ModeChange] = Field(default_factory=list)
    summary_lines: Literal["item", "income"] = "item"
    summary_grace_minutes: int = Field(default=120, ge=0, le=7 * 24 * 60)

    @model_validator(mode="before")
    @classmethod
    def _old_tax_code_mode(cls, data: Any) -> Any:
        """Rules stored before "ledger" existed said "tax_code": the ledger's tax, codes required."""
        if isinstance(data, dict) and data.get("tax_mode") == "tax_code":
            data = {**data, "tax_mode": "ledger", "tax_code_required": True}
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {value!r}: use an IANA name such as "
                                 "'America/New_York', or leave it empty for the store's") from exc
        return value

    def mode_on(self, day: date) -> PostingMode:
        """The posting mode of a store-local day: the current mode from its cut-over date, the
        earlier ones before it (an order keeps the channel it was first posted through)."""
        if self.posting_mode_from is None or day >= self.posting_mode_from:
            return self.posting_mode
        for change in reversed(self.earlier_modes):
            if change.from_date is None or day >= change.from_date:
                return change.mode
        return "per_order"

    def switch_mode(self, mode: PostingMode, from_date: date | None) -> PostingRules:
        """These rules with ``mode`` from ``from_date`` on (the current mode kept before it)."""
        earlier = [c for c in self.earlier_modes
                   if from_date is None or c.from_date is None or c.from_date < from_date]
        if from_date is not None and self.posting_mode != mode:
            earlier.append(ModeChange(from_date=self.posting_mode_from, mode=self.posting_mode))
        return self.model_copy(update={"posting_mode": mode, "posting_mode_from": from_date,
                                       "earlier_modes": earlier})

    def route_for(self, store_method: str) -> PaymentRoute:
        """The payment route of a store method, or the catch-all route."""
        return self.payment_routes.get(store_method, self.default_payment_route)

    def posting_moment(self, store_method: str, offline: bool = False) -> PostingMoment:
        """When an unpaid order of this payment method is posted (the method's rule, else
        "post_when_paid" for offline payments, else "post_at_order")."""
        if store_method in self.payment_posting:
            return self.payment_posting[store_method]
        return "post_when_paid" if offline else "post_at_order"

    def redemption_item(self, kind: str) -> str:
        """The ledger item a gift card / store credit / reward points redemption posts to."""
        chosen = {"store_credit": self.store_credit_item, "reward_points": self.reward_item}
        return chosen.get(kind) or self.gift_card_item
