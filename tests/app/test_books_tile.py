"""The dashboard's "Are my books right?" tile on real widgets: read in the background, a green
tick or the difference per currency, and the days and orders behind it one click away."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.app.views.books_tile import TICK, BooksTile
from ecom_ledger_desktop.sync.books_check import PairBooks
from ecom_ledger_desktop.sync.reconcile import (
    DELETED,
    FLAGGED,
    HELD,
    PAYOUT_DELETED,
    UNREAD,
    Figures,
    Finding,
    GroupKey,
    GroupLine,
    Reconciliation,
)
from ecom_ledger_desktop.sync.reconcile_reasons import undone_words

from .conftest import WAIT_MS

DAY = date(2026, 11, 20)


def _result(*lines: GroupLine) -> Reconciliation:
    return Reconciliation(date(2026, 11, 1), date(2026, 11, 30), list(lines))


def _line(currency: str, store: str, ledger: str, *findings: Finding) -> GroupLine:
    return GroupLine(GroupKey(DAY, "Visa", currency), Figures(net=Decimal(store)),
                     ledger_net=Decimal(ledger), findings=list(findings))


def test_a_clean_month_shows_a_green_tick(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    tile.show_books([PairBooks(1, "shop-books", _result(_line("USD", "10.00", "10.00")))])
    assert tile.tile.value_label.text() == f"{TICK} reconciled"
    assert "agree to the cent" in tile.details.text()


def test_books_read_at_the_ledgers_last_visit_say_when_on_the_card(qtbot) -> None:
    from datetime import UTC, datetime

    from ecom_ledger_desktop.connectors.freshness import ReadAsOf

    tile = BooksTile()
    qtbot.addWidget(tile)
    result = _result(_line("USD", "10.00", "10.00"))
    result.ledger_label = "QuickBooks Desktop"
    result.as_of = ReadAsOf(datetime(2026, 12, 7, 11, 2, tzinfo=UTC),
                            "the Web Connector's last update", "the next update reads it again")
    tile.show_books([PairBooks(1, "shop-desk", result)])
    note = result.read_note()
    assert note.startswith("QuickBooks Desktop as read at ") and "on 7 Dec" in note
    assert tile.tile.value_label.text() == f"{TICK} reconciled"
    assert note in tile.tile.caption.text() and f"shop-desk: {note}" in tile.details.text()
    tile.show_books([PairBooks(1, "shop-desk", _result(_line("USD", "10.00", "10.00")))])
    assert note not in tile.tile.caption.text(), "read live: nothing to say"


def test_a_difference_is_shown_per_currency_with_its_day_and_orders_one_click_away(
        qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    tile.show()
    gone = Finding(DELETED, "order", "000000042", "42", Decimal("25.00"), Decimal("0"), "7")
    tile.show_books([PairBooks(1, "shop-books", _result(
        _line("USD", "125.00", "100.00", gone), _line("EUR", "30.00", "20.00")))])
    value = tile.tile.value_label.text()
    assert value == ("books 10.00 EUR under the store; books 25.00 USD under the store"), \
        "two currencies are never added"
    assert not tile.details.isVisible()
    qtbot.mouseClick(tile.tile, qtbot_button())
    assert tile.details.isVisible()
    text = tile.details.text()
    assert "Fri 20 Nov, Visa" in text and "difference -25.00 USD" in text
    assert "order 000000042: deleted in the ledger by hand (-25.00 USD) — can be re-posted" in text
    [button] = tile.repost_buttons
    assert button.text() == "Re-post order 000000042"
    with qtbot.waitSignal(tile.repost_requested) as asked:
        qtbot.mouseClick(button, qtbot_button())
    assert asked.args == [1, "000000042"]


def test_a_refunds_money_paid_back_deleted_by_hand_is_no_green_tick(qtbot) -> None:
    """The day's sales agree (the credit memo is there), but the customer holds an open credit."""
    tile = BooksTile()
    qtbot.addWidget(tile)
    lost = Finding(PAYOUT_DELETED, "refund", "000000007", "7", Decimal("12.50"), Decimal(0), "9")
    tile.show_books([PairBooks(1, "shop-desk", _result(_line("USD", "10.00", "10.00", lost)))])
    assert tile.tile.value_label.text() == "refunds' money paid back missing"
    assert f"refund 000000007: {PAYOUT_DELETED}" in tile.details.text()
    [button] = tile.repost_buttons
    assert button.text() == "Re-post refund 000000007"


