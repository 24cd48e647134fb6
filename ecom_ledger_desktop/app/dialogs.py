"""Every message box and confirmation goes through a ``DialogService``.

The app gets ``QtDialogService``; tests (and the screenshot tool) get ``ScriptedDialogs``, which
answers from a script and records what was asked, so no test ever waits on a modal dialog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)


class BusyHandle(Protocol):
    """A "please wait" indicator that the caller closes."""

    def close(self) -> object:
        """Take the indicator away."""
        ...


class DialogService(Protocol):
    """Questions and messages for the merchant."""

    def confirm(self, title: str, text: str, *, accept: str = "OK", reject: str = "Cancel",
                parent: QWidget | None = None) -> bool:
        """Ask a yes/no question; True when the merchant chose ``accept``."""
        ...

    def inform(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """Tell the merchant something."""
        ...

    def warn(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """Tell the merchant something went wrong (and what to do)."""
        ...

    def busy(self, text: str, parent: QWidget | None = None) -> BusyHandle:
        """Show a non-blocking "please wait" message until the handle is closed."""
        ...

    def save_file(self, title: str, suggested: str, file_filter: str,
                  parent: QWidget | None = None) -> str:
        """Ask where to save a file; "" when the merchant cancels."""
        ...


class _BusyDialog(QDialog):
    def __init__(self, text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ecom Ledger")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        bar = QProgressBar()
        bar.setRange(0, 0)  # indeterminate
        bar.setTextVisible(False)
        layout.addWidget(bar)
        self.setMinimumWidth(340)


class QtDialogService:
    """Real message boxes."""

    def confirm(self, title: str, text: str, *, accept: str = "OK", reject: str = "Cancel",
                parent: QWidget | None = None) -> bool:
        """A question with two named buttons; the safe one (``reject``) is the default."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                          parent)
        yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def inform(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """An information box."""
        QMessageBox.information(parent, title, text)

    def warn(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """A warning box."""
        QMessageBox.warning(parent, title, text)

    def busy(self, text: str, parent: QWidget | None = None) -> BusyHandle:
        """A small window with a moving bar; it does not block the event loop."""
        dialog = _BusyDialog(text, parent)
        dialog.show()
        return dialog

    def save_file(self, title: str, suggested: str, file_filter: str,
                  parent: QWidget | None = None) -> str:
        """The system's save dialog."""
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        return str(path)


@dataclass
class _Closed:
    closed: bool = False

    def close(self) -> bool:
        self.closed = True
        return True


@dataclass
class ScriptedDialogs:
    """Answers ``confirm`` from ``answers`` (then ``default``) and records every call."""

    answers: list[bool] = field(default_factory=list)
    default: bool = True
    asked: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    busy_handles: list[_Closed] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # answers to save_file ("" = cancelled)

    def confirm(self, title: str, text: str, *, accept: str = "OK", reject: str = "Cancel",
                parent: QWidget | None = None) -> bool:
        """Record the question; answer from the script."""
        self.asked.append(("confirm", title, text))
        return self.answers.pop(0) if self.answers else self.default

    def inform(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """Record the message."""
        self.asked.append(("inform", title, text))

    def warn(self, title: str, text: str, parent: QWidget | None = None) -> None:
        """Record the warning."""
        self.asked.append(("warn", title, text))

    def busy(self, text: str, parent: QWidget | None = None) -> BusyHandle:
        """Record the message; the handle remembers whether it was closed."""
        self.asked.append(("busy", "", text))
        handle = _Closed()
        self.busy_handles.append(handle)
        return handle

    def save_file(self, title: str, suggested: str, file_filter: str,
                  parent: QWidget | None = None) -> str:
        """Record the question; answer the next scripted path."""
        self.asked.append(("save_file", title, suggested))
        return self.paths.pop(0) if self.paths else ""

    def texts(self, kind: str) -> list[str]:
        """The texts of every call of one kind."""
        return [text for asked_kind, _, text in self.asked if asked_kind == kind]
