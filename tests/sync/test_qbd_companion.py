"""The app's background starts and stops each QuickBooks Desktop connection's Web Connector
service (a kind-declared companion: no kind branch in the core), and it answers the Web Connector."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import forget_mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.qbwc import WebConnectorSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.service import SyncService


def test_background_runs_the_web_connector_service_while_it_runs(tmp_path: Path) -> None:
    db = tmp_path / "ledger-sync.sqlite3"
    state = State(db)
    with state.tx():
        state.connections.add_connection(ConnectionConfig(name="desk", kind="qbd",
                                                          settings={"port": "0"}))
    state.close()
    secrets = MemorySecretStore()
    secrets.set("desk", PASSWORD_KEY, "pw")
    factory = ConnectorFactory()
    service = SyncService(db, secrets, store_factory=factory.store, ledger_factory=factory.ledger)
    background = Background(service)
    background.start()
    try:
        host = background.companions["desk"]
        assert host.endpoint.running  # type: ignore[attr-defined]
        with WebConnectorSimulator(host.url, "desk", "pw") as wc:  # type: ignore[attr-defined]
            assert wc.run_session().outcome == "no_work"  # signed in; nothing waits
            assert wc.run_session().outcome == "no_work"
        state = State(db)
        config = state.connections.connection("desk")
        state.close()
        assert config is not None
        checks = factory.ledger(config, secrets).check()  # "Test connection" in the app
        assert [(c.label, c.ok) for c in checks] == [("Web Connector service", True),
                                                     ("Web Connector", True)]
        assert checks[1].detail.startswith("Web Connector last connected just now")
        with WebConnectorSimulator(host.url, "desk", "wrong") as wc:  # type: ignore[attr-defined]
            assert wc.run_session().outcome == "nvu"
    finally:
        background.stop()
        forget_mailbox("desk")
    assert background.companions == {} and not host.endpoint.running  # type: ignore[attr-defined]
    state = State(db)
    try:  # what the Web Connector last did is kept for the next start
        assert state.ledger_names.presence(1)["condition"] == "wrong_password"
    finally:
        state.close()


def test_on_the_local_network_it_serves_https_with_its_own_certificate(tmp_path: Path) -> None:
    import ssl

    from ecom_ledger_desktop.connectors.ledgers.qbd.setup import setup_facts

    db = tmp_path / "ledger-sync.sqlite3"
    state = State(db)
    with state.tx():
        state.connections.add_connection(ConnectionConfig(
            name="desk", kind="qbd", settings={"port": "0", "lan_address": "127.0.0.1"}))
    state.close()
    secrets = MemorySecretStore()
    secrets.set("desk", PASSWORD_KEY, "pw")
    factory = ConnectorFactory()
    service = SyncService(db, secrets, store_factory=factory.store, ledger_factory=factory.ledger)
    background = Background(service)
    background.start_companions()
    try:
        host = background.companions["desk"]
        assert host.url.startswith("https://127.0.0.1:")  # type: ignore[attr-defined]
        cert = host.endpoint.certificate  # type: ignore[attr-defined]
        trust = ssl.create_default_context(cafile=str(cert.cert_path))
        with WebConnectorSimulator(host.url, "desk", "pw", verify=trust) as wc:  # type: ignore[attr-defined]
            assert wc.run_session().outcome == "no_work"
        state = State(db)
        try:
            config = state.connections.connection("desk")
        finally:
            state.close()
        assert config is not None
        facts = setup_facts(config, db, tmp_path, service.clock)
        assert facts.certificate.startswith("HTTPS certificate (self-signed) for 127.0.0.1")
        assert any("Trusted Root Certification Authorities" in step for step in facts.steps)
    finally:
        background.stop()
        forget_mailbox("desk")
