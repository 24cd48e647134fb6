"""The Pairs & rules form offers summary posting: the mode with its plain-words help, a cut-over
day, and saving a switch keeps the earlier mode before that day (real widgets, the demo)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit

from ecom_ledger_desktop.demo import DEMO_PAIR
from tests.app.test_pairs_page import page, rules_of  # noqa: F401  (the fixture)

from .conftest import WAIT_MS


def test_the_form_switches_to_daily_summaries_from_a_day_in_plain_words(
        qtbot, page) -> None:  # noqa: F811
    page.select(DEMO_PAIR)
    form = page.form
    mode = form.editors["posting_mode"]
    assert isinstance(mode, QComboBox)
    assert [mode.itemText(i) for i in range(mode.count())] == [
        "one document per order", "one summary document per day",
        "one summary per day and payment method"]
    hint = form.hints["posting_mode"]
    assert "its own document" in hint.text()
    mode.setCurrentIndex(mode.findData("daily_summary"))
    assert "One document per day" in hint.text() and "standard customer" in hint.text()
    assert "to the cent" in hint.text(), "the help follows the choice"
    cut = form.editors["posting_mode_from"]
    assert isinstance(cut, QLineEdit) and cut.text() == ""
    cut.setText("2026-11-12")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Saved"), timeout=WAIT_MS)
    rules, _, _ = rules_of(page, DEMO_PAIR)
    assert rules.posting_mode == "daily_summary"
    assert rules.posting_mode_from == date(2026, 11, 12)
    assert rules.mode_on(date(2026, 11, 11)) == "per_order", "earlier days stay per order"
    assert "earlier_modes" not in form.editors
    page.select(DEMO_PAIR)
    assert form.editors["posting_mode_from"].text() == "2026-11-12"
