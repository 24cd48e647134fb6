"""The assistant's first steps: connect the store (its kind first when there are several; save +
test), connect the books (save + sign in in the browser). Each page completes only when its
connection works."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ecom_ledger_desktop.app.views.connection_card import line_html, report_lines
from ecom_ledger_desktop.app.views.connection_form import ConnectionFields
from ecom_ledger_desktop.app.views.connection_service import keyring_refuses
from ecom_ledger_desktop.app.views.setup_work import save_and_test, save_connection
from ecom_ledger_desktop.connectors.kinds import ConnectionKind
from ecom_ledger_desktop.connectors.registry import kind_of, kinds_for

if TYPE_CHECKING:  # these load the connectors (httpx): imported where they are used
    from ecom_ledger_desktop.app.views.oauth_dialog import OAuthDialog
    from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant
    from ecom_ledger_desktop.sync.connections_admin import ConnectionSummary, TestReport


class ConnectPage(QWizardPage):
    """A connection form with one action button; complete once the connection works. Which
    kind to connect is asked first when there are several (``choices()``)."""

    kind = ""
    action_text = ""
    question = ""  # "Your store runs on:"

    @staticmethod
    def choices() -> list[ConnectionKind]:
        """The kinds this page can connect, the default first."""
        return []

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.saved_as: str | None = None
        self.works = False
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.choice_slot = QVBoxLayout()  # what to connect, where a page offers a choice
        layout.addLayout(self.choice_slot)
        self.fields: ConnectionFields | None = None
        self.form_slot = QVBoxLayout()
        layout.addLayout(self.form_slot)
        row = QHBoxLayout()
        self.action_button = QPushButton(self.action_text)
        self.action_button.setObjectName("primaryButton")
        self.action_button.clicked.connect(self.act)
        row.addWidget(self.action_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(self.question.rstrip(":"))
        for kind in self.choices():
            self.kind_combo.addItem(kind.system, kind.name)
        choice = QHBoxLayout()
        question = QLabel(self.question)
        question.setBuddy(self.kind_combo)
        choice.addWidget(question)
        choice.addWidget(self.kind_combo)
        choice.addStretch(1)
        self.choice_slot.addLayout(choice)
        for widget in (question, self.kind_combo):
            widget.setHidden(self.kind_combo.count() < 2)
        if self.kind_combo.count():
            self.kind = str(self.kind_combo.currentData())
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)

    def _kind_chosen(self, _index: int) -> None:
        """Another kind: its own form and its own words on where to find the key."""
        self.kind = str(self.kind_combo.currentData())
        self.setSubTitle(kind_of(self.kind).where_to_find_key)
        self.action_button.setText(self.action_for(self.kind))
        if self.fields is not None:
            self.form_slot.removeWidget(self.fields)
            self.fields.deleteLater()
            self.fields = None
            self.initializePage()
        self.result.setText("")
        self._set_works(False)

    def action_for(self, kind: str) -> str:
        """The action button's words for ``kind``."""
        return self.action_text

    def choose_kind(self, kind: str) -> None:
        """Pick the kind (what the merchant does in the list)."""
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise ValueError(f"'{kind}' cannot be connected here")
        self.kind_combo.setCurrentIndex(index)

    @property
    def assistant(self) -> SetupAssistant:
        """The wizard this page is in."""
        return cast("SetupAssistant", self.wizard())

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Build the form once the wizard (and its context) is known."""
        if self.fields is None:
            self.fields = ConnectionFields(self.kind, None,
                                           keyring_refuses(self.assistant.ctx.service.secrets))
            self.form_slot.addWidget(self.fields)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Next only once the connection works."""
        return self.works

    def act(self) -> None:
        """Save (and test or sign in) in the background."""
        raise NotImplementedError

    def _busy(self, text: str) -> None:
        assert self.fields is not None
        self.fields.clear_problems()
        self.action_button.setEnabled(False)
        self.result.setText(text)

    def _failed(self, error: BaseException) -> None:
        from ecom_ledger_desktop.sync.connections_admin import ConnectionFormError

        assert self.fields is not None
        self.action_button.setEnabled(True)
        self.result.setText("")
        if isinstance(error, ConnectionFormError):
            self.fields.show_problems(error.problems)
        else:
            self.fields.show_general(str(error))

    def _set_works(self, works: bool) -> None:
        self.works = works
        self.completeChanged.emit()