def _held(number: str, amount: str) -> Finding:
    return Finding(HELD, "order", number, number, Decimal(amount), Decimal(0))


def _undone(number: str, amount: str) -> Finding:
    return Finding(undone_words(number, "shop-books"), "order", number, number,
                   Decimal(amount), Decimal(0))


def test_orders_held_for_approval_are_said_in_the_merchants_words_not_as_a_gap(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    tile.show_books([PairBooks(1, "shop-books", _result(_line(
        "USD", "194.00", "100.00", _held("000000051", "30.00"), _held("000000052", "40.00"),
        _held("000000053", "24.00"))))])
    assert tile.tile.value_label.text() == "3 orders wait for your approval (94.00 USD)"
    assert tile.tile.property("highlight"), "waiting for the merchant: worth their attention"
    assert "order 000000052: held for your approval" in tile.details.text()


def test_orders_the_merchant_undid_are_said_as_such(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    tile.show_books([PairBooks(1, "shop-books", _result(_line(
        "EUR", "80.00", "30.00", _undone("000000061", "20.00"),
        _undone("000000062", "30.00"))))])
    assert tile.tile.value_label.text() == "2 orders you undid are not in the books (50.00 EUR)"
    assert not tile.tile.property("highlight"), "out of the books by the merchant's choice"
    assert "post-again shop-books --order 000000061" in tile.details.text()


def test_an_undone_order_and_its_refund_are_counted_each(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    refund = Finding(undone_words("000000061", "shop-books", refund=True), "refund", "R-61",
                     "61", Decimal("-5.00"), Decimal(0))
    tile.show_books([PairBooks(1, "shop-books", _result(_line(
        "USD", "15.00", "0.00", _undone("000000061", "20.00"), refund)))])
    assert tile.tile.value_label.text() == (
        "1 order and 1 refund you undid are not in the books (15.00 USD)")


def test_a_real_difference_stays_a_difference_beside_what_the_merchant_chose(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    gone = Finding(DELETED, "order", "000000042", "42", Decimal("25.00"), Decimal("0"), "7")
    tile.show_books([PairBooks(1, "shop-books", _result(
        _line("USD", "135.00", "100.00", gone, _held("000000051", "10.00")),
        _line("EUR", "50.00", "30.00", _undone("000000061", "20.00"))))])
    assert tile.tile.value_label.text() == (
        "1 order you undid is not in the books (20.00 EUR); books 25.00 USD under the store, "
        "1 order waits for your approval (10.00 USD)")
    assert tile.tile.property("highlight")


def test_orders_flagged_in_the_error_queue_are_named_with_where_to_fix_them(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    flagged = [Finding(FLAGGED, "order", n, n, Decimal(a), Decimal(0))
               for n, a in (("000000071", "60.00"), ("000000072", "34.00"))]
    gone = Finding(DELETED, "order", "000000042", "42", Decimal("5.00"), Decimal("0"), "7")
    tile.show_books([PairBooks(1, "shop-books", _result(
        _line("USD", "200.00", "101.00", *flagged, gone)))])
    assert tile.tile.value_label.text() == (
        "books 5.00 USD under the store, 2 orders flagged in the error queue are not in the "
        "books (94.00 USD)")
    assert tile.tile.property("highlight"), "the merchant has something to fix"


def test_records_flagged_before_posting_are_not_hidden_behind_a_difference(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    flagged = Finding(FLAGGED, "order", "000000071", "71", Decimal("60.00"), Decimal(0))
    result = _result(_line("USD", "160.00", "100.00", flagged))
    result.unplaced += [Finding(f"{UNREAD} (invalid_data)", "order", n, n, Decimal(0),
                                Decimal(0)) for n in ("000000077", "000000078")]
    tile.show_books([PairBooks(1, "shop-books", result)])
    assert tile.tile.value_label.text() == (
        "1 order flagged in the error queue is not in the books (60.00 USD); "
        "2 more records to check")


def test_records_flagged_before_posting_are_not_hidden_behind_a_tick(qtbot) -> None:
    tile = BooksTile()
    qtbot.addWidget(tile)
    result = _result(_line("USD", "10.00", "10.00"))
    result.unplaced.append(Finding(f"{UNREAD} (invalid_data)", "order", "000000077", "77",
                                   Decimal(0), Decimal(0)))
    tile.show_books([PairBooks(1, "shop-books", result)])
    assert tile.tile.value_label.text() == "1 record to check"
    assert "order 000000077: flagged before it could be posted" in tile.details.text()


def test_the_dashboard_checks_the_books_in_the_background_after_a_sync(
        qtbot, make_shell, demo) -> None:
    h = make_shell()
    page = h.shell.window.pages["dashboard"]
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    # a check begun before the run ended shows first; the one asked for at its end runs after it
    qtbot.waitUntil(lambda: not page.checking_books and bool(page.books.books) and any(
        p.result is not None and p.result.lines for p in page.books.books), timeout=WAIT_MS * 3)
    value = page.books.tile.value_label.text()
    [pair] = page.books.books
    assert pair.result is not None
    if pair.result.reconciled:
        assert value == f"{TICK} reconciled"
    else:  # the demo flags some orders on purpose: they are the difference, named
        assert "flagged in the error queue are not in the books (" in value, value
        assert value.rstrip(")").split()[-1] in {"USD", "EUR"}
        for line in pair.result.differing():  # every cent of a day's difference is explained
            assert sum((f.difference for f in line.findings), Decimal(0)) == line.difference
        reasons = {f.reason for line in pair.result.differing() for f in line.findings}
        assert reasons == {FLAGGED}, "the demo's flagged orders, nothing taken for hand-made"
        assert FLAGGED in page.books.details.text()


def qtbot_button():  # the left button, without importing Qt in the test's signature
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_receipt_deleted_by_hand_is_reposted_from_the_dashboard_once(
        qtbot, make_shell, demo) -> None:
    h = make_shell()
    page = h.shell.window.pages["dashboard"]
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(page.books.books) and not page.checking_books,
                    timeout=WAIT_MS * 3)
    company = demo.ledger_sim.company
    with company.lock:  # the merchant deletes the latest receipt in the books by hand
        victim = max((r for r in company.live("SalesReceipt")
                      if "Voided" not in str(r.data.get("PrivateNote", ""))),
                     key=lambda r: str(r.data["TxnDate"]))
        number = str(victim.data["DocNumber"])
        company.mark_deleted(victim)
    page.check_books()
    qtbot.waitUntil(lambda: any(b.text().endswith(number) for b in page.books.repost_buttons),
                    timeout=WAIT_MS * 3)
    [button] = [b for b in page.books.repost_buttons if b.text().endswith(number)]
    button.click()
    qtbot.waitUntil(lambda: bool(h.dialogs.texts("inform")), timeout=WAIT_MS * 3)
    assert "posted again" in h.dialogs.texts("inform")[0]
    assert "never posted twice" in h.dialogs.texts("confirm")[0]
    qtbot.waitUntil(lambda: not any(b.text().endswith(number)
                                    for b in page.books.repost_buttons), timeout=WAIT_MS * 3)
    with company.lock:
        live = [r for r in company.live("SalesReceipt") if r.data.get("DocNumber") == number]
    assert len(live) == 1


def test_a_books_check_asked_for_while_one_runs_runs_again_after_it(
        qtbot, make_shell, empty_service, monkeypatch) -> None:
    """A sync that ends while a check is reading the books must not leave the card showing the
    figures from before it ended: the check asked for meanwhile runs once the first answers."""
    import threading

    from ecom_ledger_desktop.app.views import dashboard

    release, calls = threading.Event(), []

    def slow_check(_service: object) -> list[PairBooks]:
        calls.append(len(calls))
        if len(calls) == 1:
            release.wait(5)
        return []

    monkeypatch.setattr(dashboard, "check_books", slow_check)
    page = make_shell(service=empty_service).shell.window.pages["dashboard"]
    qtbot.waitUntil(lambda: not page.checking_books, timeout=WAIT_MS)
    calls.clear()
    page.check_books()  # reading the books...
    page.check_books()  # ...when a sync ends and asks again
    release.set()
    qtbot.waitUntil(lambda: len(calls) == 2 and not page.checking_books, timeout=WAIT_MS)
