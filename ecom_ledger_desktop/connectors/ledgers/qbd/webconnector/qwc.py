"""The ``.qwc`` file the merchant opens in the QuickBooks Web Connector to add this app.

It names the endpoint (AppURL), the user name the Web Connector signs in with, and two GUIDs:
OwnerID, one per application (ours, fixed forever), and FileID, one per connection (made once and
kept with the connection so the Web Connector recognises the same company file later). The
password is never in the file: the merchant types it into the Web Connector.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.server import SUPPORT_PATH, is_loopback

APP_OWNER_ID = "{0FEBB07D-3432-4E97-A73E-AA25F8304E2A}"  # this application's OwnerID: never change it
APP_NAME = "ecom-ledger-desktop"
_GUID = re.compile(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")
MAX_DESCRIPTION = 80


class QwcProblem(ValueError):
    """The .qwc file would be refused by the Web Connector; ``str()`` says why."""


def new_file_id() -> str:
    """A fresh braced GUID for a connection's FileID (store it with the connection)."""
    return "{" + str(uuid.uuid4()).upper() + "}"


@dataclass(frozen=True)
class QwcSettings:
    """What goes into one connection's .qwc file."""

    app_url: str
    username: str
    file_id: str
    connection_label: str = ""  # e.g. the store name, so two .qwc files can be told apart
    app_support: str = ""  # "" = the endpoint's own support page
    description: str = "Posts online store orders, customers and items to QuickBooks"
    run_every_minutes: int = 15
    owner_id: str = APP_OWNER_ID
    read_only: bool = False
    unattended: bool = False  # True: the app insists on running while QuickBooks is closed
    auth_flags: str = ""  # "" = every QuickBooks edition; e.g. "0x8" for Enterprise only

    @property
    def app_name(self) -> str:
        """The name the Web Connector and QuickBooks' access prompt show."""
        return f"{APP_NAME} ({self.connection_label})" if self.connection_label else APP_NAME

    @property
    def support_url(self) -> str:
        """AppSupport: must be on the same host as AppURL."""
        if self.app_support:
            return self.app_support
        parts = urlsplit(self.app_url)
        return f"{parts.scheme}://{parts.netloc}{SUPPORT_PATH}"


def check(settings: QwcSettings) -> None:
    """Refuse what the Web Connector would refuse (QBWC1051 and friends), in plain words."""
    url = urlsplit(settings.app_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise QwcProblem(f"The endpoint address {settings.app_url!r} is not a web address.")
    if url.scheme == "http" and url.hostname != "localhost":
        raise QwcProblem("The Web Connector only accepts http:// for 'localhost'; use the HTTPS address "
                         "when QuickBooks runs on another computer.")
    if url.scheme == "https" and is_loopback(url.hostname) and url.hostname != "localhost":
        raise QwcProblem("Use 'localhost' for the Web Connector on this computer.")
    support = urlsplit(settings.support_url)
    if (support.hostname or "").lower() != url.hostname.lower():
        raise QwcProblem("The support address must be on the same host as the endpoint address.")
    for label, guid in (("OwnerID", settings.owner_id), ("FileID", settings.file_id)):
        if not _GUID.match(guid):
            raise QwcProblem(f"The {label} must be a GUID in braces, like "
                             "{57F3B9B1-86F1-4FCC-B1EE-566DE1813D20}.")
    if not settings.username.strip():
        raise QwcProblem("Choose the user name the Web Connector signs in with.")
    if len(settings.description) > MAX_DESCRIPTION:
        raise QwcProblem(f"The description is longer than {MAX_DESCRIPTION} characters.")
    if not 1 <= settings.run_every_minutes <= 24 * 60:
        raise QwcProblem("Run every 1 to 1,440 minutes.")


def build_qwc(settings: QwcSettings) -> bytes:
    """The .qwc document (UTF-8 XML, root ``QBWCXML``), checked first."""
    check(settings)
    root = etree.Element("QBWCXML")

    def add(tag: str, text: str, parent: etree._Element = root) -> etree._Element:
        node = etree.SubElement(parent, tag)
        node.text = text
        return node

    add("AppName", settings.app_name)
    add("AppID", "")
    add("AppURL", settings.app_url)
    add("AppDescription", settings.description)
    add("AppSupport", settings.support_url)
    add("UserName", settings.username)
    add("OwnerID", settings.owner_id)
    add("FileID", settings.file_id)
    add("QBType", "QBFS")
    scheduler = etree.SubElement(root, "Scheduler")
    add("RunEveryNMinutes", str(settings.run_every_minutes), scheduler)
    add("IsReadOnly", "true" if settings.read_only else "false")
    add("PersonalDataPref", "pdpNotNeeded")
    add("UnattendedModePref", "umpRequired" if settings.unattended else "umpOptional")
    if settings.auth_flags:
        add("AuthFlags", settings.auth_flags)
    add("Style", "Document")
    add("AppDisplayName", settings.app_name)
    add("AppUniqueName", f"{APP_NAME}-{settings.file_id.strip('{}').lower()}")
    # the declaration as the Web Connector's own examples write it (lxml would use single quotes)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(etree.tostring(root, encoding="utf-8",
                                                                            pretty_print=True))
