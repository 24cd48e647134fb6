"""What the demo needs from the FreshBooks simulator (the ledger side of the demo's protocol, see
``ecom_ledger_desktop.demo``): a demo business, its books seeded from the store's catalogue, and
a connection to it."""

from __future__ import annotations

from typing import Any, Self

from ecom_ledger_desktop.sandbox.server import SimClock

from .oauth import OAuthServer

DEMO_BUSINESS = "Demo Goods"
#: the buyer the books know twice (the demo store has an order by them): FreshBooks allows two
#: clients with one email, so the connector must ask which one
DUPLICATE_BUYER = ({"email": "jordan.rivera@example.com", "fname": "Jordan", "lname": "Rivera",
                    "organization": "Jordan Rivera"},
                   {"email": "jordan.rivera@example.com", "fname": "Jordan", "lname": "Rivera",
                    "organization": "Rivera Design"})


class FreshBooksDemo:
    """Mixed into ``FreshBooksSimulator``: the demo protocol's methods."""

    client_id: str
    account_id: str
    business_name: str
    oauth: OAuthServer

    @property
    def base_url(self) -> str:  # pragma: no cover - the simulator's own
        raise NotImplementedError

    def issue_tokens(self) -> dict[str, Any]:  # pragma: no cover - the simulator's own
        raise NotImplementedError

    def add(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def for_demo(cls, *, client_id: str, client_secret: str, redirect_uri: str,
                 time_scale: float = 1.0, limits: bool = True) -> Self:
        """The demo's business (not started); ``limits``: FreshBooks throttles only on demand."""
        del limits
        return cls(client_id, client_secret, (redirect_uri,),  # type: ignore[call-arg]
                   business_name=DEMO_BUSINESS, clock=SimClock(scale=time_scale))

    def seed_demo_books(self, catalog: list[dict[str, Any]]) -> None:
        """Items for the store's products ``{sku, name, price, qty?}``, and the buyer the books
        know twice."""
        for product in catalog:
            self.add("items", {"name": product["name"], "sku": product["sku"],
                               "unit_cost": {"amount": str(product["price"])},
                               "inventory": str(product.get("qty", 100))})
        for client in DUPLICATE_BUYER:
            self.add("clients", dict(client))

    def demo_connection(self) -> tuple[dict[str, str], dict[str, str]]:
        """(settings, secrets) of a connection to this business, named as the FreshBooks kind
        names them; the refresh token is a fresh one (FreshBooks' are single-use)."""
        base = self.base_url
        settings = {"client_id": self.client_id, "redirect_uri": self.oauth.redirect_uris[0],
                    "api_base": base, "auth_url": f"{base}/oauth/authorize",
                    "token_url": f"{base}/auth/oauth/token", "account_id": self.account_id,
                    "business_name": self.business_name}
        return settings, {"client_secret": str(self.oauth.client_secret),
                          "refresh_token": str(self.issue_tokens()["refresh_token"])}
