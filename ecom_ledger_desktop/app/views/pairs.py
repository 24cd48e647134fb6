"""Pairs & rules: pick a pair, edit its schedule and posting rules, save; export or import the
whole configuration as a file (to copy a tested sandbox setup to production)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.page import PAGE_MARGIN, Page
from ecom_ledger_desktop.app.views.pair_actions import (
    PathChooser,
    QtPathChooser,
    export_to,
    file_name_for,
    import_from,
    read_pairs,
    save_pair,
)
from ecom_ledger_desktop.app.views.pair_form import RulesForm
from ecom_ledger_desktop.app.views.widgets import EmptyState
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.pair_config import FieldProblem, ImportReport, PairConfigError


class PairsPage(Page):
    """Where the merchant pairs a store with a ledger and sets the posting rules."""

    key = "pairs"
    title = "Pairs & rules"
    subtitle = "Which store posts into which books, and how each order is recorded."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.paths: PathChooser = QtPathChooser()
        self.pairs: list[Pair] = []
        self.loaded = False
        self.empty = EmptyState(
            "No pair yet",
            "A pair sends one store's orders into one set of books, from a start date, on "
            "a schedule. The setup assistant connects both and makes the pair in a few minutes.",
            [("Open the setup assistant", self.open_assistant)])
        self.empty.hide()
        self.body.addWidget(self.empty)
        self.top = QWidget()
        top = QHBoxLayout(self.top)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(10)
        top.addWidget(QLabel("Pair"))
        self.picker = QComboBox()
        self.picker.setMinimumWidth(280)
        self.picker.currentIndexChanged.connect(self._picked)
        top.addWidget(self.picker)
        top.addStretch(1)
        self.export_button = QPushButton("Export to file…")
        self.import_button = QPushButton("Import from file…")
        self.new_button = QPushButton("New pair…")
        for button in (self.export_button, self.import_button, self.new_button):
            button.setObjectName("secondaryButton")
            top.addWidget(button)
        self.new_button.clicked.connect(self.open_assistant)
        self.export_button.clicked.connect(self.export_file)
        self.import_button.clicked.connect(self.import_file)
        self.body.addWidget(self.top)
        self.form = RulesForm()
        self.books: dict[int, str] = {}  # pair id -> its ledger brand
        self.body.addWidget(self.form)
        self.bottom = QWidget()  # a footer under the scrolling page: Save is always in view
        self.bottom.setObjectName("saveBar")
        self.bottom.setStyleSheet("#saveBar { background: white; border-top: 1px solid #e0e5e8; }")
        self.bottom.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bottom = QHBoxLayout(self.bottom)
        bottom.setContentsMargins(PAGE_MARGIN, 10, PAGE_MARGIN + 8, 10)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("muted")
        bottom.addWidget(self.saved_label, 1)
        self.revert_button = QPushButton("Undo changes")
        self.revert_button.setObjectName("secondaryButton")
        self.revert_button.clicked.connect(self._picked)
        bottom.addWidget(self.revert_button)
        self.save_button = QPushButton("Save rules")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        outer = self.layout()
        assert outer is not None
        outer.addWidget(self.bottom)
        self._set_has_pairs(False)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the pairs in the background."""
        self.ctx.tasks.run(read_pairs, self.ctx.service, on_done=self._show_pairs)

    def _show_pairs(self, read: tuple[list[Pair], dict[int, str]]) -> None:
        pairs, self.books = read
        current = self.current
        edited = current is not None and self.form.is_edited() \
            and any(p.id == current.id for p in pairs)
        self.pairs = pairs
        self._fill_picker(current.id if current else None)
        self.loaded = True
        self._set_has_pairs(bool(pairs))
        if edited:  # back on the page with unsaved edits: keep them ("Undo changes" drops them)
            self.saved_label.setText("Unsaved changes: save them, or undo them.")
            return
        self._show_current()

    def _fill_picker(self, selected: int | None) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        for pair in self.pairs:
            self.picker.addItem(pair.name, pair.id)
        wanted = self.picker.findData(selected) if selected is not None else 0
        self.picker.setCurrentIndex(max(0, wanted))
        self.picker.blockSignals(False)

    def _set_has_pairs(self, has: bool) -> None:
        self.empty.setVisible(not has and self.loaded)
        for widget in (self.top, self.form, self.bottom):
            widget.setVisible(has)

    @property
    def current(self) -> Pair | None:
        """The pair being edited."""
        pair_id = self.picker.currentData()
        return next((p for p in self.pairs if p.id == pair_id), None)

    def select(self, name: str) -> None:
        """Pick a pair by name."""
        self.picker.setCurrentIndex(self.picker.findText(name))

    def _picked(self, _index: int) -> None:
        self.saved_label.clear()
        self._show_current()

    def _show_current(self) -> None:
        if self.current is not None:
            self.form.speak_of(self.books.get(self.current.id, NO_BRAND))
            self.form.load(self.current)

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> None:
        """Validate and save in the background; problems appear under their fields."""
        pair = self.current
        if pair is None:
            return
        changes, problems = self.form.changes()
        if problems:
            self.form.show_problems(problems)
            self.saved_label.setText("Not saved: see the problems above.")
            return
        self.form.clear_problems()
        self.save_button.setEnabled(False)
        self.saved_label.setText("Saving…")
        self.ctx.tasks.run(save_pair, self.ctx.service, self.ctx.background, pair.id, changes,
                           self.form.schedule.value(), self.form.enabled.isChecked(),
                           on_done=self._saved, on_error=self._failed)

    def _saved(self, pair: Pair) -> None:
        self.save_button.setEnabled(True)
        self._replace(pair)
        self.saved_label.setText(f"Saved. {pair.name} syncs every {pair.schedule_minutes} "
                                 f"minutes" + ("." if pair.enabled else " when you say so."))
        if self.ctx.status is not None:
            self.ctx.status.refresh()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.import_button.setEnabled(True)
        if isinstance(error, PairConfigError):
            self.form.show_problems(error.problems)
        else:
            self.form.show_problems([FieldProblem("file", str(error))])
        self.saved_label.setText("Not saved: see the problems above.")

    def _replace(self, pair: Pair) -> None:
        self.pairs = [pair if p.id == pair.id else p for p in self.pairs]
        if self.current is not None and self.current.id == pair.id:
            self.form.load(pair)

    # -- files ------------------------------------------------------------------------------
    def export_file(self) -> None:
        """Write the pair's whole configuration to a file the merchant picks."""
        pair = self.current
        if pair is None:
            return
        path = self.paths.save_path(self, f"Export {pair.name}", file_name_for(pair.name))
        if path is None:
            return
        self.ctx.tasks.run(export_to, self.ctx.service, pair.id, path,
                           on_done=lambda written: self.saved_label.setText(
                               f"Exported to {written}. It holds no passwords or addresses."),
                           on_error=lambda error: self.ctx.dialogs.warn(
                               "Not exported", f"The file could not be written: {error}", self))

    def import_file(self) -> None:
        """Replace the pair's rules, schedule and mappings with a file's (after asking)."""
        pair = self.current
        if pair is None:
            return
        path = self.paths.open_path(self, f"Import into {pair.name}")
        if path is None or not self.ctx.dialogs.confirm(
                f"Import into {pair.name}?",
                f"The posting rules and schedule of {pair.name} are replaced by the file's, and "
                "its SKU mappings are added. Nothing changes if the file has a problem.",
                accept="Import", parent=self):
            return
        self.import_button.setEnabled(False)
        self.form.clear_problems()
        self.ctx.tasks.run(import_from, self.ctx.service, self.ctx.background, pair.id, path,
                           on_done=self._imported, on_error=self._failed)

    def _imported(self, result: tuple[Pair, ImportReport]) -> None:
        pair, report = result
        self.import_button.setEnabled(True)
        self._replace(pair)
        text = (f"Imported into {pair.name}: rules and schedule replaced, "
                f"{report.skus_set} SKU mappings set.")
        self.saved_label.setText(text)
        self.ctx.dialogs.inform("Imported", " ".join([text, *report.notes]), self)

    def open_assistant(self) -> None:
        """Open the setup assistant; refresh when it made a pair."""
        from ecom_ledger_desktop.app.views.setup_assistant import open_setup_assistant

        wizard = open_setup_assistant(self.ctx, self)
        wizard.pair_created.connect(lambda _pair_id: self.refresh())
