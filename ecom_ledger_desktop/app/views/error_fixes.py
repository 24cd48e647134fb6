"""One control per fix an entry offers: pick an item, create it, pick a customer, retry, ignore.

The controls only ask; ``FixesView.requested(action, value)`` tells the page what the merchant
chose and the page runs it in the background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app.views.customer_compare import CustomerCompare
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.sync.error_details import ErrorDetails, FixOption

#: ``{books}`` is the pair's ledger brand
IGNORE_REASONS = ["Test order", "Already entered by hand in {books}", "Not a real sale",
                  "Handled by my accountant"]
STORE_SIDE_CODES = ("invalid_data", "not_found")
RULES_PAGE = "pairs"


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _button(text: str, primary: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("primaryButton" if primary else "secondaryButton")
    return button


def _placeholder(box: QComboBox, text: str) -> None:
    edit = box.lineEdit()
    if edit is not None:
        edit.setPlaceholderText(text)


def _store_side(details: ErrorDetails, fix: FixOption) -> bool:
    """Whether an "edit" fix means correcting the order in the store (not a posting rule)."""
    if details.rule_fields or details.entry.code == "missing_reference":
        return False
    return "in the store" in fix.label.lower() or details.entry.code in STORE_SIDE_CODES


def store_side_advice(store_kind: str, number: str) -> str:
    """Where to correct an order in the store, in the store kind's words."""
    kind = KINDS.get(store_kind)
    admin = f"{kind.brand} admin" if kind is not None else "store's admin"
    path = f"{kind.orders_in_back_office} › " if kind is not None and \
        kind.orders_in_back_office else ""
    return (f"Open the order in your {admin} ({path}#{number}), correct it and save; then retry "
            "it here.")


class FixRow(QFrame):
    """A fix: what it does in words, and the control that does it."""

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fixRow")
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 8, 0, 8)
        self.column.setSpacing(6)
        title = QLabel(heading)
        title.setObjectName("fixHeading")
        title.setWordWrap(True)
        self.column.addWidget(title)
        self.controls = QHBoxLayout()
        self.controls.setSpacing(8)
        self.column.addLayout(self.controls)


