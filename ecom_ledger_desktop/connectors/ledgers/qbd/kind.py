"""The QuickBooks Desktop connection kind: QuickBooks Enterprise / Premier / Pro on the local
network, reached through the QuickBooks Web Connector, which calls this app's service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ecom_ledger_desktop.connectors.kinds import BuildContext, CompanionHost, ConnectionKind, Setting

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import PushLedger
    from ecom_ledger_desktop.connectors.ledgers.qbd.host import QbdWebConnectorHost
    from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore

DEFAULT_PORT = "8443"


def tax_items(text: str) -> dict[str, str]:
    """"8.25=CA Sales Tax; 8.875=NY Sales Tax" → {"8.25": "CA Sales Tax", ...}."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import rate_key

    mapping: dict[str, str] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        rate, _, item = part.partition("=")
        mapping[rate_key(Decimal(rate.strip().rstrip("%")))] = item.strip()
    return mapping


def _tax_items_problem(text: str) -> str:
    try:
        mapping = tax_items(text)
    except (InvalidOperation, ValueError):
        return "write each rate as RATE=Sales Tax item, separated by ';' (8.25=CA Sales Tax)"
    return "" if all(mapping.values()) else "name a Sales Tax item after each '='"


def _port_problem(text: str) -> str:
    return "" if text.isdigit() and 0 < int(text) < 65536 else "a port is a number 1-65535"


def books(config: ConnectionConfig) -> QbdBooks:
    """The connection's posting settings (the company's own facts come in each session)."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks

    settings = KIND.effective(config.settings)
    return QbdBooks(tax_items=tax_items(settings.get("tax_items", "")),
                    zero_tax_item=settings.get("zero_tax_item", "Out of State"))


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> PushLedger:
    """A ``QbdLedger`` on the connection's mailbox (which the Web Connector session drains)."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger
    from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import mailbox_for

    mailbox = mailbox_for(config.name)
    if not mailbox.hosted and context.lock_dir is not None:  # no service in this process
        mailbox.away_reason = lambda: _unhosted_reason(config, context)
        _use_database(mailbox, config, context)
    return QbdLedger(mailbox, books(config), context.clock)


def _use_database(mailbox: Mailbox, config: ConnectionConfig, context: BuildContext) -> None:
    """Without a service in this process (``ecom-ledger reconcile``, ``preview``): the names
    chosen in QuickBooks and the company's copy from the database, as the service keeps them."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.company_copy import DbCompanyCopy
    from ecom_ledger_desktop.connectors.ledgers.qbd.host import DbNames
    from ecom_ledger_desktop.core.clock import SystemClock
    from ecom_ledger_desktop.core.paths import DATABASE_NAME

    if config.id is None or context.lock_dir is None:
        return
    path, clock = context.lock_dir / DATABASE_NAME, context.clock or SystemClock()
    mailbox.names = DbNames(path, clock, config.id)
    mailbox.copy = DbCompanyCopy(path, clock, config.id)


def _unhosted_reason(config: ConnectionConfig, context: BuildContext) -> str:
    """Why postings wait when this process runs no Web Connector service (a one-off CLI sync)."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.presence import status_line
    from ecom_ledger_desktop.core.clock import SystemClock
    from ecom_ledger_desktop.core.paths import DATABASE_NAME
    from ecom_ledger_desktop.db.state import State

    assert context.lock_dir is not None
    clock = context.clock or SystemClock()
    state = State(context.lock_dir / DATABASE_NAME, clock)
    try:
        said = status_line(config, state, clock)
    finally:
        state.close()
    return (f"{said.rstrip('.')}. The Web Connector reaches this computer while the app (or "
            "'ecom-ledger schedule') runs.")


def companion(config: ConnectionConfig, host: CompanionHost) -> QbdWebConnectorHost:
    """The Web Connector service of one connection (started and stopped with the app)."""
    from ecom_ledger_desktop.connectors.ledgers.qbd.host import QbdWebConnectorHost
    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.endpoint import EndpointSettings

    settings = KIND.effective(config.settings)
    endpoint = EndpointSettings(port=int(settings.get("port", DEFAULT_PORT)),
                                lan_address=settings.get("lan_address", ""))
    return QbdWebConnectorHost(config, host, endpoint,
                               username=settings.get("username") or config.name,
                               company_file=settings.get("company_file", ""))


