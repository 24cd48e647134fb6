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


def test_the_labels_speak_the_pairs_ledger_brand() -> None:
    assert field_text("unmapped_sku_policy", "FreshBooks")[1] == "A SKU FreshBooks does not know"
    assert choice_text("ledger", "inventory_master", "FreshBooks").startswith("FreshBooks is")
    assert "QuickBooks" in choice_help("tax_mode", "ledger", "QuickBooks")
    assert "order number" in field_text("order_number_field")[1]


def test_the_summary_lines_help_says_stock_tracked_items_keep_their_own_line() -> None:
    words = choice_help("summary_lines", "income", "QuickBooks Desktop")
    assert "An item QuickBooks Desktop tracks in stock keeps its own line" in words
    assert "one line per income account" in words
    assert "quantity and price" in choice_help("summary_lines", "item", "QuickBooks")


def test_the_rules_form_rewords_every_label_for_the_pairs_books(qtbot) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

    from ecom_ledger_desktop.app.views.pair_form import RulesForm

    form = RulesForm()
    qtbot.addWidget(form)
    for books, other in (("FreshBooks", "QuickBooks"), ("QuickBooks", "FreshBooks")):
        form.speak_of(books)
        texts = [w.text() for w in form.findChildren(QLabel)]
        texts += [w.text() for w in form.findChildren(QCheckBox)]
        texts += [c.itemText(i) for c in form.findChildren(QComboBox) for i in range(c.count())]
        tax = form.editors["tax_codes"].table  # type: ignore[union-attr]
        texts += [tax.horizontalHeaderItem(i).text() for i in range(tax.columnCount())]
        assert not [t for t in texts if other in t or "{books}" in t], books
        assert any(books in t for t in texts)
