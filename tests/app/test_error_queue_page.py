"""The error queue page against the demo simulators: fixes in place, in the background."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QLabel

from ecom_ledger_desktop.app.views.error_queue import EMPTY_HEADING, ErrorQueuePage

from .conftest import WAIT_MS

#: what the 30-order demo flags: two SKUs the books do not know (a mug, gift wrapping), a buyer the
#: books know twice, and a bank transfer unpaid for over 30 days
DEMO_ROWS = 4


def _synced_page(qtbot, make_shell, rows: int = DEMO_ROWS, **kwargs
                 ) -> tuple[object, ErrorQueuePage]:
    h = make_shell(**kwargs)
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    page = h.shell.window.pages["errors"]
    assert isinstance(page, ErrorQueuePage)
    h.shell.window.show_page("errors")
    qtbot.waitUntil(lambda: page.model.rowCount() == rows, timeout=WAIT_MS)
    return h, page


def _entry_of(page: ErrorQueuePage, code: str, ref: str = ""):
    return next(e for e in page.model.rows() if e.code == code and (not ref or e.record_ref == ref))


def _show(qtbot, page: ErrorQueuePage, entry_id: int) -> None:
    assert page.select_entry(entry_id)
    qtbot.waitUntil(lambda: page.detail.view is not None
                    and page.detail.view.details.entry.id == entry_id, timeout=WAIT_MS)


def _settle(qtbot, h) -> None:
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)


def test_map_a_sku_in_the_page_posts_the_order_and_it_leaves_the_queue(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "unmapped_sku", "000000026")  # GIFT-WRAP
    _show(qtbot, page, entry.id)
    fixes = page.detail.fixes
    assert fixes is not None and fixes.item_picker is not None
    assert page.detail.message.text().startswith("SKU 'GIFT-WRAP'")
    assert "GIFT-WRAP" in page.detail.order.text()
    assert "4.00 USD" in page.detail.order.text(), "the line's amount says its currency"
    picker = fixes.item_picker
    names = [picker.itemData(i) for i in range(picker.count())]
    assert "Fees" in names, "every ledger item is offered, not only the suggestions"
    assert names[0] == page.detail.view.details.item_suggestions[0].item.name
    picker.setEditText("Fees")
    fixes.buttons["map_sku"].click()
    assert page.detail.busy_label.text().startswith("Mapping the product")
    qtbot.waitUntil(lambda: entry.id not in page.model.entry_ids(), timeout=WAIT_MS)
    assert "Order 000000026 was posted" in page.outcome.text()
    qtbot.waitUntil(lambda: h.shell.window.nav.badge("errors") == DEMO_ROWS - 1, timeout=WAIT_MS)
    state = h.ctx.service.open_state()
    try:
        assert state.mappings.skus(entry.pair_id)["GIFT-WRAP"] == "Fees"
        assert state.errors.get(entry.id).status != "open"
    finally:
        state.close()


def test_pick_the_same_customer_side_by_side_posts_the_order(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "duplicate_customer")
    _show(qtbot, page, entry.id)
    compare = page.detail.fixes.compare
    assert compare is not None and len(compare.cards) == 2
    best = compare.cards[0]
    assert best.card.matches == ("email", "name")
    assert best.value_labels["email"].property("match") is True
    assert best.value_labels["phone"].property("match") is False
    assert best.button is not None
    best.button.click()
    qtbot.waitUntil(lambda: entry.id not in page.model.entry_ids(), timeout=WAIT_MS)
    assert "was posted" in page.outcome.text()
    state = h.ctx.service.open_state()
    try:
        assert state.errors.get(entry.id).status == "resolved"
    finally:
        state.close()


def test_ignore_asks_for_a_reason_and_confirms_through_the_dialog_service(qtbot,
                                                                          make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "unmapped_sku", "000000016")
    _show(qtbot, page, entry.id)
    fixes = page.detail.fixes
    fixes.buttons["ignore"].click()
    assert h.dialogs.texts("confirm") == [], "no reason yet: nothing is asked"
    fixes.reason_box.setEditText("Test order")
    h.dialogs.answers = [False]
    fixes.buttons["ignore"].click()
    assert "Test order" in h.dialogs.texts("confirm")[-1]
    _settle(qtbot, h)
    assert entry.id in page.model.entry_ids(), "declined: still waiting"
    fixes = page.detail.fixes
    fixes.reason_box.setEditText("Test order")
    fixes.buttons["ignore"].click()
    qtbot.waitUntil(lambda: entry.id not in page.model.entry_ids(), timeout=WAIT_MS)
    assert "was ignored" in page.outcome.text()
    state = h.ctx.service.open_state()
    try:
        closed = state.errors.get(entry.id)
        assert closed.status == "ignored" and closed.resolution == "Test order"
    finally:
        state.close()


def test_bulk_retry_posts_what_can_be_posted_and_says_what_still_waits(qtbot,
                                                                       make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    mugs = [e for e in page.model.rows() if e.detail == "LEGACY-MUG-01"]
    assert len(mugs) == 1
    state = h.ctx.service.open_state()
    try:  # as if mapped on the Mappings page: the mug order can post now
        with state.tx():
            state.mappings.set_sku(mugs[0].pair_id, "LEGACY-MUG-01", "Fees")
    finally:
        state.close()
    page.table.selectAll()
    assert page.retry_selected.text() == f"Retry selected ({DEMO_ROWS})"
    steps: list[tuple[int, int]] = []
    page._progress.step.connect(lambda done, total: steps.append((done, total)))
    page.retry_selected.click()
    assert not page.retry_selected.isEnabled()
    qtbot.waitUntil(lambda: page.model.rowCount() == DEMO_ROWS - 1
                    and page.retry_selected.isEnabled(), timeout=WAIT_MS)
    assert steps[-1] == (DEMO_ROWS, DEMO_ROWS)
    assert page.outcome.text().startswith(
        f"1 of {DEMO_ROWS} records posted. {DEMO_ROWS - 1} still wait for you")
    assert {e.code for e in page.model.rows()} == {"unmapped_sku", "duplicate_customer",
                                                   "unpaid_order"}
    qtbot.waitUntil(lambda: h.shell.window.nav.badge("errors") == DEMO_ROWS - 1, timeout=WAIT_MS)


def test_filter_search_and_the_empty_state(qtbot, make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    assert page.problem_filter.itemText(0) == f"All problems ({DEMO_ROWS})"
    page.problem_filter.setCurrentIndex(page.problem_filter.findData("duplicate_customer"))
    assert page.proxy.rowCount() == 1
    page.problem_filter.setCurrentIndex(0)
    page.search.setText("000000016")
    assert page.proxy.rowCount() == 1
    page.search.setText("mug")
    assert page.proxy.rowCount() == 1
    page.search.clear()
    for entry in list(page.model.rows()):
        h.ctx.service.ignore(entry.id, "test")  # straight to the core, as another window would
    page.refresh()
    qtbot.waitUntil(page.empty.isVisible, timeout=WAIT_MS)
    assert page.empty.heading_label.text() == EMPTY_HEADING
    assert not page.content.isVisible()
    label = page.empty.text_label
    assert label.height() >= label.heightForWidth(label.width()), "no line is cut off"
    qtbot.waitUntil(lambda: h.shell.window.nav.badge("errors") == 0, timeout=WAIT_MS)


def test_void_and_repost_and_rule_links_are_offered_where_they_apply(qtbot, make_shell) -> None:
    from ecom_ledger_desktop.app.views.error_fixes import FixesView
    from ecom_ledger_desktop.core.errors import Fix
    from ecom_ledger_desktop.sync.error_details import ErrorDetails, fix_options

    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "unmapped_sku")
    closed = entry.__class__(**{**entry.__dict__, "code": "closed_period",
                                "fixes": [Fix("void_and_repost", "Void it"), Fix("edit_field",
                                                                             "Change the date")]})
    view = FixesView(ErrorDetails(closed, "Closed", None, fix_options(closed.fixes),
                                  rule_fields=["shipping_item"]), [])
    asked: list[tuple[str, str]] = []
    view.requested.connect(lambda a, v: asked.append((a, v)))
    pages: list[str] = []
    view.navigate.connect(pages.append)
    view.rules_link.linkActivated.emit("#rules")
    assert pages == ["pairs"] and "shipping item" in view.rules_link.text()
    view.buttons["void_and_repost"].click()
    assert asked == [("void_and_repost", "")]
    h.dialogs.answers = [False]
    _show(qtbot, page, entry.id)
    page.run_fix("void_and_repost")
    assert h.dialogs.texts("confirm")[-1].startswith("The document already posted")
    assert not page._busy, "declined: nothing runs"


def test_the_error_queue_never_touches_the_database_on_the_gui_thread(
        qtbot, make_shell, db_opened_on) -> None:
    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "unmapped_sku", "000000026")
    _show(qtbot, page, entry.id)
    page.detail.fixes.buttons["create_item"].click()
    qtbot.waitUntil(lambda: entry.id not in page.model.entry_ids(), timeout=WAIT_MS)
    page.table.selectAll()
    page.retry_selected.click()
    qtbot.waitUntil(page.retry_selected.isEnabled, timeout=WAIT_MS)
    _settle(qtbot, h)
    assert db_opened_on
    assert threading.main_thread() not in db_opened_on


def test_a_retry_that_still_fails_keeps_the_record_in_view_and_says_why(qtbot,
                                                                        make_shell) -> None:
    h, page = _synced_page(qtbot, make_shell)
    entry = _entry_of(page, "unmapped_sku", "000000026")
    _show(qtbot, page, entry.id)
    page.detail.fixes.buttons["retry"].click()
    qtbot.waitUntil(lambda: not page._busy and page.detail.view is not None, timeout=WAIT_MS)
    _settle(qtbot, h)
    assert "Order 000000026 is still waiting" in page.outcome.text()
    assert "GIFT-WRAP" in page.outcome.text()
    assert page.model.rowCount() == DEMO_ROWS
    shown = page.detail.view.details.entry
    assert (shown.record_ref, shown.code) == ("000000026", "unmapped_sku")
    assert page.outcome.styleSheet().count("#fff3cd") == 1, "said as needing attention"


def test_mapping_a_sku_once_in_the_page_posts_every_order_waiting_on_it(qtbot, make_shell,
                                                                        demo) -> None:
    demo.store_sim.add_order({  # a second order with the mug the books do not know
        "customer": {"email": "mug.fan@example.com", "firstname": "Mug", "lastname": "Fan"},
        "lines": [{"sku": "LEGACY-MUG-01", "name": "Vintage Logo Mug", "qty": 2, "price": "14"}],
        "shipping": "5", "currency": "USD", "payment_method": "braintree", "paid": True})
    h, page = _synced_page(qtbot, make_shell, rows=DEMO_ROWS + 1)
    mugs = [e for e in page.model.rows() if e.detail == "LEGACY-MUG-01"]
    assert len(mugs) == 2
    _show(qtbot, page, mugs[0].id)
    fixes = page.detail.fixes
    assert fixes is not None and fixes.item_picker is not None
    fixes.item_picker.setEditText("Fees")
    fixes.buttons["map_sku"].click()
    # a background refresh may drop both rows before the fix reports: wait for its words too
    qtbot.waitUntil(lambda: not {m.id for m in mugs} & set(page.model.entry_ids())
                    and "was posted" in page.outcome.text(), timeout=WAIT_MS)
    assert "was posted to QuickBooks" in page.outcome.text()
    assert "1 other record waiting on the same fix was posted too" in page.outcome.text()
    qtbot.waitUntil(lambda: h.shell.window.nav.badge("errors") == DEMO_ROWS - 1,
                    timeout=WAIT_MS)
    state = h.ctx.service.open_state()
    try:
        assert [state.errors.get(m.id).status for m in mugs] == ["resolved", "resolved"]
    finally:
        state.close()


def test_a_refund_of_an_order_before_the_start_date_offers_its_fixes_and_posts_alone(
        qtbot, make_shell, demo) -> None:
    placed = (datetime.now(UTC) - timedelta(days=200)).strftime("%Y-%m-%d %H:%M:%S")
    old = demo.store_sim.add_order({
        "customer": {"email": "old.customer@example.com", "firstname": "Old", "lastname": "One"},
        "lines": [{"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 1, "price": "34.00"}],
        "shipping": "0", "currency": "USD", "payment_method": "checkmo", "paid": True,
        "created_at": placed})
    demo.store_sim.refund_order(old, {"lines": [{"sku": "24-MB01", "qty": 1}], "shipping": 0})
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    page = h.shell.window.pages["errors"]
    h.shell.window.show_page("errors")
    qtbot.waitUntil(lambda: any(e.code == "order_not_posted" for e in page.model.rows()),
                    timeout=WAIT_MS)
    entry = _entry_of(page, "order_not_posted")
    _show(qtbot, page, entry.id)
    fixes = page.detail.fixes
    assert {"import_order", "post_refund_alone", "ignore"} <= set(fixes.buttons)
    fixes.buttons["post_refund_alone"].click()
    qtbot.waitUntil(lambda: entry.id not in page.model.entry_ids()
                    and "was posted" in page.outcome.text(), timeout=WAIT_MS)
    assert "was posted to QuickBooks" in page.outcome.text()
    refunds = [r for r in demo.ledger_sim.entities("RefundReceipt")
               if str(r.get("PrivateNote", "")).startswith(f"Refund {entry.record_ref} of order")]
    assert len(refunds) == 1


def test_creating_a_missing_gift_card_item_in_the_page_posts_every_order_waiting_on_it(
        qtbot, make_shell, demo) -> None:
    state = demo.service.open_state()
    try:  # the rules name a gift card item the company does not have
        pair = state.connections.pair(demo.service.pairs()[0].id)
        with state.tx():
            state.connections.save_rules(pair.id, pair.rules.model_copy(
                update={"gift_card_item": "Gift Certificates"}))
    finally:
        state.close()
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    page = h.shell.window.pages["errors"]
    h.shell.window.show_page("errors")
    qtbot.waitUntil(lambda: page.model.rowCount() > DEMO_ROWS, timeout=WAIT_MS)
    missing = [e for e in page.model.rows() if e.code == "missing_reference"]
    assert len(missing) >= 2 and {e.detail for e in missing} == {"Gift Certificates"}
    _show(qtbot, page, missing[0].id)
    row_text = " ".join(label.text() for label in page.detail.fixes.findChildren(QLabel))
    assert "A new service item “Gift Certificates” in QuickBooks" in row_text
    assert "SKU" not in row_text, "not offered as if it were a product"
    page.detail.fixes.buttons["create_item"].click()
    qtbot.waitUntil(lambda: not {e.id for e in missing} & set(page.model.entry_ids())
                    and "was posted" in page.outcome.text(), timeout=WAIT_MS)
    assert f"{len(missing) - 1} other records waiting on the same fix were posted too" \
        in page.outcome.text()
    qtbot.waitUntil(lambda: h.shell.window.nav.badge("errors") == DEMO_ROWS, timeout=WAIT_MS)
    assert [i for i in demo.ledger_sim.entities("Item") if i["Name"] == "Gift Certificates"]
