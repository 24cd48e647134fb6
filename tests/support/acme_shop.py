"""A store kind that exists only in tests, with a demo simulator: "Acme Shop" is the Magento
simulator and connector under another name, with settings and secrets named its own way. The demo,
the CLI, the app and the drivers must handle it from its declaration alone (nothing of theirs may
know Magento's setting names)."""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.connectors.kinds import BuildContext, ConnectionKind, Setting
from ecom_ledger_desktop.connectors.stores.magento2.kind import build as build_magento
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore


class AcmeShopSimulator(Magento2Simulator):
    """The Magento simulator, whose demo connection uses Acme's setting names."""

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        return {"shop_url": self.base_url}, {"api_key": self.token}


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> Any:
    """Magento's connector, from Acme's settings."""
    renamed = config.model_copy(update={"settings": {"base_url": config.settings["shop_url"],
                                                     "store_code": "default"}})
    keys = MemorySecretStore()
    keys.set(config.name, "token", secrets.get(config.name, "api_key") or "")
    return build_magento(renamed, keys, context)


ACME_SHOP = ConnectionKind(
    name="acmeshop", role="store", system="Acme Shop", brand="Acme", noun="store",
    where_to_find_key="In the Acme back office open Advanced › Webservice, add a key with "
                      "read access to orders and paste it here.",
    settings=(
        Setting("shop_url", "Shop address", "https://shop.example.com", required=True, url=True),
        Setting("api_key", "Webservice key", "from Advanced › Webservice", secret=True,
                required=True),
    ),
    connects="key", builder=f"{__name__}:build",
    demo_simulator=f"{__name__}:AcmeShopSimulator")
