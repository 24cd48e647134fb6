"""The add/edit form of a connection: the fields of its kind, each with its problem under it.

``ConnectionFields`` is the bare form (the setup assistant embeds it); ``ConnectionDialog`` wraps
it with Save/Cancel and saves through ``ConnectionsAdmin`` off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.connection_service import (
    ENVIRONMENT_LABELS,
    admin_for,
    keyring_refuses,
    kind_label,
)
from ecom_ledger_desktop.connectors.kinds import Setting
from ecom_ledger_desktop.connectors.registry import kind_of
from ecom_ledger_desktop.secrets.store import ENABLE_HINT

if TYPE_CHECKING:  # the connections admin loads the connectors (httpx): only when used
    from ecom_ledger_desktop.sync.connections_admin import ConnectionSummary

PROBLEM_STYLE = "color: #a12020;"
HINT_STYLE = ("background: #fdecea; color: #611a15; border: 1px solid #f5c2c0; border-radius: 6px;"
              " padding: 8px 10px;")


def form_fields(kind: str) -> tuple[Setting, ...]:
    """What the add/edit form of ``kind`` asks, in its declared order."""
    return kind_of(kind).form_fields


def problem_label() -> QLabel:
    """A red line under a field, hidden while there is nothing to say."""
    label = QLabel()
    label.setObjectName("fieldProblem")
    label.setStyleSheet(PROBLEM_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class ConnectionFields(QWidget):
    """Name, the kind's settings and secrets, and sandbox/production."""

    def __init__(self, kind: str, existing: ConnectionSummary | None = None,
                 keyring_broken: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.existing = existing
        self.keyring_broken = keyring_broken
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        self.general_problem = QLabel()
        self.general_problem.setWordWrap(True)
        self.general_problem.setStyleSheet(HINT_STYLE)
        self.general_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general_problem.hide()
        outer.addWidget(self.general_problem)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(4)
        outer.addLayout(form)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.problems: dict[str, QLabel] = {}
        self._advanced: list[QWidget] = []
        self.name_edit = QLineEdit(existing.name if existing else "")
        self.name_edit.setPlaceholderText(
            "e.g. " + ("My shop" if kind_of(kind).role == "store" else "My books"))
        self._add_row(form, "name", "Name", self.name_edit)
        self.environment = QComboBox()
        for value, label in ENVIRONMENT_LABELS.items():
            self.environment.addItem(label, value)
        current_env = existing.environment if existing else "sandbox"
        self.environment.setCurrentIndex(max(0, self.environment.findData(current_env)))
        fields = form_fields(kind)
        for spec in fields:
            edit = QLineEdit()
            edit.setPlaceholderText(spec.placeholder)
            if spec.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                if existing and existing.secrets_set.get(spec.name):
                    edit.setPlaceholderText("saved in the keychain — leave empty to keep it")
            elif existing:
                edit.setText(existing.settings.get(spec.name, ""))
            self._add_row(form, spec.name, spec.label, edit, advanced=spec.advanced)
            if spec.name == [s.name for s in fields if not s.advanced][-1]:
                self._add_row(form, "environment", "Environment", self.environment)
        if any(spec.advanced for spec in fields):
            self.show_advanced = QCheckBox(kind_of(kind).advanced_caption)
            self.show_advanced.toggled.connect(self._toggle_advanced)
            form.addRow("", self.show_advanced)
            has_custom = bool(existing and any(existing.settings.get(s.name) for s in fields
                                               if s.advanced))
            self.show_advanced.setChecked(has_custom)
            self._toggle_advanced(has_custom)
        self.clear_problems()

    def _add_row(self, form: QFormLayout, key: str, label: str, widget: QLineEdit | QComboBox,
                 advanced: bool = False) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 6)
        column.setSpacing(2)
        column.addWidget(widget)
        problem = problem_label()
        column.addWidget(problem)
        caption = QLabel(label)
        form.addRow(caption, box)
        self.inputs[key] = widget
        self.problems[key] = problem
        if advanced:
            self._advanced += [caption, box]

    def _toggle_advanced(self, shown: bool) -> None:
        for widget in self._advanced:
            widget.setVisible(shown)

    # -- values and problems ------------------------------------------------------------------
    def text(self, key: str) -> str:
        """The trimmed text of a field."""
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        return widget.text().strip()

    def set_text(self, key: str, value: str) -> None:
        """Fill a field (tests and the assistant's defaults)."""
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        else:
            widget.setText(value)

    @property
    def name(self) -> str:
        """The connection's name as typed."""
        return self.name_edit.text().strip()

    def settings(self) -> dict[str, str]:
        """Every setting (empty ones included, so an edit can clear them)."""
        values = {spec.name: self.text(spec.name) for spec in form_fields(self.kind)
                  if not spec.secret}
        values["environment"] = self.text("environment")
        if self.existing is None:
            values = {k: v for k, v in values.items() if v}
        return values

    def secrets(self) -> dict[str, str]:
        """The secrets typed in (empty ones left out: on edit they keep what is saved)."""
        return {spec.name: self.text(spec.name) for spec in form_fields(self.kind)
                if spec.secret and self.text(spec.name)}

    def clear_problems(self) -> None:
        """Hide every problem line."""
        for label in self.problems.values():
            label.hide()
        self.general_problem.hide()
        if self.keyring_broken:  # stays said until a keyring exists
            self.show_general(ENABLE_HINT)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem under its field; the others (the keyring, unknown keys) on top."""
        self.clear_problems()
        general = []
        for key, message in problems.items():
            label = self.problems.get(key)
            if label is None:
                general.append(message if key == "secrets" else f"{key}: {message}")
                continue
            label.setText(message[:1].upper() + message[1:])
            label.show()
            if key in self._advanced_keys():
                self.show_advanced.setChecked(True)
        if general:
            self.show_general("\n".join(general))

    def _advanced_keys(self) -> set[str]:
        return {spec.name for spec in form_fields(self.kind) if spec.advanced}

    def show_general(self, text: str) -> None:
        """A message above the form (e.g. how to enable a keyring)."""
        self.general_problem.setText(text)
        self.general_problem.show()


class ConnectionDialog(QDialog):
    """Add or edit one connection; ``saved`` carries the stored summary."""

    saved = Signal(object)  # ConnectionSummary

    def __init__(self, ctx: AppContext, kind: str, existing: ConnectionSummary | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        what = kind_of(kind).a(kind_label(kind))
        self.setWindowTitle(f"Edit {existing.name}" if existing else f"Add {what}")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        intro = QLabel(kind_of(kind).where_to_find_key)
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        self.fields = ConnectionFields(kind, existing, keyring_refuses(ctx.service.secrets))
        layout.addWidget(self.fields)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primaryButton")
        cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("secondaryButton")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        """Save in the background; problems come back next to their fields."""
        self.fields.clear_problems()
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        admin = admin_for(self.ctx.service)
        name, settings, secrets = self.fields.name, self.fields.settings(), self.fields.secrets()
        if self.existing is None:
            self.ctx.tasks.run(admin.add, name, self.fields.kind, settings, secrets,
                               on_done=self._saved, on_error=self._failed)
        else:
            old = self.existing.name

            def edit() -> ConnectionSummary:
                return admin.edit(old, settings=settings, secrets=secrets, new_name=name)

            self.ctx.tasks.run(edit, on_done=self._saved, on_error=self._failed)

    def _saved(self, summary: ConnectionSummary) -> None:
        self.saved.emit(summary)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        from ecom_ledger_desktop.sync.connections_admin import ConnectionFormError

        self.save_button.setEnabled(True)
        self.save_button.setText("Save")
        if isinstance(error, ConnectionFormError):
            self.fields.show_problems(error.problems)
        else:
            self.fields.show_general(f"The connection could not be saved: {error}")
        self.adjustSize()  # room for the problem lines

