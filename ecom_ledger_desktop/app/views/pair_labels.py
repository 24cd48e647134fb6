"""How the posting-rule fields read on screen: section, label, help line, and choice names.

``{books}`` in a text is the pair's ledger brand ("QuickBooks", "FreshBooks"), filled in by the
functions below (``worded``).

The fields themselves come from ``rule_fields()``; a field this table does not know still shows
(under "Other"), labelled by its name.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecom_ledger_desktop.connectors.registry import kinds_for
from ecom_ledger_desktop.models.rules import LINE_ITEM_TAX_WARNING
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.summary import MODE_WORDS, SUMMARY_LINES_WORDS

SECTIONS = ("Documents", "Payments", "Items", "Customers", "Tax", "Dates and currency", "Stock",
            "Other")
FIELD_TEXT: dict[str, tuple[str, str, str]] = {  # name -> (section, label, help)
    "paid_document": ("Documents", "Paid orders become", ""),
    "unpaid_document": ("Documents", "Unpaid orders become", "paid later with a Payment"),
    "payment_posting": ("Documents", "When unpaid orders are posted",
                        "Per store payment method (its own code in the store, e.g. checkmo or "
                        "ps_checkpayment for checks): an invoice at once, or nothing until the "
                        "store records the payment. A new pair lists "
                        "the store's offline methods (check, bank transfer, cash on delivery, "
                        "...), which wait for the money; a method not listed waits if the store "
                        "marks it as paid offline, else it is an invoice at once."),
    "when_paid_document": ("Documents", "Orders paid later become",
                           "dated the day the payment arrived"),
    "unpaid_invoice_status": ("Documents", "Invoices of orders not yet paid are",
                              "where the books have draft invoices: a draft stays out of "
                              "reports and receivables until you send it; a paid order's "
                              "invoice is always paid"),
    "order_number_field": ("Documents", "The store's order number goes to",
                           "the invoice number, or the PO number where the books have one "
                           "(they then number their invoices themselves)"),
    "discount_as": ("Documents", "Store discounts go on",
                    "an invoice discount that is a percentage cannot state an exact amount: "
                    "it is used only for an order where a percentage gives the store's "
                    "discount and tax to the cent (e.g. a 10% coupon); any other order's "
                    "discount goes on lines, so every invoice still equals the store's total"),
    "unpaid_alert_days": ("Documents", "Warn about unpaid orders after (days)",
                          "an order still unpaid then goes to the error queue: cancel it in the "
                          "store, or keep waiting"),
    "posting_approval": ("Documents", "Each sync",
                         "hold: a sync stops after its preview, and posts only the orders you "
                         "approve on the Preview page (the rest wait there, held)"),
    "posting_mode": ("Documents", "Post orders", ""),  # the help follows the choice
    "posting_mode_from": ("Documents", "From (store-local day, YYYY-MM-DD)",
                          "the first day of the posting mode you choose: orders of earlier days "
                          "stay as they were posted, and an order already posted keeps its way "
                          "of posting; empty: every day not yet posted"),
    "earlier_modes": ("Documents", "Earlier posting modes",
                      "kept by each switch, so earlier days stay as they were posted"),
    "summary_lines": ("Documents", "A daily summary's lines", ""),  # the help follows the choice
    "summary_grace_minutes": ("Documents", "Post a day's summary this long after midnight "
                              "(minutes)", "so orders and payments still arriving for the day "
                              "are in it; a later change updates that day's document"),
    "refund_document": ("Documents", "Refunds become", ""),
    "refund_number_prefix": ("Documents", "Refund number prefix",
                             "so refunds never share a number with a sale (R-000000070)"),
    "refund_account": ("Documents", "Refunds are paid from", "an account name in {books}"),
    "payment_routes": ("Payments", "Payment methods",
                       "Where each store payment method's money goes. Names as in {books}."),
    "default_payment_route": ("Payments", "Any other payment method", ""),
    "shipping_item": ("Items", "Shipping item", ""),
    "discount_item": ("Items", "Discount item", ""),
    "tax_item": ("Items", "Sales tax item", "used only when tax is posted as a line"),
    "rounding_item": ("Items", "Rounding item",
                      "the store's one-cent rounding differences (never posted as tax)"),
    "gift_card_item": ("Items", "Gift card item",
                       "gift cards sold and redeemed; book it to a Gift Card Liability account, "
                       "not income"),
    "store_credit_item": ("Items", "Store credit item", "empty: the gift card item"),
    "reward_item": ("Items", "Reward points item", "empty: the gift card item"),
    "fee_item": ("Items", "Fees item", "a fee kept back from a refund (income)"),
    "refund_adjustment_item": ("Items", "Extra refund item",
                               "an extra amount refunded (reduces revenue)"),
    "unmapped_sku_policy": ("Items", "A SKU {books} does not know", ""),
    "standard_item": ("Items", "Standard item", "used by “post it as the standard item”"),
    "customer_policy": ("Customers", "Customers", ""),
    "standard_customer": ("Customers", "Standard customer", "used by “one customer for all”"),
    "customer_per_currency": ("Customers",
                              "A second customer per currency, e.g. “Jane Doe (EUR)”", ""),
    "tax_mode": ("Tax", "Sales tax", ""),  # the help follows the choice: FIELD_CHOICE_HELP
    "tax_codes": ("Tax", "Tax codes",
                  "Store tax rate (e.g. 8.25) or rate code → {books} tax code. Needed only "
                  "where {books} asks for a code per rate (UK, Canada, Australia, US without "
                  "automated sales tax); a US company with automated sales tax needs none."),
    "tax_code_required": ("Tax", "Every taxed rate needs a tax code",
                          "for UK, Canadian and Australian companies, and US companies without "
                          "automated sales tax"),
    "timezone": ("Dates and currency", "Time zone",
                 "documents are dated in the store's time zone; set one (e.g. "
                 "America/New_York) only to override it"),
    "inventory_master": ("Stock", "Stock levels", ""),
    "write_back_comment": ("Stock", "Note the {books} document on the store order", ""),
    "catalog_sync": ("Items", "Keep the books' items in step with the store's catalogue",
                     "new products become items, names and prices follow the store, a product "
                     "removed from the store is made inactive (never deleted)"),
    "customer_details_sync": ("Customers", "Keep customers' address and phone up to date",
                              "from the store's latest order; a change made in the books after "
                              "it is kept, and the difference goes to the error queue"),
}
CHOICE_TEXT: dict[str, str] = {
    "sales_receipt": "a sales receipt",
    "invoice": "an invoice",
    "refund_receipt": "a refund receipt",
    "credit_memo": "a credit memo",
    "flag": "stop it and put it in the error queue",
    "create_item": "create the item in {books}",
    "standard_item": "post it as the standard item",
    "match_or_create": "find by email, or create the customer",
    "standard_customer": "one customer for all web orders",
    "line_item": "post the store's tax as a line (tax reports show none)",
    "none": "not synced",
    "auto": "posts automatically",
    "hold": "waits for my approval",
    "sent": "sent (owed, in reports)",
    "draft": "drafts (out of reports until sent)",
    "document_number": "the invoice number",
    "po_number": "the PO number",
    "lines": "lines (exact; the default)",
    "invoice_discount": "the invoice discount where it is exact",
    "store": "the store is the master ({books} follows)",
    "ledger": "{books} is the master (the store follows)",
}


def worded(text: str, books: str = NO_BRAND) -> str:
    """A table's text in the words of the ledger brand ``books`` ("FreshBooks")."""
    out = text.format(books=books)
    return out[:1].upper() + out[1:] if text.startswith("{books}") else out