class FixesView(QWidget):
    """Every fix of one entry, the most useful first."""

    requested = Signal(str, str)  # action, value
    navigate = Signal(str)  # a page key (Pairs & rules for a rule to change)

    def __init__(self, details: ErrorDetails, item_names: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(2)
        self.buttons: dict[str, QPushButton] = {}
        self.item_picker: QComboBox | None = None
        self.reason_box: QComboBox | None = None
        self.compare: CustomerCompare | None = None
        builders = {"map_sku": self._map_sku, "create_item": self._create_item,
                    "pick_customer": self._pick_customer, "edit_field": self._edit_field,
                    "void_and_repost": self._void_and_repost, "retry": self._retry,
                    "ignore": self._ignore, "import_order": self._import_order,
                    "post_refund_alone": self._post_refund_alone}
        for fix in details.fixes:
            build = builders.get(fix.action)
            if build is not None:
                row = FixRow(fix.label)
                build(row, fix, item_names)
                self.column.addWidget(row)

    def set_enabled(self, enabled: bool) -> None:
        """Disable every control while a fix runs."""
        for child in self.findChildren(QPushButton) + self.findChildren(QComboBox):
            child.setEnabled(enabled)

    def _add_button(self, row: FixRow, action: str, text: str, primary: bool = False,
                    value: str = "") -> QPushButton:
        button = _button(text, primary)
        button.clicked.connect(lambda: self.requested.emit(action, value))
        row.controls.addWidget(button)
        self.buttons[action] = button
        return button

    # -- builders --------------------------------------------------------------------------
    def _map_sku(self, row: FixRow, fix: FixOption, item_names: list[str]) -> None:
        picker = QComboBox()
        picker.setEditable(True)
        picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        picker.setMinimumWidth(320)
        _placeholder(picker, f"Type or choose a {self.details.books} item")
        suggested = [c.item.name for c in self.details.item_suggestions[:5]]
        for candidate in self.details.item_suggestions[:5]:
            picker.addItem(f"{candidate.item.name}  ·  {round(candidate.score)}% alike",
                           candidate.item.name)
        if suggested and item_names:
            picker.insertSeparator(picker.count())
        for name in item_names:
            if name not in suggested:
                picker.addItem(name, name)
        picker.setCurrentIndex(-1)
        completer = picker.completer()
        if completer is not None:  # match anywhere in the name, in a list under the box
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.item_picker = picker
        row.controls.addWidget(picker, 1)
        button = _button("Map and post", primary=True)
        button.clicked.connect(self._emit_map)
        row.controls.addWidget(button)
        self.buttons["map_sku"] = button
        if suggested:
            alike = ", ".join(f"{c.item.name} ({round(c.score)}%)"
                              for c in self.details.item_suggestions[:3])
            more = f" — or type to search all {len(item_names)} items" if item_names else ""
            row.column.addWidget(_muted(f"Closest names in {self.details.books}: {alike}{more}."))
        elif not item_names:
            books = self.details.books
            row.column.addWidget(_muted(f"{books}' items could not be read; type the item's "
                                        f"name exactly as it is in {books}."))

    def chosen_item(self) -> str:
        """The item name picked or typed."""
        if self.item_picker is None:
            return ""
        text = self.item_picker.currentText().strip()
        index = self.item_picker.findText(text, Qt.MatchFlag.MatchExactly)
        data = self.item_picker.itemData(index) if index >= 0 else None
        return str(data) if data else text

    def _emit_map(self) -> None:
        item = self.chosen_item()
        if item:
            self.requested.emit("map_sku", item)
        elif self.item_picker is not None:
            self.item_picker.setFocus()

    def _create_item(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        sku = self.details.entry.detail
        if self.details.entry.code == "missing_reference":  # an item the posting rules name
            row.controls.addWidget(_muted(
                f"A new service item “{sku}” in {self.details.books}, on the account its lines book to "
                "(a gift card's on a liability account, others on income)."), 1)
            self._add_button(row, "create_item", "Create item and post")
            return
        name = next((line.name for line in self.details.order.lines if line.sku == sku), "") \
            if self.details.order else ""
        row.controls.addWidget(_muted(f"A new item “{name or sku}” with SKU {sku}, from the "
                                      "store's price."), 1)
        self._add_button(row, "create_item", "Create item and post")

    def _pick_customer(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        if not self.details.candidates:
            books = self.details.books
            row.column.addWidget(_muted(f"The {books} customers could not be read just now. "
                                        f"Retry when {books} answers again."))
            return
        self.compare = CustomerCompare(self.details.store_customer, self.details.candidates,
                                       books=self.details.books)
        self.compare.picked.connect(lambda cid: self.requested.emit("pick_customer", cid))
        row.column.addWidget(self.compare)
        row.column.addWidget(_muted("Orders from this customer go to the one you pick, now and "
                                    "from now on."))

    def _edit_field(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        if _store_side(self.details, fix):
            number = self.details.entry.record_ref or self.details.entry.source_id
            row.controls.addWidget(_muted(store_side_advice(self.details.store_kind, number)), 1)
            self._add_button(row, "retry", "Retry now")
            return
        fields = ", ".join(f.replace("_", " ") for f in self.details.rule_fields)
        where = f" (the “{fields}” rule)" if fields else ""
        link = QLabel(f'<a href="#rules">Open Pairs &amp; rules</a> to change it{where}, then '
                      "retry it here.")
        link.setTextFormat(Qt.TextFormat.RichText)
        link.setWordWrap(True)
        link.linkActivated.connect(lambda _href: self.navigate.emit(RULES_PAGE))
        self.rules_link = link
        row.controls.addWidget(link, 1)

    def _void_and_repost(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        row.controls.addWidget(_muted(f"The posted document is voided in {self.details.books} (it keeps its "
                                      "number) and the order is posted again as it is now."), 1)
        self._add_button(row, "void_and_repost", "Void and post again")

    def _import_order(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        row.controls.addWidget(_muted(f"The order is posted to {self.details.books} although it was placed "
                                      "before the start date, then this refund against it."), 1)
        self._add_button(row, "import_order", "Import the order and post", primary=True)

    def _post_refund_alone(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        row.controls.addWidget(_muted("The refund is posted on its own for the customer; the "
                                      f"old order stays out of {self.details.books}."), 1)
        self._add_button(row, "post_refund_alone", "Post the refund alone")

    def _retry(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        if "retry" in self.buttons:  # an "edit in the store" row already offers it
            row.hide()
            return
        entry = self.details.entry
        if entry.code == "invalid_data" and entry.record_kind == "order":  # unreadable: fix it there
            words = store_side_advice(self.details.store_kind, entry.record_ref or entry.source_id)
        else:
            words = ("Post it again as it is now — after you changed something in the store or in "
                     f"{self.details.books}.")
        row.controls.addWidget(_muted(words), 1)
        self._add_button(row, "retry", "Retry now")

    def _ignore(self, row: FixRow, fix: FixOption, _items: list[str]) -> None:
        box = QComboBox()
        box.setEditable(True)
        box.addItems([reason.format(books=self.details.books) for reason in IGNORE_REASONS])
        box.setCurrentIndex(-1)
        _placeholder(box, "Why? (kept with the record)")
        box.setMinimumWidth(320)
        self.reason_box = box
        row.controls.addWidget(box, 1)
        button = _button("Ignore")
        button.clicked.connect(self._emit_ignore)
        row.controls.addWidget(button)
        self.buttons["ignore"] = button

    def reason(self) -> str:
        """The reason typed or chosen for ignoring."""
        return self.reason_box.currentText().strip() if self.reason_box is not None else ""

    def _emit_ignore(self) -> None:
        reason = self.reason()
        if reason:
            self.requested.emit("ignore", reason)
        elif self.reason_box is not None:
            self.reason_box.setFocus()
            _placeholder(self.reason_box, "Say why first (kept with the record)")
