"""The Pairs & rules page over the demo: edit the rules as a form, save, export, import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.settings import SettingsStore
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.app.views.pair_actions import file_name_for
from ecom_ledger_desktop.app.views.pair_form import RouteEditor, RulesForm
from ecom_ledger_desktop.app.views.pair_table import RowsTable
from ecom_ledger_desktop.app.views.pairs import PairsPage
from ecom_ledger_desktop.demo import DEMO_PAIR, DemoEnvironment
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.pair_config import rule_fields

from .conftest import WAIT_MS

OTHER = "Production copy"


class FakePaths:
    """Answers the file dialogs from the test."""

    def __init__(self) -> None:
        self.save: Path | None = None
        self.open: Path | None = None

    def save_path(self, parent, title, suggested):
        return self.save

    def open_path(self, parent, title):
        return self.open


class RecordingBackground(Background):
    def __init__(self, service) -> None:
        super().__init__(service)
        self.rescheduled: list[tuple[int, int, bool]] = []

    def reschedule(self, pair_id: int, minutes: int, enabled: bool = True) -> None:
        self.rescheduled.append((pair_id, minutes, enabled))
        super().reschedule(pair_id, minutes, enabled)


@pytest.fixture
def page(qtbot, tmp_path: Path, demo: DemoEnvironment) -> Iterator[PairsPage]:
    state = demo.service.open_state()
    try:
        demo_pair = state.connections.pair(DEMO_PAIR)
        assert demo_pair is not None
        with state.tx():
            state.connections.add_pair(OTHER, demo_pair.store_id, demo_pair.ledger_id,
                                       PostingRules(start_date=date(2026, 1, 1)), 60)
    finally:
        state.close()
    ctx = AppContext(service=demo.service, background=RecordingBackground(demo.service),
                     bridge=EventBridge(), tasks=TaskRunner(), dialogs=ScriptedDialogs(),
                     settings=SettingsStore(tmp_path / "settings.json"), data_dir=tmp_path,
                     log_dir=tmp_path / "logs", demo=True)
    shown = PairsPage(ctx)
    shown.paths = FakePaths()
    qtbot.addWidget(shown)
    shown.resize(1000, 800)
    shown.show()
    qtbot.waitUntil(lambda: shown.loaded, timeout=WAIT_MS)
    yield shown
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    ctx.tasks.shutdown()


def rules_of(page: PairsPage, name: str) -> tuple[PostingRules, int, bool]:
    state = page.ctx.service.open_state()
    try:
        pair = state.connections.pair(name)
    finally:
        state.close()
    assert pair is not None
    return pair.rules, pair.schedule_minutes, pair.enabled


def test_the_form_has_an_editor_for_every_rule_field(qtbot) -> None:
    form = RulesForm()
    qtbot.addWidget(form)
    for spec in rule_fields():
        assert spec.name in form.editors or spec.name == "start_date"
    assert isinstance(form.editors["payment_routes"], RowsTable)
    assert isinstance(form.editors["default_payment_route"], RouteEditor)


def test_editing_the_rules_and_saving_changes_the_cores_rules(qtbot, page) -> None:
    page.select(DEMO_PAIR)
    form = page.form
    routes = form.editors["payment_routes"]
    assert isinstance(routes, RowsTable)
    assert [cells[0] for _, cells in routes.rows()] == sorted(
        ["checkmo", "banktransfer", "paypal_express", "braintree"])
    paid = form.editors["paid_document"]
    paid.setCurrentIndex(paid.findData("invoice"))
    sku = form.editors["unmapped_sku_policy"]
    sku.setCurrentIndex(sku.findData("create_item"))
    form.editors["shipping_item"].setText("Postage")
    form.start_date.setDate(QDate(2026, 2, 1))
    form.schedule.setValue(45)
    routes.add_row(["cashondelivery", "Cash on hand", "Cash"])
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Saved"), timeout=WAIT_MS)
    rules, minutes, enabled = rules_of(page, DEMO_PAIR)
    assert rules.paid_document == "invoice" and rules.unmapped_sku_policy == "create_item"
    assert rules.shipping_item == "Postage" and rules.start_date == date(2026, 2, 1)
    assert rules.payment_routes["cashondelivery"].deposit_account == "Cash on hand"
    assert rules.payment_routes["cashondelivery"].payment_method == "Cash"
    assert rules.payment_routes["checkmo"].payment_method == "Check"
    assert minutes == 45 and enabled
    pair_id = page.current.id
    assert (pair_id, 45, True) in page.ctx.background.rescheduled


def test_a_bad_row_or_value_is_shown_under_its_field_and_nothing_saved(qtbot, page) -> None:
    page.select(DEMO_PAIR)
    routes = page.form.editors["payment_routes"]
    routes.add_row(["", "Checking", ""])
    page.save_button.click()
    problem = page.form.problems["payment_routes"]
    assert problem.isVisible() and "first column is empty" in problem.text()
    rules, _, _ = rules_of(page, DEMO_PAIR)
    assert "" not in rules.payment_routes and len(rules.payment_routes) == 4, "nothing saved"
    routes.set_rows([["checkmo", "Checking", "Check"]])
    page.form.editors["refund_account"].setText("Refunds")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Saved"), timeout=WAIT_MS)
    assert not problem.isVisible()
    rules, _, _ = rules_of(page, DEMO_PAIR)
    assert list(rules.payment_routes) == ["checkmo"] and rules.refund_account == "Refunds"


def test_export_then_import_into_another_pair(qtbot, page, tmp_path) -> None:
    page.select(DEMO_PAIR)
    page.form.editors["discount_item"].setText("Promotions")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Saved"), timeout=WAIT_MS)
    target = tmp_path / file_name_for(DEMO_PAIR)
    assert target.name == "demo-shop-quickbooks.ecom-ledger.json"
    page.paths.save = target
    page.export_button.click()
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Exported"), timeout=WAIT_MS)
    document = json.loads(target.read_text())
    assert document["rules"]["discount_item"] == "Promotions"
    assert "token" not in target.read_text() and "http" not in target.read_text()
    page.select(OTHER)
    assert page.form.editors["discount_item"].text() == "Discount"
    page.paths.open = target
    page.import_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Imported"), timeout=WAIT_MS)
    rules, minutes, _ = rules_of(page, OTHER)
    source, source_minutes, _ = rules_of(page, DEMO_PAIR)
    assert rules == source and minutes == source_minutes
    assert page.form.editors["discount_item"].text() == "Promotions"
    assert page.ctx.dialogs.texts("inform")


def test_a_bad_file_names_each_bad_field_and_changes_nothing(qtbot, page, tmp_path) -> None:
    page.select(OTHER)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "format": "ecom-ledger-pair-config", "version": 1, "schedule_minutes": 0,
        "rules": {"start_date": "2026-01-01", "paid_document": "cheque", "nonsense": 1}}))
    page.paths.open = bad
    before = rules_of(page, OTHER)
    page.import_button.click()
    problems = page.form.problems
    qtbot.waitUntil(problems["paid_document"].isVisible, timeout=WAIT_MS)
    assert page.form.general_problem.isVisible()
    general = page.form.general_problem.text()
    assert "nonsense" in general and "is not a setting" in general
    assert problems["schedule_minutes"].isVisible()
    assert "1 to 1440" in problems["schedule_minutes"].text()
    assert rules_of(page, OTHER) == before
    assert page.import_button.isEnabled()


def test_import_is_cancelled_when_the_merchant_says_no(qtbot, page, tmp_path) -> None:
    page.select(OTHER)
    page.paths.open = tmp_path / "whatever.json"
    page.ctx.dialogs.answers = [False]
    page.import_button.click()
    assert page.ctx.tasks.in_flight == 0 and page.import_button.isEnabled()


def test_without_a_pair_the_page_offers_the_setup_assistant(qtbot, tmp_path, empty_service
                                                            ) -> None:
    from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant

    ctx = AppContext(service=empty_service, background=Background(empty_service),
                     bridge=EventBridge(), tasks=TaskRunner(), dialogs=ScriptedDialogs(),
                     settings=SettingsStore(tmp_path / "settings.json"), data_dir=tmp_path,
                     log_dir=tmp_path / "logs")
    empty = PairsPage(ctx)
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitUntil(lambda: empty.loaded, timeout=WAIT_MS)
    assert empty.empty.isVisible() and not empty.form.isVisible()
    empty.empty.buttons[0].click()
    wizards = empty.findChildren(SetupAssistant)
    assert len(wizards) == 1 and wizards[0].isVisible()
    wizards[0].reject()
    ctx.tasks.shutdown()


def test_unsaved_edits_survive_leaving_the_page_and_coming_back(qtbot, page) -> None:
    page.select(DEMO_PAIR)
    form = page.form
    form.editors["shipping_item"].setText("Postage")
    form.schedule.setValue(45)
    assert form.is_edited()
    page.hide()  # the merchant looks at another page, then comes back: the page re-reads pairs
    page.show()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Unsaved"), timeout=WAIT_MS)
    assert form.editors["shipping_item"].text() == "Postage" and form.schedule.value() == 45
    page.revert_button.click()  # "Undo changes" puts the stored rules back
    assert form.editors["shipping_item"].text() != "Postage" and not form.is_edited()
    assert page.saved_label.text() == ""
    rules, minutes, _enabled = rules_of(page, DEMO_PAIR)
    assert rules.shipping_item != "Postage" and minutes != 45, "nothing was saved by leaving"


def test_the_new_rules_read_plainly_and_unpaid_posting_is_chosen_in_words(qtbot, page) -> None:
    page.select(DEMO_PAIR)
    form = page.form
    summary = form.summary.text()
    for words in ("Tax: in the ledger's own sales tax", "Gift cards:", "Unpaid orders: orders "
                  "paid by bank transfer", "Refunds:"):
        assert words in summary
    assert "“Gift Card” / “Gift Card”" not in summary
    tax = form.editors["tax_mode"]
    hint = form.hints["tax_mode"]
    assert "reports show what the store collected" in hint.text() and "exempt" not in hint.text()
    tax.setCurrentIndex(tax.findData("line_item"))
    assert "exempt" in hint.text(), "the help follows the choice"
    tax.setCurrentIndex(tax.findData("ledger"))
    posting = form.editors["payment_posting"]
    assert isinstance(posting, RowsTable)
    box = posting.table.cellWidget(0, 1)
    assert posting.cell(0, 0) == "banktransfer"
    assert box.currentText() == "only once paid (nothing before)"
    assert "post_" not in " ".join(box.itemText(i) for i in range(box.count()))
    box.setCurrentIndex(box.findData("post_at_order"))
    posting.add_row(["purchaseorder_b2b"])  # a new method: a choice in words, no code to type
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved_label.text().startswith("Saved"), timeout=WAIT_MS)
    rules, _, _ = rules_of(page, DEMO_PAIR)
    assert rules.payment_posting["banktransfer"] == "post_at_order"
    assert rules.payment_posting["purchaseorder_b2b"] == "post_when_paid"
    assert rules.payment_posting["checkmo"] == "post_when_paid"
    assert "orders paid by cash on delivery, check / money order" in page.form.summary.text()
