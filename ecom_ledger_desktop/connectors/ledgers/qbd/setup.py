"""What the app's QuickBooks Desktop connection panel shows, read off the GUI thread: the address
the Web Connector calls, the certificate (on the local network), the Web Connector's last
contact, and the setup steps in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecom_ledger_desktop.connectors.ledgers.qbd.kind import KIND, endpoint_url
from ecom_ledger_desktop.connectors.ledgers.qbd.presence import status_line
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.certificates import (
    CERT_NAME,
    KEY_NAME,
    CertificateProblem,
    check_certificate,
    trust_steps,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.endpoint import CERT_FOLDER
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig

STEPS = (
    "In QuickBooks, sign in as the administrator and create a dedicated user for this app "
    "(Company > Set Up Users and Passwords).",
    "Save the .qwc file and open it on the QuickBooks computer (QuickBooks Web Connector > Add "
    "an application).",
    "When QuickBooks asks, allow this app access \"even if QuickBooks is not running\" and "
    "choose the dedicated user.",
    "In the Web Connector, type the app's Web Connector password in the Password column, tick "
    "Auto-Run and leave it running: postings wait here until it calls.",
)


@dataclass(frozen=True)
class QbdSetup:
    """The panel's facts."""

    url: str
    certificate: str
    last_contact: str
    steps: tuple[str, ...]


def setup_facts(config: ConnectionConfig, db_path: Path, data_dir: Path, clock: Clock
                ) -> QbdSetup:
    """Read the facts (the database, the certificate file): call off the GUI thread."""
    url = endpoint_url(config)
    lan = KIND.effective(config.settings).get("lan_address", "")
    steps: tuple[str, ...] = STEPS
    if not lan:
        certificate = ("No certificate needed: only a Web Connector on this computer can reach "
                       "the app (set a local network address to reach QuickBooks on another "
                       "computer).")
    else:
        folder = data_dir / CERT_FOLDER
        try:
            info = check_certificate(folder / CERT_NAME, folder / KEY_NAME, lan, clock.now())
        except (CertificateProblem, OSError):
            certificate = ("The app makes its HTTPS certificate when its Web Connector service "
                           "starts; it then shows how to trust it on the QuickBooks computer.")
        else:
            certificate = info.status(clock.now())
            steps = (*trust_steps(info, url).splitlines(), *STEPS)
    state = State(db_path, clock)
    try:
        last = status_line(config, state, clock)
    finally:
        state.close()
    return QbdSetup(url, certificate, last, steps)
