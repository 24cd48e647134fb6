"""Dotted rule keys split by the rules' own shape (map keys such as tax rates contain dots)."""

from __future__ import annotations

from datetime import date

import pytest

from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.pair_config import rule_path, set_rule


@pytest.mark.parametrize(("key", "parts"), [
    ("tax_codes.8.25", ["tax_codes", "8.25"]),
    ("tax_codes.UK VAT 20", ["tax_codes", "UK VAT 20"]),
    ("payment_routes.checkmo.deposit_account", ["payment_routes", "checkmo", "deposit_account"]),
    ("payment_routes.pay.pal.payment_method", ["payment_routes", "pay.pal", "payment_method"]),
    ("payment_posting.banktransfer", ["payment_posting", "banktransfer"]),
    ("default_payment_route.deposit_account", ["default_payment_route", "deposit_account"]),
    ("tax_mode", ["tax_mode"]),
])
def test_rule_keys_split_by_the_shape_of_the_rules(key: str, parts: list[str]) -> None:
    assert rule_path(key) == parts


def test_set_rule_sets_and_removes_map_entries() -> None:
    data = PostingRules(start_date=date(2026, 1, 1)).model_dump(mode="json")
    assert set_rule(data, "tax_codes.8.25", "NY Sales Tax") is None
    assert PostingRules.model_validate(data).tax_codes == {"8.25": "NY Sales Tax"}
    assert set_rule(data, "tax_codes.8.25", None) is None
    assert PostingRules.model_validate(data).tax_codes == {}
    assert set_rule(data, "shipping_item.name", "x") is not None
