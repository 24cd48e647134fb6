"""A daily summary's "income lines" choice is worded for the pair's books: a sales line per
income account where items book to accounts (QuickBooks), per tax treatment where they do not
(FreshBooks), from the ledger kinds' declarations (no brand branch in the app or the core)."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.pair_labels import choice_text
from ecom_ledger_desktop.cli.pair_commands import lines_words
from ecom_ledger_desktop.connectors.registry import KINDS


def test_income_lines_are_worded_by_the_books_the_pair_posts_to() -> None:
    for kind in ("qbo", "qbd"):
        assert "per income account" in choice_text("income", "summary_lines", KINDS[kind].brand)
        assert "per income account" in lines_words(kind, "income")
    fresh = choice_text("income", "summary_lines", KINDS["freshbooks"].brand)
    assert "per tax treatment" in fresh and "income account" in fresh
    assert "per income account" not in lines_words("freshbooks", "income")
    assert choice_text("item", "summary_lines", KINDS["freshbooks"].brand) == (
        "one line per item sold")
