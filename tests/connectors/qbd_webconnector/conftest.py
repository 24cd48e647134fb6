"""A running Web Connector endpoint on loopback for the SOAP tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import WebConnectorServer
from tests.connectors.qbd_webconnector.support import Rig, make_rig


@pytest.fixture
def rig() -> Rig:
    return make_rig()


@pytest.fixture
def server(rig: Rig) -> Iterator[WebConnectorServer]:
    with WebConnectorServer(rig.service) as running:
        yield running
