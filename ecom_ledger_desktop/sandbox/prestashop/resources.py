"""The Webservice resources the simulator serves: field order, links, filters, methods.

Field lists follow the blank schemas and real captures (``order_5.xml``, ``order_detail_13.xml``,
``stock_available_1.xml``...): every scalar is stored as the string the database prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
READ = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Resource:
    """One ``/api/<name>`` resource."""

    name: str  # plural, as in the URL
    singular: str
    fields: tuple[str, ...]  # without ``id``
    links: dict[str, str] = field(default_factory=dict)  # field -> resource its href points at
    associations: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    methods: frozenset[str] = READ  # what the shop allows at all
    description: str = ""


_ORDER_ROW = ("product_id", "product_attribute_id", "product_quantity", "product_name",
              "product_reference", "product_ean13", "product_isbn", "product_upc", "product_price",
              "id_customization", "unit_price_tax_incl", "unit_price_tax_excl")

RESOURCES: dict[str, Resource] = {r.name: r for r in (
    Resource("orders", "order", (
        "id_address_delivery", "id_address_invoice", "id_cart", "id_currency", "id_lang",
        "id_customer", "id_carrier", "current_state", "module", "invoice_number", "invoice_date",
        "delivery_number", "delivery_date", "valid", "date_add", "date_upd", "shipping_number",
        "note", "id_shop_group", "id_shop", "secure_key", "payment", "recyclable", "gift",
        "gift_message", "mobile_theme", "total_discounts", "total_discounts_tax_incl",
        "total_discounts_tax_excl", "total_paid", "total_paid_tax_incl", "total_paid_tax_excl",
        "total_paid_real", "total_products", "total_products_wt", "total_shipping",
        "total_shipping_tax_incl", "total_shipping_tax_excl", "carrier_tax_rate", "total_wrapping",
        "total_wrapping_tax_incl", "total_wrapping_tax_excl", "round_mode", "round_type",
        "conversion_rate", "reference"),
        links={"id_address_delivery": "addresses", "id_address_invoice": "addresses",
               "id_cart": "carts", "id_currency": "currencies", "id_lang": "languages",
               "id_customer": "customers", "id_carrier": "carriers",
               "current_state": "order_states"},
        associations={"order_rows": ("order_row", ("id", *_ORDER_ROW))},
        methods=ALL, description="The Customers orders"),
    Resource("order_details", "order_detail", (
        "id_order", "product_id", "product_attribute_id", "product_quantity_reinjected",
        "group_reduction", "discount_quantity_applied", "download_hash", "download_deadline",
        "id_order_invoice", "id_warehouse", "id_shop", "id_customization", "product_name",
        "product_quantity", "product_quantity_in_stock", "product_quantity_return",
        "product_quantity_refunded", "product_price", "reduction_percent", "reduction_amount",
        "reduction_amount_tax_incl", "reduction_amount_tax_excl", "product_quantity_discount",
        "product_ean13", "product_isbn", "product_upc", "product_mpn", "product_reference",
        "product_supplier_reference", "product_weight", "tax_computation_method",
        "id_tax_rules_group", "ecotax", "ecotax_tax_rate", "download_nb", "unit_price_tax_incl",
        "unit_price_tax_excl", "total_price_tax_incl", "total_price_tax_excl",
        "total_shipping_price_tax_excl", "total_shipping_price_tax_incl",
        "purchase_supplier_price", "original_product_price", "original_wholesale_price",
        "total_refunded_tax_excl", "total_refunded_tax_incl"),
        links={"id_order": "orders", "product_id": "products",
               "product_attribute_id": "combinations"},
        associations={"taxes": ("tax", ("id",))}, methods=ALL,
        description="Details of an order"),
    Resource("order_payments", "order_payment", (
        "order_reference", "id_currency", "amount", "payment_method", "conversion_rate",
        "transaction_id", "card_number", "card_brand", "card_expiration", "card_holder",
        "date_add"), links={"id_currency": "currencies"}, methods=ALL,
        description="The Order payments"),
    Resource("order_histories", "order_history", (
        "id_employee", "id_order_state", "id_order", "date_add"),
        links={"id_order_state": "order_states", "id_order": "orders"},
        methods=frozenset({"GET", "HEAD", "POST"}), description="The Order histories"),
    Resource("order_slip", "order_slip", (
        "id_customer", "id_order", "conversion_rate", "total_products_tax_excl",
        "total_products_tax_incl", "total_shipping_tax_excl", "total_shipping_tax_incl",
        "amount", "shipping_cost", "shipping_cost_amount", "partial", "date_add", "date_upd",
        "order_slip_type"),
        links={"id_customer": "customers", "id_order": "orders"},
        associations={"order_slip_details": ("order_slip_detail", (
            "id", "id_order_detail", "product_quantity", "amount_tax_excl", "amount_tax_incl"))},
        methods=ALL, description="The Order slips (credit slips: refunds)"),
    Resource("order_cart_rules", "order_cart_rule", (
        "id_order", "id_cart_rule", "id_order_invoice", "name", "value", "value_tax_excl",
        "free_shipping", "deleted"), links={"id_order": "orders"}, methods=ALL,
        description="The Order cart rules (vouchers used)"),
    Resource("order_states", "order_state", (
        "unremovable", "delivery", "hidden", "send_email", "module_name", "invoice", "color",
        "logable", "shipped", "paid", "pdf_delivery", "pdf_invoice", "deleted", "name",
        "template"), methods=ALL, description="The Order statuses"),
    Resource("customers", "customer", (
        "id_default_group", "id_lang", "newsletter_date_add", "ip_registration_newsletter",
        "last_passwd_gen", "secure_key", "deleted", "passwd", "lastname", "firstname", "email",
        "id_gender", "birthday", "newsletter", "optin", "website", "company", "siret", "ape",
        "outstanding_allow_amount", "show_public_prices", "id_risk", "max_payment_days",
        "active", "note", "is_guest", "id_shop", "id_shop_group", "date_add", "date_upd"),
        links={"id_default_group": "groups", "id_lang": "languages"},
        associations={"groups": ("group", ("id",))}, methods=ALL,
        description="The e-shop's customers"),
    Resource("groups", "group", (
        "reduction", "price_display_method", "show_prices", "date_add", "date_upd", "name"),
        methods=ALL, description="The customer's groups"),
    Resource("addresses", "address", (
        "id_customer", "id_manufacturer", "id_supplier", "id_warehouse", "id_country",
        "id_state", "alias", "company", "lastname", "firstname", "vat_number", "address1",
        "address2", "postcode", "city", "other", "phone", "phone_mobile", "dni", "deleted",
        "date_add", "date_upd"),
        links={"id_customer": "customers", "id_country": "countries", "id_state": "states"},
        methods=ALL, description="The Customer, Brand and Customer addresses"),
    Resource("countries", "country", ("id_zone", "id_currency", "iso_code", "active", "name"),
             description="The countries"),
    Resource("states", "state", ("id_zone", "id_country", "iso_code", "name", "active"),
             links={"id_country": "countries"}, description="The available states of countries"),
    Resource("products", "product", (
        "id_manufacturer", "id_supplier", "id_category_default", "new", "id_default_combination",
        "id_tax_rules_group", "type", "reference", "ean13", "price", "wholesale_price",
        "active", "state", "date_add", "date_upd", "name"),
        links={"id_tax_rules_group": "tax_rule_groups"},
        associations={"combinations": ("combination", ("id",)),
                      "stock_availables": ("stock_available", ("id", "id_product_attribute"))},
        methods=ALL, description="The products"),
    Resource("combinations", "combination", (
        "id_product", "location", "ean13", "isbn", "upc", "mpn", "quantity", "reference",
        "supplier_reference", "wholesale_price", "price", "ecotax", "weight",
        "unit_price_impact", "minimal_quantity", "default_on", "available_date"),
        links={"id_product": "products"},
        associations={"product_option_values": ("product_option_value", ("id",))},
        methods=ALL, description="The product combinations"),
    Resource("stock_availables", "stock_available", (
        "id_product", "id_product_attribute", "id_shop", "id_shop_group", "quantity",
        "depends_on_stock", "out_of_stock", "location"),
        links={"id_product": "products", "id_shop": "shops"},
        methods=frozenset({"GET", "HEAD", "PUT", "PATCH"}), description="Available quantities"),
    Resource("currencies", "currency", (
        "names", "name", "symbol", "iso_code", "numeric_iso_code", "precision",
        "conversion_rate", "deleted", "active", "unofficial", "modified", "pattern"),
        methods=ALL, description="The currencies"),
    Resource("taxes", "tax", ("rate", "active", "deleted", "name"), methods=ALL,
             description="The tax rate"),
    Resource("tax_rule_groups", "tax_rule_group", (
        "name", "active", "deleted", "date_add", "date_upd"), methods=ALL,
        description="Tax rule groups"),
    Resource("tax_rules", "tax_rule", (
        "id_tax_rules_group", "id_state", "id_country", "zipcode_from", "zipcode_to", "id_tax",
        "behavior", "description"), links={"id_tax_rules_group": "tax_rule_groups",
                                           "id_tax": "taxes"}, methods=ALL,
        description="Tax rules entity"),
    Resource("customer_threads", "customer_thread", (
        "id_lang", "id_shop", "id_customer", "id_order", "id_product", "id_contact", "email",
        "token", "status", "date_add", "date_upd"),
        links={"id_customer": "customers", "id_order": "orders"},
        associations={"customer_messages": ("customer_message", ("id",))}, methods=ALL,
        description="Customer services threads"),
    Resource("customer_messages", "customer_message", (
        "id_employee", "id_customer_thread", "ip_address", "message", "file_name",
        "user_agent", "private", "date_add", "date_upd", "read"),
        links={"id_customer_thread": "customer_threads"}, methods=ALL,
        description="Customer services messages"),
    Resource("configurations", "configuration", (
        "value", "name", "id_shop_group", "id_shop", "date_add", "date_upd"), methods=ALL,
        description="Shop configuration"),
)}

#: multi-language fields per resource: a list (JSON) / ``<language>`` elements (XML) when the
#: shop has several languages and the request names none (``language=N``)
I18N: dict[str, frozenset[str]] = {
    "order_states": frozenset({"name", "template"}), "groups": frozenset({"name"}),
    "products": frozenset({"name"}), "countries": frozenset({"name"}),
}
#: fields filterable and sortable only with ``date=1`` (WebserviceRequest::manageFilters)
DATE_FIELDS = frozenset({"date_add", "date_upd"})
#: 8.x prints these as JSON numbers (prices and flags stay strings)
INT_FIELDS = frozenset({
    "id_address_delivery", "id_address_invoice", "id_cart", "id_currency", "id_lang",
    "id_customer", "id_carrier", "current_state", "invoice_number", "delivery_number",
    "id_shop_group", "id_shop", "round_mode", "round_type", "id_order", "product_id",
    "product_attribute_id", "product_quantity", "product_quantity_refunded",
    "product_quantity_reinjected", "id_order_state", "id_employee", "id_product",
    "id_product_attribute", "quantity", "id_order_detail", "id_customization"})
