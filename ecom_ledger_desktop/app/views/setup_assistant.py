"""The first-run setup assistant: connect the store, connect the books, pick the start date and
schedule, review the suggested mappings — or try the demo instead.

The main window opens it once when the first status read finds no pair (not in demo mode),
importing this module only then; ``offer_setup_on_first_run`` does the same for any window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, QWizard, QWizardPage

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.demo_choice import DemoStoreChoice, start_demo_process
from ecom_ledger_desktop.app.views.setup_connect_pages import BooksPage, StorePage
from ecom_ledger_desktop.app.views.setup_pages import DonePage, MappingsPage, SchedulePage
from ecom_ledger_desktop.connectors.registry import kind_of, kinds_for

if TYPE_CHECKING:  # the sign-in flow loads the connectors (httpx): only when it is used
    from ecom_ledger_desktop.app.views.oauth_dialog import OpenUrl


class IntroPage(QWizardPage):
    """What the assistant does, and the way out to the demo."""

    def __init__(self, try_demo: Callable[[], None]) -> None:
        super().__init__()
        self.setTitle("Set up Ecom Ledger")
        self.setSubTitle("Four short steps, a few minutes in all.")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        stores = kinds_for("store")
        which = (stores[0].brand if len(stores) == 1 else
                 ", ".join(k.brand for k in stores[:-1]) + f" or {stores[-1].brand}")
        books = [k.system for k in kinds_for("ledger") if k.connects == "oauth_browser"]
        ledgers = " or ".join(books)
        text = QLabel(
            f"1. Connect your {which} store (its address and the key its back office gives "
            "you).\n"
            f"2. Connect your books ({ledgers}: your app's keys, then sign in).\n"
            "3. Pick the day to start from and how often to sync.\n"
            "4. Check the suggested matches between your products and the books' items.\n\n"
            "Nothing is posted until you finish. Passwords and tokens stay in this computer's "
            "keychain.")
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addSpacing(8)
        demo_text = QLabel("Not ready to connect real accounts? Try everything first on demo "
                           "data: a pretend shop and pretend books on this "
                           "computer. Nothing real is read or changed.")
        demo_text.setWordWrap(True)
        demo_text.setObjectName("muted")
        layout.addWidget(demo_text)
        self.demo_button = QPushButton("Try the demo instead")
        self.demo_button.setObjectName("secondaryButton")
        self.demo_button.clicked.connect(try_demo)
        self.demo_choice = DemoStoreChoice()  # which pretend shop, when there are several
        row = QHBoxLayout()
        row.addWidget(self.demo_button)
        row.addWidget(self.demo_choice)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)


class SetupAssistant(QWizard):
    """The pages in order; ``pair_created`` when the pair exists."""

    pair_created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 open_url: OpenUrl | None = None,
                 demo_starter: Callable[[str, str], bool] = start_demo_process) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self.demo_starter = demo_starter
        self.store_name = ""
        self.ledger_name = ""
        self.pair_id: int | None = None
        self.setWindowTitle("Ecom Ledger — setup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setMinimumSize(720, 640)
        self.intro = IntroPage(self.try_demo)
        # the kind's own words say where its keys are found
        self.store_page = StorePage("Connect your store",
                                    kind_of(StorePage.kind).where_to_find_key)
        self.books_page = BooksPage("Connect your books",
                                    kind_of(BooksPage.kind).where_to_find_key)
        self.schedule_page = SchedulePage()
        self.mappings_page = MappingsPage()
        self.done_page = DonePage()
        for page in (self.intro, self.store_page, self.books_page, self.schedule_page,
                     self.mappings_page, self.done_page):
            self.addPage(page)

    def try_demo(self) -> None:
        """Start the demo app on the chosen demo shop instead, and close the assistant."""
        choice = self.intro.demo_choice
        if self.demo_starter(choice.store(), choice.ledger()):
            self.reject()
        else:
            self.ctx.dialogs.warn("Could not start the demo",
                                  "Try again, or run 'ecom-ledger-app --demo' from a terminal.",
                                  self)

    def today(self) -> QDate:
        """The default start date."""
        return QDate.currentDate()


def open_setup_assistant(ctx: AppContext, parent: QWidget | None = None,
                         **options: object) -> SetupAssistant:
    """Show the assistant (non-blocking)."""
    wizard = SetupAssistant(ctx, parent, **options)  # type: ignore[arg-type]
    if ctx.status is not None:
        wizard.pair_created.connect(lambda _pair_id: ctx.require_status().refresh())
    wizard.show()
    return wizard


def offer_setup_on_first_run(window: QWidget, ctx: AppContext) -> None:
    """Open the assistant once, when the first status read finds no pair (never in demo)."""
    status = ctx.status
    if ctx.demo or status is None:
        return
    offered: list[SetupAssistant] = []

    def check() -> None:
        if offered or not status.loaded:
            return
        if not status.snapshot.pairs:
            offered.append(open_setup_assistant(ctx, window))
        status.changed.disconnect(check)

    status.changed.connect(check)
