"""The assistant's last steps: start date and schedule (makes the pair), the suggested SKU
matches (those above 90 ticked), and done. Work that touches the database or the network runs
in the background; Next waits for it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from ecom_ledger_desktop.app.views.connection_form import problem_label
from ecom_ledger_desktop.app.views.setup_work import Suggestion, accept, create_pair, suggestions
from ecom_ledger_desktop.connectors.registry import KINDS, kinds_for
from ecom_ledger_desktop.sync.pair_config import MAX_SCHEDULE_MINUTES, PairConfigError

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant

DEFAULT_MINUTES = 15
STATUS_TEXT = {"found": "same SKU in {books}", "mapped": "already matched",
               "unmapped": "no match: map it later, or it waits in the error queue"}


class AsyncPage(QWizardPage):
    """A page whose Next runs background work first, then moves on by itself."""

    def __init__(self) -> None:
        super().__init__()
        self.validated = False
        self.working = False

    @property
    def assistant(self) -> SetupAssistant:
        """The wizard this page is in."""
        return cast("SetupAssistant", self.wizard())

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        """True once the work is done; otherwise start it (Next is pressed again for us)."""
        if self.validated:
            return True
        if not self.working:
            self.working = True
            self.start_work()
        return False

    def start_work(self) -> None:
        """Begin the background work; call ``work_done`` or ``work_failed``."""
        raise NotImplementedError

    def work_done(self) -> None:
        """Move on."""
        self.working = False
        self.validated = True
        self.assistant.next()

    def work_failed(self) -> None:
        """Stay, so the merchant can fix what the page says."""
        self.working = False


class SchedulePage(AsyncPage):
    """Pair name, start date and schedule; Next makes the pair."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Start date and schedule")
        self.setSubTitle("Orders created before the start date are never imported, so old "
                         "history does not land in your books twice.")
        form = QFormLayout(self)
        form.setVerticalSpacing(8)
        self.name_edit = QLineEdit()
        self.name_problem = problem_label()
        form.addRow("Pair name", self.name_edit)
        form.addRow("", self.name_problem)
        self.start_date = QDateEdit()
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("d MMMM yyyy")
        self.start_date.setMaximumWidth(220)
        form.addRow("Start from", self.start_date)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, MAX_SCHEDULE_MINUTES)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(" minutes")
        self.minutes.setMaximumWidth(220)
        form.addRow("Sync every", self.minutes)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow("", self.status)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Defaults from the connections just made."""
        wizard = self.assistant
        if not self.name_edit.text():
            self.name_edit.setText(f"{wizard.store_name} → {wizard.ledger_name}")
            self.start_date.setDate(wizard.today())

    def start_work(self) -> None:
        """Make the pair (once)."""
        wizard = self.assistant
        if wizard.pair_id is not None:
            self.work_done()
            return
        self.name_problem.hide()
        self.status.setText("Making the pair…")
        chosen = self.start_date.date()
        wizard.ctx.tasks.run(create_pair, wizard.ctx.service, wizard.ctx.background,
                             self.name_edit.text(), wizard.store_name, wizard.ledger_name,
                             date(chosen.year(), chosen.month(), chosen.day()),
                             self.minutes.value(), on_done=self._created,
                             on_error=self._failed)

    def _created(self, pair_id: int) -> None:
        self.assistant.pair_id = pair_id
        self.assistant.pair_created.emit(pair_id)
        self.status.setText("")
        self.work_done()

    def _failed(self, error: BaseException) -> None:
        self.status.setText("")
        message = (error.problems[0].message if isinstance(error, PairConfigError)
                   and error.problems else str(error))
        self.name_problem.setText(message[:1].upper() + message[1:])
        self.name_problem.show()
        self.work_failed()


class MappingsPage(AsyncPage):
    """The store's products against the books' items (in the chosen ledger's brand); Next
    saves the ticked matches."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Check the suggested matches")
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, 4)
        self.books = ""
        self.loaded = False
        self.speak_of(kinds_for("ledger")[0].brand)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.rows: list[Suggestion] = []
        self.loaded = False
        self.saved = 0

    def speak_of(self, books: str) -> None:
        """Word the page for the ledger brand ``books`` ("FreshBooks")."""
        self.books = books
        self.setSubTitle(f"Each store product is matched to a {books} item by SKU and name. "
                         "Matches scoring over 90 are ticked; untick any that are wrong.")
        if not self.loaded:
            self.status.setText(f"Reading your products and {books} items…")
        self.table.setHorizontalHeaderLabels(["Store product", f"{books} item", "Score",
                                              "What happens"])

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Read the suggestions in the background."""
        wizard = self.assistant
        chosen = KINDS.get(wizard.books_page.kind)
        if chosen is not None:  # the books the previous page connected
            self.speak_of(chosen.brand)
        if self.loaded or wizard.pair_id is None:
            return
        wizard.ctx.tasks.run(suggestions, wizard.ctx.service, wizard.pair_id,
                             on_done=self._show, on_error=self._read_failed)

    def _show(self, rows: list[Suggestion]) -> None:
        order = {"suggested": 0, "unmapped": 1, "mapped": 2, "found": 3}
        rows = sorted(rows, key=lambda r: (order.get(r.status, 4), -r.score, r.sku))
        self.rows = rows  # the ones needing a decision first
        self.loaded = True
        self.table.setRowCount(len(rows))
        for at, row in enumerate(rows):
            product = QTableWidgetItem(f"{row.sku} — {row.store_name}" if row.store_name
                                       else row.sku)
            if row.status == "suggested":
                product.setFlags(product.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                product.setCheckState(Qt.CheckState.Checked if row.accept_by_default
                                      else Qt.CheckState.Unchecked)
            self.table.setItem(at, 0, product)
            self.table.setItem(at, 1, QTableWidgetItem(row.item or "—"))
            self.table.setItem(at, 2, QTableWidgetItem(f"{row.score:.0f}" if row.item else ""))
            what = STATUS_TEXT.get(row.status, "").format(books=self.books) or (
                "a close match: saved when ticked" if row.accept_by_default
                else "a weak guess: tick it only if it is right")
            self.table.setItem(at, 3, QTableWidgetItem(what))
        ticked = sum(r.accept_by_default for r in rows)
        found = sum(r.status == "found" for r in rows)
        self.status.setText(f"{len(rows)} products: {found} have the same SKU in {self.books}, "
                            f"{ticked} suggested matches are ticked.")

    def _read_failed(self, error: BaseException) -> None:
        self.loaded = True
        self.status.setText(f"The products could not be read ({error}). You can match them "
                            "later on the Mappings page; click Next.")

    def chosen(self) -> list[tuple[str, str]]:
        """The ticked (sku, item) matches."""
        out = []
        for at, row in enumerate(self.rows):
            item = self.table.item(at, 0)
            if row.status == "suggested" and item is not None and \
                    item.checkState() == Qt.CheckState.Checked:
                out.append((row.sku, row.item))
        return out

    def start_work(self) -> None:
        """Save the ticked matches."""
        wizard = self.assistant
        chosen = self.chosen()
        if wizard.pair_id is None or not chosen:
            self.work_done()
            return
        wizard.ctx.tasks.run(accept, wizard.ctx.service, wizard.pair_id, chosen,
                             on_done=self._saved, on_error=self._save_failed)

    def _saved(self, count: int) -> None:
        self.saved = count
        self.work_done()

    def _save_failed(self, error: BaseException) -> None:
        self.status.setText(f"The matches were not saved: {error}")
        self.work_failed()


class DonePage(QWizardPage):
    """What happens next."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Done")
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Summarise."""
        wizard = cast("SetupAssistant", self.wizard())
        minutes = wizard.schedule_page.minutes.value()
        saved = wizard.mappings_page.saved
        self.text.setText(
            f"{wizard.store_name} now posts into {wizard.ledger_name} every {minutes} minutes, "
            f"from {wizard.schedule_page.start_date.date().toString('d MMMM yyyy')}. "
            + (f"{saved} product matches were saved." if saved else "")
            + "\n\nThe first sync runs on the schedule, or now with “Sync now”. Anything that needs "
            "you waits in the error queue, explained in plain words. Rules (payment accounts, "
            "shipping and tax items) are on the Pairs & rules page.")
