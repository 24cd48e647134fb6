"""What the demo needs from the QuickBooks Online simulator (the ledger side of the demo's
protocol, see ``ecom_ledger_desktop.demo``): a demo company, its books seeded from the store's
catalogue, and a connection to it."""

from __future__ import annotations

from typing import Any, Self

#: a US company with automated sales tax, as every new US company is
DEMO_PROFILE = "us_ast"


class QboDemo:
    """Mixed into ``QboSimulator``: the demo protocol's methods."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    realm_id: str

    @property
    def base_url(self) -> str:  # pragma: no cover - the simulator's own
        raise NotImplementedError

    def issue_tokens(self) -> dict[str, Any]:  # pragma: no cover - the simulator's own
        raise NotImplementedError

    def seed_items(self, items: list[dict[str, Any]]) -> None:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def for_demo(cls, *, client_id: str, client_secret: str, redirect_uri: str,
                 time_scale: float = 1.0, limits: bool = True) -> Self:
        """The demo's company (not started): a US company with automated sales tax, whose
        customers include Jordan Rivera twice (the duplicate-customer flow)."""
        return cls(client_id=client_id, client_secret=client_secret,  # type: ignore[call-arg]
                   redirect_uris=(redirect_uri,), time_scale=time_scale, limits=limits,
                   company_profile=DEMO_PROFILE)

    def seed_demo_books(self, catalog: list[dict[str, Any]]) -> None:
        """Inventory items for the store's products ``{sku, name, price, qty?}`` (the duplicate
        Jordan Rivera is in every seeded company already)."""
        self.seed_items([{"sku": p["sku"], "name": p["name"], "price": p["price"],
                          "qty": p.get("qty", 100)} for p in catalog])

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this company, named as the QuickBooks Online
        kind names them; the refresh token is a fresh one."""
        base = self.base_url
        settings = {"api_base": base, "realm_id": self.realm_id, "client_id": self.client_id,
                    "redirect_uri": self.redirect_uris[0], "environment": "sandbox",
                    "auth_url": f"{base}/connect/oauth2",
                    "token_url": f"{base}/oauth2/v1/tokens/bearer",
                    "revoke_url": f"{base}/v2/oauth2/tokens/revoke"}
        return settings, {"client_secret": self.client_secret,
                          "refresh_token": str(self.issue_tokens()["refresh_token"])}