def field_text(name: str, books: str = NO_BRAND) -> tuple[str, str, str]:
    """Section, label and help of a field (unknown fields go under "Other")."""
    section, label, help_text = FIELD_TEXT.get(
        name, ("Other", name.replace("_", " ").capitalize(), ""))
    return section, worded(label, books), worded(help_text, books)


FIELD_CHOICE_TEXT: dict[tuple[str, str], str] = {  # (field, value) where one word means two
    ("tax_mode", "ledger"): "{books}' sales tax / VAT (the store's tax, per line)",
    ("when_paid_document", "invoice"): "an invoice and its payment",
    ("posting_mode", "per_order"): "one document per order",
    ("posting_mode", "daily_summary"): "one summary document per day",
    ("posting_mode", "daily_summary_by_method"): "one summary per day and payment method",
    ("summary_lines", "item"): "one line per item sold",
    ("summary_lines", "income"): SUMMARY_LINES_WORDS["income"],
}
#: (field, value) -> the help line under a choice, when what it means depends on the choice
FIELD_CHOICE_HELP: dict[tuple[str, str], str] = {
    ("tax_mode", "ledger"): (
        "{books}' own sales tax carries the store's tax: taxable lines are marked taxable and "
        "each document carries the tax the store charged, so {books}' sales tax reports show "
        "what the store collected."),
    ("tax_mode", "line_item"): "As a line item: " + LINE_ITEM_TAX_WARNING.split(": ", 1)[1],
    **{("posting_mode", mode): words for mode, words in MODE_WORDS.items()},
    ("summary_lines", "item"): (
        "Each item sold is a line of the day's summary, with its quantity and price; tax, "
        "shipping and discounts are lines of their own."),
    ("summary_lines", "income"): (
        "The day's sales add up to one line per income account, through a summary item on "
        "each. An item {books} tracks in stock keeps its own line (item and quantity), so its "
        "stock and cost of goods still move."),
}
MAPPING_COLUMNS: dict[str, list[str]] = {
    "tax_codes": ["Store tax rate", "{books} tax code"],
    "payment_posting": ["Store payment method (code)", "When such an unpaid order is posted"],
}
#: mapping field -> its value column's choices, in words
MAPPING_CHOICES: dict[str, list[tuple[str, str]]] = {
    "payment_posting": [("post_when_paid", "only once paid (nothing before)"),
                        ("post_at_order", "at once, as an invoice")],
}


def choice_help(field: str, value: str, books: str = NO_BRAND) -> str:
    """The help line of a choice field for the chosen value ("" when it has none)."""
    return worded(FIELD_CHOICE_HELP.get((field, value), ""), books)


def choice_text(value: str, field: str = "", books: str = NO_BRAND) -> str:
    """The words for a choice value (of ``field``, where the same word means two things), in
    the words of the ledger ``books`` where its declaration says it works differently."""
    return worded(ledger_rule_words(books).get((field, value)) or FIELD_CHOICE_TEXT.get(
        (field, value)) or CHOICE_TEXT.get(value, value.replace("_", " ")), books)


def ledger_rule_words(books: str) -> Mapping[tuple[str, str], str]:
    """The rule choices the ledger of brand ``books`` words its own way (its declaration)."""
    kind = next((k for k in kinds_for("ledger") if k.brand == books), None)
    return kind.rule_words if kind is not None else {}


def mapping_columns(name: str, books: str = NO_BRAND) -> list[str]:
    """The column headings of a mapping field's table."""
    return [worded(text, books) for text in MAPPING_COLUMNS.get(name, [])]