class StorePage(ConnectPage):
    """Connect the store: which kind of store first (when there are several), then its address
    and key, then "Save and test"."""

    kind = kinds_for("store")[0].name  # the first store kind the registry lists
    action_text = "Save and test"
    question = "Your store runs on:"

    @staticmethod
    def choices() -> list[ConnectionKind]:
        """Every store kind."""
        return kinds_for("store")

    def act(self) -> None:
        """Save the store and test it."""
        assert self.fields is not None
        self._busy("Testing the connection…")
        f = self.fields
        self.assistant.ctx.tasks.run(save_and_test, self.assistant.ctx.service, self.kind,
                                     self.saved_as, f.name, f.settings(), f.secrets(),
                                     on_done=self._tested, on_error=self._failed)

    def _tested(self, result: tuple[ConnectionSummary, TestReport]) -> None:
        summary, report = result
        self.saved_as = summary.name
        self.assistant.store_name = summary.name
        self.kind_combo.setEnabled(False)  # saved: this connection keeps its kind
        self.action_button.setEnabled(True)
        lines = [line_html(ok, text) for ok, text in report_lines(report)]
        tail = ("It works. Click Next." if report.ok else
                "Fix what is marked ✗ above (or in the store) and try again.")
        self.result.setText("<br>".join([*lines, "", tail]))
        self._set_works(report.ok)


class BooksPage(ConnectPage):
    """Connect the books (which ones first, when there are several): the app's keys, then
    sign in in the browser; or, for books whose own client calls this app (the kind declares
    its panel, e.g. QuickBooks Desktop's Web Connector), save and show that panel: the plain
    setup steps, its file and its password (shown once)."""

    kind = kinds_for("ledger")[0].name  # the first ledger kind: one that signs in in a browser
    action_text = f"Save and sign in to {kind_of(kind).brand}"
    question = "Your books are in:"

    @staticmethod
    def choices() -> list[ConnectionKind]:
        """The ledger kinds that sign in in a browser, and those set up with their own panel."""
        return [k for k in kinds_for("ledger") if k.connects == "oauth_browser" or k.app_panel]

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__(title, subtitle)
        self.dialog: OAuthDialog | None = None
        self.panel: QWidget | None = None  # the kind's own setup panel, once saved

    def action_for(self, kind: str) -> str:
        """"Save and sign in to FreshBooks", "Save and set up QuickBooks Desktop"."""
        declared = kind_of(kind)
        if declared.connects != "oauth_browser":
            return f"Save and set up {declared.system}"
        return f"Save and sign in to {declared.brand}"

    def act(self) -> None:
        """Save the keys, then open the sign-in."""
        assert self.fields is not None
        self._busy("Saving…")
        f = self.fields
        self.assistant.ctx.tasks.run(save_connection, self.assistant.ctx.service, self.kind,
                                     self.saved_as, f.name, f.settings(), f.secrets(),
                                     on_done=self._saved, on_error=self._failed)

    def _saved(self, summary: ConnectionSummary) -> None:
        self.saved_as = summary.name
        self.kind_combo.setEnabled(False)  # saved: this connection keeps its kind
        self.action_button.setEnabled(True)
        declared = kind_of(self.kind)
        if declared.connects != "oauth_browser":
            self._show_panel(summary, declared)
            return
        self.result.setText(f"Sign in to {kind_of(self.kind).brand} in the browser window that "
                            "opened…")
        from ecom_ledger_desktop.app.views.oauth_dialog import OAuthDialog

        self.dialog = OAuthDialog(self.assistant.ctx, summary.name,
                                  open_url=self.assistant.open_url, parent=self,
                                  kind=kind_of(self.kind))
        self.dialog.connected.connect(self._connected)
        self.dialog.rejected.connect(lambda: self.result.setText(
            "Not connected yet. Sign in again when you are ready."))
        self.dialog.open()
        self.dialog.start()

    def _connected(self, outcome: object) -> None:
        assert self.saved_as is not None
        self.assistant.ledger_name = self.saved_as
        self.result.setText(line_html(True, f"{getattr(outcome, 'message', 'Connected.')} "
                                               "Click Next."))
        self._set_works(True)

    def _show_panel(self, summary: ConnectionSummary, declared: ConnectionKind) -> None:
        """Books whose own client calls this app: the kind's panel, and the page is done
        (postings wait, saying why, until that client first calls)."""
        from ecom_ledger_desktop.connectors.kinds import load

        if self.panel is None:
            self.panel = load(declared.app_panel)(self.assistant.ctx, summary, self)
            self.form_slot.addWidget(self.panel)
        else:
            self.panel.set_summary(summary)  # type: ignore[attr-defined]
        self.assistant.ledger_name = summary.name
        self.result.setText(line_html(True, f"Saved. Follow the steps below to connect "
                                            f"{declared.system}; until it first calls, postings "
                                            "wait and say why. Click Next."))
        self._set_works(True)
