"""Magento's tax detail -> the order's rates, each line's taxability and codes, shipping's rate.

Magento 2.2+ sends two lists under ``extension_attributes`` (spec:
``sales-data-order-extension-interface``):

- ``applied_taxes[]``: one entry per rate on the whole order (``code``, ``title``, ``percent``,
  ``amount``, ``base_amount``); becomes ``Order.applied_taxes``.
- ``item_applied_taxes[]``: one entry per taxed thing: ``type`` (``product``, ``shipping``,
  ``weee``...), ``item_id`` (the order item, for products) and its own ``applied_taxes[]``.

An order item carries no tax class, so **taxable** is decided from what Magento applied: when
the order has ``item_applied_taxes`` (even an empty list), a product line is taxable exactly
when it has an entry there - a rate matched it, also a 0 % one - and not taxable otherwise (a
product whose tax class is "None" never gets an entry, whatever the rate). Without
``item_applied_taxes`` (Magento before 2.2, a ``fields=``-trimmed answer) ``taxable`` stays
None and the mapper falls back to "taxable when it carries tax". Shipping's rate is the sum of
the percents of the ``shipping`` entry (None without one).

**Tax-inclusive prices** (``Order.prices_include_tax``): Magento always sends ``price`` and
``row_total`` net of tax, with ``price_incl_tax`` beside them; whether the catalogue was
*entered* with tax is a store setting the REST API does not expose. A connection setting
decides when given; otherwise an order is tax-inclusive when a taxed line's ``original_price``
(the catalogue price as entered) equals its ``price_incl_tax`` and not its ``price``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.magento2.fields import FieldReader
from ecom_ledger_desktop.models.commerce import TaxRate


@dataclass
class TaxDetail:
    """What ``extension_attributes`` says about tax; ``item_codes`` None when not sent."""

    applied: list[TaxRate] = field(default_factory=list)
    item_codes: dict[str, list[str]] | None = None
    shipping_percent: Decimal | None = None

    def taxable(self, item_id: str) -> bool | None:
        """Whether a rate applied to the order item (None: Magento did not say)."""
        return None if self.item_codes is None else item_id in self.item_codes

    def codes(self, item_id: str) -> list[str]:
        """The rate codes applied to the order item."""
        return list((self.item_codes or {}).get(item_id, []))


def read_tax_detail(read: FieldReader, extension: Mapping[str, Any] | None) -> TaxDetail:
    """The tax detail of one order (``extension`` is its ``extension_attributes``)."""
    if extension is None:
        return TaxDetail()
    ext = read.at("extension_attributes")
    detail = TaxDetail(applied=[_rate(ext.at(f"applied tax {n}"), entry) for n, entry in
                                enumerate(ext.records(extension, "applied_taxes", "applied taxes"),
                                          start=1)])
    if extension.get("item_applied_taxes") is None:
        return detail
    detail.item_codes = {}
    for n, entry in enumerate(ext.records(extension, "item_applied_taxes", "item applied taxes"),
                              start=1):
        where = ext.at(f"item applied tax {n}")
        kind = where.text(entry, "type", "type") or "product"
        rates = [_rate(where, tax) for tax in where.records(entry, "applied_taxes",
                                                            "applied taxes")]
        if kind == "shipping":
            detail.shipping_percent = sum((r.percent for r in rates), Decimal(0))
        elif kind == "product" and entry.get("item_id") is not None:
            codes = detail.item_codes.setdefault(where.identifier(entry, "item_id", "item"), [])
            codes.extend(r.code for r in rates if r.code not in codes)
    return detail


def _rate(read: FieldReader, raw: Mapping[str, Any]) -> TaxRate:
    percent = read.amount(raw, "percent", "tax rate")
    title = read.text(raw, "title", "tax title")
    code = read.text(raw, "code", "tax code") or title or f"{percent.normalize():f} %"
    return TaxRate(code=code, title=title, percent=percent,
                   amount=read.amount(raw, "amount", "tax amount", allow_negative=True))


def prices_include_tax(read: FieldReader, items: Sequence[Mapping[str, Any]],
                       setting: bool | None) -> bool:
    """The module docstring's rule: the setting, else a taxed line's catalogue price."""
    if setting is not None:
        return setting
    for index, item in enumerate(items, start=1):
        if item.get("original_price") is None or item.get("price_incl_tax") is None:
            continue
        line = read.at(f"line {index}")
        price = line.amount(item, "price", "price")
        gross = line.amount(item, "price_incl_tax", "price including tax")
        original = line.amount(item, "original_price", "catalogue price")
        if gross != price and original == gross:
            return True
    return False
