"""How the posting-rule fields read on screen: section, label, help line, and choice names.

The fields themselves come from ``rule_fields()``; a field this table does not know still shows
(under "Other"), labelled by its name.
"""

from __future__ import annotations

SECTIONS = ("Documents", "Payments", "Items", "Customers", "Tax", "Stock", "Other")
FIELD_TEXT: dict[str, tuple[str, str, str]] = {  # name -> (section, label, help)
    "paid_document": ("Documents", "Paid orders become", ""),
    "unpaid_document": ("Documents", "Unpaid orders become", "paid later with a Payment"),
    "refund_document": ("Documents", "Refunds become", ""),
    "refund_account": ("Documents", "Refunds are paid from", "an account name in QuickBooks"),
    "payment_routes": ("Payments", "Payment methods",
                       "Where each store payment method's money goes. Names as in QuickBooks."),
    "default_payment_route": ("Payments", "Any other payment method", ""),
    "shipping_item": ("Items", "Shipping item", ""),
    "discount_item": ("Items", "Discount item", ""),
    "tax_item": ("Items", "Sales tax item", "used when tax is posted as a line"),
    "gift_card_item": ("Items", "Gift card item", ""),
    "fee_item": ("Items", "Fees item", ""),
    "unmapped_sku_policy": ("Items", "A SKU QuickBooks does not know", ""),
    "standard_item": ("Items", "Standard item", "used by “post it as the standard item”"),
    "customer_policy": ("Customers", "Customers", ""),
    "standard_customer": ("Customers", "Standard customer", "used by “one customer for all”"),
    "tax_mode": ("Tax", "Sales tax", ""),
    "tax_codes": ("Tax", "Tax codes", "Store tax rate (e.g. 8.25) → QuickBooks tax code."),
    "inventory_master": ("Stock", "Stock levels", ""),
    "write_back_comment": ("Stock", "Note the QuickBooks document on the store order", ""),
}
CHOICE_TEXT: dict[str, str] = {
    "sales_receipt": "a sales receipt",
    "invoice": "an invoice",
    "refund_receipt": "a refund receipt",
    "credit_memo": "a credit memo",
    "flag": "stop it and put it in the error queue",
    "create_item": "create the item in QuickBooks",
    "standard_item": "post it as the standard item",
    "match_or_create": "find by email, or create the customer",
    "standard_customer": "one customer for all web orders",
    "line_item": "post the store's tax as a line (totals match to the cent)",
    "tax_code": "use QuickBooks tax codes",
    "none": "not synced",
    "store": "the store is the master (QuickBooks follows)",
    "ledger": "QuickBooks is the master (the store follows)",
}


def field_text(name: str) -> tuple[str, str, str]:
    """Section, label and help of a field (unknown fields go under "Other")."""
    return FIELD_TEXT.get(name, ("Other", name.replace("_", " ").capitalize(), ""))


def choice_text(value: str) -> str:
    """The words for a choice value."""
    return CHOICE_TEXT.get(value, value.replace("_", " "))
