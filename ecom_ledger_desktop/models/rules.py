"""Posting rules and mappings: data the merchant edits, never code."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UnmappedSkuPolicy = Literal["flag", "create_item", "standard_item"]
CustomerPolicy = Literal["match_or_create", "standard_customer"]
TaxMode = Literal["line_item", "tax_code"]
InventoryMaster = Literal["none", "store", "ledger"]


class PaymentRoute(BaseModel):
    """Where a store payment method's money goes in the ledger (names, not ids)."""

    model_config = ConfigDict(extra="forbid")

    deposit_account: str = "Undeposited Funds"
    payment_method: str | None = None


class PostingRules(BaseModel):
    """How a pair turns store orders into ledger documents.

    Ledger references are *names* (item, account, payment method), so a configuration tested on a
    sandbox company carries over to production where the ids differ.
    """

    model_config = ConfigDict(extra="forbid")

    start_date: date
    paid_document: Literal["sales_receipt", "invoice"] = "sales_receipt"
    unpaid_document: Literal["invoice"] = "invoice"
    refund_document: Literal["refund_receipt", "credit_memo"] = "refund_receipt"
    refund_account: str = "Undeposited Funds"
    payment_routes: dict[str, PaymentRoute] = Field(default_factory=dict)
    default_payment_route: PaymentRoute = Field(default_factory=PaymentRoute)
    shipping_item: str = "Shipping"
    discount_item: str = "Discount"
    tax_item: str = "Sales Tax"
    gift_card_item: str = "Gift Card"
    fee_item: str = "Fees"
    tax_mode: TaxMode = "line_item"
    tax_codes: dict[str, str] = Field(default_factory=dict)  # store rate "8.25" -> ledger tax code
    unmapped_sku_policy: UnmappedSkuPolicy = "flag"
    standard_item: str = "Sales"
    customer_policy: CustomerPolicy = "match_or_create"
    standard_customer: str = "Web Store Customer"
    inventory_master: InventoryMaster = "none"
    write_back_comment: bool = True

    def route_for(self, store_method: str) -> PaymentRoute:
        """The payment route of a store method, or the catch-all route."""
        return self.payment_routes.get(store_method, self.default_payment_route)
