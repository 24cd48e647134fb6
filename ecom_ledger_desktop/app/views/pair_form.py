"""The posting rules of one pair as a form built from ``rule_fields()``, plus its schedule.

``changes()`` gives what ``update_rules`` takes (dotted names; lists and routes as whole values);
``show_problems`` puts each ``FieldProblem`` under its field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app.views.connection_form import HINT_STYLE, problem_label
from ecom_ledger_desktop.app.views.pair_labels import (
    MAPPING_CHOICES,
    MAPPING_COLUMNS,
    SECTIONS,
    choice_help,
    choice_text,
    field_text,
    worded,
)
from ecom_ledger_desktop.app.views.pair_table import RowsTable
from ecom_ledger_desktop.app.views.widgets import Card
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.pair_config import MAX_SCHEDULE_MINUTES, FieldProblem, rule_fields
from ecom_ledger_desktop.sync.rules_summary import describe_rules

Editor = QComboBox | QDateEdit | QCheckBox | QLineEdit | RowsTable | QWidget
ROUTE_COLUMNS = ["Store payment method (code)", "Deposit to account", "{books} payment method"]
TAX_COLUMNS = ["Store tax rate", "{books} tax code"]
LABEL_WIDTH = 200  # one label column width in every card, so the fields line up
FIELD_WIDTH = 440
SHORT_FIELD_WIDTH = 220


def _label_of(name: str, books: str) -> str:
    return field_text(name, books)[1]


def _choice_of(value: str, name: str, books: str) -> str:
    return choice_text(value, name, books)


def _headers_of(columns: list[str], books: str) -> str:
    return "\t".join(worded(column, books) for column in columns)


def _set_headers(table: RowsTable, text: str) -> None:
    table.table.setHorizontalHeaderLabels(text.split("\t"))


class RouteEditor(QWidget):
    """Deposit account and payment method of the catch-all route."""

    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.account = QLineEdit()
        self.method = QLineEdit()
        self.method.setPlaceholderText("optional")
        form.addRow("Deposit to account", self.account)
        self.method_label = QLabel(worded("{books} payment method"))
        form.addRow(self.method_label, self.method)


class RulesForm(QWidget):
    """Schedule and posting rules, grouped in cards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        self.general_problem = QLabel()
        self.general_problem.setWordWrap(True)
        self.general_problem.setStyleSheet(HINT_STYLE)
        self.general_problem.hide()
        column.addWidget(self.general_problem)
        self.summary_card = Card("How these rules post (as saved)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_card.layout_.addWidget(self.summary)
        column.addWidget(self.summary_card)
        self.editors: dict[str, Editor] = {}
        self.kinds: dict[str, str] = {}
        self.problems: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}  # help lines that follow the field's choice
        self.forms: dict[str, QFormLayout] = {}
        self.books = NO_BRAND  # the pair's ledger brand: ``speak_of``
        self._words: list[tuple[Callable[[str], None], Callable[[str], str]]] = []
        cards: dict[str, Card] = {}
        for section in ("Start and schedule", *SECTIONS):
            card = Card(section)
            form = QFormLayout()
            form.setHorizontalSpacing(16)
            form.setVerticalSpacing(6)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            card.layout_.addLayout(form)
            cards[section], self.forms[section] = card, form
        start = self.forms["Start and schedule"]
        self.start_date = QDateEdit()
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("d MMMM yyyy")
        self._add(start, "start_date", "date", "Start date", self.start_date,
                  "Orders created before this day are never imported.")
        self.schedule = QSpinBox()
        self.schedule.setRange(1, MAX_SCHEDULE_MINUTES)
        self.schedule.setSuffix(" minutes")
        self._add(start, "schedule_minutes", "schedule", "Sync every", self.schedule, "")
        self.enabled = QCheckBox("Sync on this schedule (off: only “Sync now”)")
        self._add(start, "enabled", "schedule", "", self.enabled, "")
        for spec in rule_fields():
            if spec.name == "start_date":
                continue
            section, label, help_text = field_text(spec.name)
            editor = self._editor(spec.kind, spec.choices, spec.name)
            if isinstance(editor, QCheckBox):  # a box reads best with its words beside it
                self._say(editor.setText, partial(_label_of, spec.name))
                label = ""
            self._add(self.forms[section], spec.name, spec.kind, label, editor, help_text,
                      above=spec.kind in ("routes", "mapping"), rule=True)
            self._word_editor(spec.name, editor)
            if isinstance(editor, QComboBox) and choice_help(spec.name, str(editor.itemData(0))):
                self._follow_choice(spec.name, editor)
        for section, card in cards.items():
            if self.forms[section].rowCount():
                column.addWidget(card)

    def speak_of(self, books: str) -> None:
        """Word every label, choice and column for the pair's ledger brand ``books``."""
        self.books = books
        for setter, text_of in self._words:
            setter(text_of(books))

    def _say(self, setter: Callable[[str], None], text_of: Callable[[str], str]) -> None:
        setter(text_of(self.books))
        self._words.append((setter, text_of))

    def _word_editor(self, name: str, editor: Editor) -> None:
        """The editor's own words (choices, column headings) follow the brand too."""
        if isinstance(editor, QComboBox):
            for at in range(editor.count()):
                self._say(partial(editor.setItemText, at),
                          partial(_choice_of, str(editor.itemData(at)), name))
        elif isinstance(editor, RowsTable):
            columns = ROUTE_COLUMNS if name == "payment_routes" else \
                MAPPING_COLUMNS.get(name, TAX_COLUMNS)
            self._say(partial(_set_headers, editor), partial(_headers_of, columns))
        elif isinstance(editor, RouteEditor):
            self._say(editor.method_label.setText, lambda b: worded("{books} payment method", b))

    def _follow_choice(self, name: str, combo: QComboBox) -> None:
        """A help line under ``combo`` that says what the chosen value does."""
        hint = QLabel(choice_help(name, str(combo.currentData()), self.books))
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        box = combo.parentWidget()
        layout = box.layout() if box is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.indexOf(combo) + 1, hint)
        self.hints[name] = hint
        self._say(hint.setText, lambda b: choice_help(name, str(combo.currentData()), b))
        combo.currentIndexChanged.connect(
            lambda _i: hint.setText(choice_help(name, str(combo.currentData()), self.books)))

    @staticmethod
    def _editor(kind: str, choices: tuple[str, ...], name: str) -> Editor:
        routes = name == "payment_routes"
        if kind == "choice":
            combo = QComboBox()
            for value in choices:
                combo.addItem(choice_text(value, name), value)
            combo.setEnabled(len(choices) > 1)
            return combo
        if kind == "bool":
            return QCheckBox()
        if kind in ("routes", "mapping"):
            columns = ROUTE_COLUMNS if routes else MAPPING_COLUMNS.get(name, TAX_COLUMNS)
            worded = MAPPING_CHOICES.get(name)
            return RowsTable(columns, "Add a tax rate" if name == "tax_codes"
                             else "Add a payment method", choices={1: worded} if worded else None)
        if kind == "route":
            return RouteEditor()
        return QLineEdit()

    def _add(self, form: QFormLayout, name: str, kind: str, label: str, editor: Editor,
             help_text: str, above: bool = False, rule: bool = False) -> None:
        """A row; a ``rule``'s label and help follow the brand (``speak_of``)."""
        def follow(widget: QLabel, part: int, bold: bool = False) -> None:
            if rule:
                self._say(widget.setText, lambda b: (
                    f"<b>{field_text(name, b)[part]}</b>" if bold else field_text(name, b)[part]))

        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 4)
        inner.setSpacing(2)
        if above and help_text:
            hint = QLabel(help_text)
            hint.setObjectName("muted")
            hint.setWordWrap(True)
            inner.addWidget(hint)
            follow(hint, 2)
        inner.addWidget(editor)
        if isinstance(editor, QDateEdit | QSpinBox):
            editor.setMaximumWidth(SHORT_FIELD_WIDTH)
        elif isinstance(editor, QComboBox | QLineEdit | RouteEditor):
            editor.setMaximumWidth(FIELD_WIDTH)
        if help_text and not above:
            hint = QLabel(help_text)
            hint.setObjectName("muted")
            hint.setWordWrap(True)
            inner.addWidget(hint)
            follow(hint, 2)
        problem = problem_label()
        inner.addWidget(problem)
        if above:
            heading = QLabel(f"<b>{label}</b>")
            form.addRow(heading)
            form.addRow(box)
            follow(heading, 1, bold=True)
        else:
            caption = QLabel(label)
            caption.setMinimumWidth(LABEL_WIDTH)
            form.addRow(caption, box)
            if label:
                follow(caption, 1)
        self.editors[name], self.kinds[name], self.problems[name] = editor, kind, problem

    # -- in and out -------------------------------------------------------------------------
    def load(self, pair: Pair) -> None:
        """Show a pair's rules and schedule."""
        self.clear_problems()
        rules = pair.rules.model_dump(mode="json")
        self.summary.setText("\n".join(f"• {line}" for line in describe_rules(pair.rules)))
        self.start_date.setDate(QDate(pair.rules.start_date.year, pair.rules.start_date.month,
                                      pair.rules.start_date.day))
        self.schedule.setValue(pair.schedule_minutes)
        self.enabled.setChecked(pair.enabled)
        for name, editor in self.editors.items():
            if name not in rules:
                continue
            value = rules[name]
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, RowsTable):
                editor.set_rows([[k, v["deposit_account"], v.get("payment_method") or ""]
                                 if isinstance(v, dict) else [k, str(v)]
                                 for k, v in sorted(value.items())])
            elif isinstance(editor, RouteEditor):
                editor.account.setText(value.get("deposit_account", ""))
                editor.method.setText(value.get("payment_method") or "")
            elif isinstance(editor, QLineEdit):
                editor.setText("" if value is None else str(value))
        self._baseline = self._snapshot()

    def _snapshot(self) -> tuple[str, int, bool]:
        values, _problems = self.changes()
        return repr(sorted(values.items())), self.schedule.value(), self.enabled.isChecked()

    def is_edited(self) -> bool:
        """Whether the merchant changed anything since the pair was shown."""
        return getattr(self, "_baseline", None) not in (None, self._snapshot())

    def start(self) -> date:
        """The chosen start date."""
        chosen = self.start_date.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def changes(self) -> tuple[dict[str, Any], list[FieldProblem]]:
        """Every rule as ``update_rules`` takes it, and the problems found in table rows."""
        out: dict[str, Any] = {"start_date": self.start().isoformat()}
        problems: list[FieldProblem] = []
        for name, editor in self.editors.items():
            kind = self.kinds[name]
            if kind == "schedule":
                continue
            if isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, RowsTable):
                out[name] = self._table_value(name, editor, problems)
            elif isinstance(editor, RouteEditor):
                out[name] = {"deposit_account": editor.account.text().strip(),
                             "payment_method": editor.method.text().strip() or None}
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text().strip()
        return out, problems

    def _table_value(self, name: str, table: RowsTable, problems: list[FieldProblem]
                     ) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for number, cells in table.rows():
            key = cells[0]
            if not key:
                problems.append(FieldProblem(name, f"row {number}: the first column is empty"))
            elif key in value:
                problems.append(FieldProblem(name, f"row {number}: '{key}' is already listed"))
            elif self.kinds[name] == "routes":
                value[key] = {"deposit_account": cells[1] or "Undeposited Funds",
                              "payment_method": cells[2] or None}
            else:
                value[key] = cells[1]
        return value

    def clear_problems(self) -> None:
        """Hide every problem line."""
        for label in self.problems.values():
            label.hide()
        self.general_problem.hide()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Each problem under its field (by the first part of its dotted name)."""
        self.clear_problems()
        by_field: dict[str, list[str]] = {}
        general = []
        for problem in problems:
            parts = problem.field.split(".")
            if parts[0] == "rules" and len(parts) > 1:
                parts = parts[1:]
            name = parts[0].split("[")[0]
            if name in self.problems:
                where = ".".join(parts[1:])
                by_field.setdefault(name, []).append(
                    f"{where}: {problem.message}" if where else problem.message)
            else:
                general.append(str(problem))
        for name, messages in by_field.items():
            self.problems[name].setText("\n".join(m[:1].upper() + m[1:] for m in messages))
            self.problems[name].show()
        if general:
            self.general_problem.setText("\n".join(general))
            self.general_problem.show()
