"""The words the Pairs & rules form shows for the posting rules."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.pair_labels import choice_help, choice_text, field_text
from ecom_ledger_desktop.models.rules import PostingRules


def test_pair_labels_say_what_each_tax_choice_does() -> None:
    assert "sales tax" in choice_text("ledger", "tax_mode").lower()
    assert "master" in choice_text("ledger", "inventory_master")
    # the help under "Sales tax" says what the chosen treatment does, not always the warning
    assert "exempt" in choice_help("tax_mode", "line_item")
    assert "reports show what the store collected" in choice_help("tax_mode", "ledger")
    for name in PostingRules.model_fields:
        if name != "start_date":
            assert field_text(name)[0] != "Other", f"{name} has no label"