def endpoint_url(config: ConnectionConfig) -> str:
    """The address the Web Connector calls (localhost unless the local network is served)."""
    settings = KIND.effective(config.settings)
    port, lan = settings.get("port", DEFAULT_PORT), settings.get("lan_address", "")
    return f"https://{lan}:{port}/qbwc" if lan else f"http://localhost:{port}/qbwc"


def save_qwc(config: ConnectionConfig, path: str) -> str:
    """Write the connection's .qwc file to ``path`` (its FileID is the same every time)."""
    import uuid
    from pathlib import Path

    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.qwc import QwcSettings, build_qwc

    settings = KIND.effective(config.settings)
    file_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ecom-ledger-qbd:{config.id}:{config.name}"
                                   )).upper() + "}"
    target = Path(path)
    target.write_bytes(build_qwc(QwcSettings(
        endpoint_url(config), settings.get("username") or config.name, file_id,
        connection_label=config.name,
        run_every_minutes=int(settings.get("scheduler_minutes", "15") or 15))))
    return (f"Saved {target}: open it in the QuickBooks Web Connector on the QuickBooks computer "
            "(File > Add an application), allow access in QuickBooks (a dedicated QuickBooks user; "
            "\"allow access even if QuickBooks is not running\"), then type the Web Connector "
            "password in its Password column.")


KIND = ConnectionKind(
    name="qbd",
    role="ledger",
    system="QuickBooks Desktop",
    brand="QuickBooks",
    noun="company",
    where_to_find_key=(
        "QuickBooks Desktop (Enterprise, Premier, Pro) is reached through the QuickBooks Web "
        "Connector on the QuickBooks computer, which calls this app. After saving, save the "
        ".qwc file, open it in the Web Connector, and type the password the app shows once."),
    settings=(
        Setting("company_file", "Company file", r"C:\...\Company.QBW (empty: the open one)",
                help="the company file the Web Connector opens when QuickBooks is not running"),
        Setting("lan_address", "Local network address",
                "empty: only a Web Connector on this computer",
                help="serve the local network on this address (HTTPS, self-signed certificate)"),
        Setting("port", "Port", DEFAULT_PORT, default=DEFAULT_PORT, save_default=True,
                advanced=True, validate=_port_problem, help="the port the service listens on"),
        Setting("scheduler_minutes", "Update every (minutes)", "15", default="15",
                advanced=True, help="how often the Web Connector calls (written in the .qwc)"),
        Setting("username", "Web Connector user name", "the connection's name", advanced=True,
                help="the user name in the .qwc file (default: the connection's name)"),
        Setting("tax_items", "Sales Tax items per rate", "8.25=CA Sales Tax; 8.875=NY Sales Tax",
                validate=_tax_items_problem,
                help="the QuickBooks Sales Tax item each store tax rate posts to"),
        Setting("zero_tax_item", "0 % Sales Tax item", "Out of State", default="Out of State",
                advanced=True, help="the 0 %% sales tax item on each form (the store's tax is "
                                    "on its own lines)"),
        Setting("webconnector_password", "Web Connector password", secret=True, in_form=False,
                signed_in=True,
                issued_by="ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.signin:issue_password",
                help="env var holding the Web Connector password (default: "
                                     "one is issued and shown once)"),
    ),
    connects="web_connector",
    builder="ecom_ledger_desktop.connectors.ledgers.qbd.kind:build",
    demo_simulator="ecom_ledger_desktop.sandbox.qbd.demo_books:QbdDemoBooks",
    where_setting="company_file",
    advanced_caption="Port, schedule and user name",
    companion="ecom_ledger_desktop.connectors.ledgers.qbd.kind:companion",
    status_line="ecom_ledger_desktop.connectors.ledgers.qbd.presence:status_line",
    app_panel="ecom_ledger_desktop.app.views.qbd_panel:QbdConnectionPanel",
    actions={"save-qwc": ("save the .qwc file for the QuickBooks Web Connector to PATH",
                          "ecom_ledger_desktop.connectors.ledgers.qbd.kind:save_qwc")},
    # a store refund is a credit memo in QuickBooks Desktop, a payment a received payment
    document_labels={"refund_receipt": "Credit Memo", "payment": "Received payment",
                     "refund_payout": "Refund (paid out of the credit memo)"},
    refunds_paid_out=True,  # the credit memo's credit is paid back (ARRefundCreditCard)
)
