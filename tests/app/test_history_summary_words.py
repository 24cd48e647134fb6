"""The History page's words for an order posted in its day's summary, and taken out of it."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.history_work import PostedDocument, state_words


def test_an_order_in_a_summary_and_one_taken_out_of_it_are_told_apart() -> None:
    inside = PostedDocument("sales_receipt", "S261122-6bc", "7", summary=True)
    assert "the day's summary of this order and others" in state_words(inside)
    out = PostedDocument("sales_receipt", "S261122-6bc", "7", voided=True, undone=True,
                         summary=True)
    assert "taken out of it by an undo" in state_words(out)
    assert state_words(PostedDocument("sales_receipt", "1001", "8", undone=True)) == ", undone"
