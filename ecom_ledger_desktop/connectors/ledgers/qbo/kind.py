"""The QuickBooks Online connection kind: what the CLI, the app and the admin code know about it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecom_ledger_desktop.connectors.kinds import (
    BuildContext,
    ConnectionKind,
    Setting,
    require_secret,
    require_setting,
)

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import PushLedger
    from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore

API_BASE = "https://quickbooks.api.intuit.com"
SANDBOX_API_BASE = "https://sandbox-quickbooks.api.intuit.com"
AUTH_URL = "https://appcenter.intuit.com/connect/oauth2"
TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"  # noqa: S105 - a URL
REVOKE_URL = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"


def sign_in(config: ConnectionConfig, secrets: SecretStore, *, redirect_uri: str,
            **options: Any) -> QboTokens:
    """The token holder that signs ``config`` in through Intuit's consent page (authlib: now)."""
    from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens

    settings = KIND.effective(config.settings)
    return QboTokens(config.name, settings["client_id"], secrets, company=config.name,
                     redirect_uri=redirect_uri, auth_url=settings["auth_url"],
                     token_url=settings["token_url"], revoke_url=settings["revoke_url"],
                     **options)


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> PushLedger:
    """A ``QboLedger`` for ``config``; one token holder per connection for the process's life."""
    from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger, QboTokens
    from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyCache

    settings = KIND.effective(config.settings)
    require_secret(config, secrets, "refresh_token")
    client_id = require_setting(config, "client_id")
    # access tokens live in memory for the life of the process, not of one run: a token
    # holder per connection is kept and reused (it refreshes itself when needed)
    tokens = context.cached(
        ("qbo-tokens", config.name, client_id, settings["token_url"], settings["auth_url"],
         settings.get("redirect_uri", ""), str(id(secrets))),
        lambda: QboTokens(config.name, client_id, secrets, company=config.name,
                          redirect_uri=settings.get("redirect_uri", ""),
                          auth_url=settings["auth_url"], token_url=settings["token_url"],
                          revoke_url=settings["revoke_url"], clock=context.clock,
                          lock_dir=context.lock_dir))
    # a simulator with a compressed clock says how much faster its minute runs
    scale = float(settings.get("limits_time_scale", "1") or 1)
    realm = require_setting(config, "realm_id")
    # what the company is (country, tax, currencies), read once per connection
    company = context.cached(("qbo-company", config.name, realm), CompanyCache)
    return QboLedger(tokens, realm, api_base=settings["api_base"], policy=context.policy,
                     clock=context.clock, limits_scale=scale,
                     batching=settings.get("batch_requests", "on") != "off", company=company)


KIND = ConnectionKind(
    name="qbo",
    role="ledger",
    system="QuickBooks Online",
    brand="QuickBooks",
    noun="company",
    where_to_find_key=(
        "Enter the keys of your Intuit app (developer.intuit.com › your app › Keys & "
        "credentials). Sandbox keys can send you back to this computer directly; production "
        "keys need the HTTPS relay page as their redirect address. After saving, sign in to "
        "QuickBooks to connect the company."),
    settings=(
        Setting("client_id", "Client id", "from your app's Keys & credentials at Intuit",
                required=True, help="your Intuit app's client id"),
        Setting("client_secret", "Client secret", "from the same page", secret=True,
                required=True, help="env var holding your Intuit app's client secret"),
        Setting("redirect_uri", "Redirect address",
                "http://localhost:8765/callback (sandbox) or your HTTPS relay page", url=True,
                help="the redirect URI registered for your Intuit app"),
        Setting("api_base", "API address", API_BASE, default=API_BASE, advanced=True, url=True,
                help="the QuickBooks API address"),
        Setting("auth_url", "Sign-in address", AUTH_URL, default=AUTH_URL, advanced=True,
                url=True, help="Intuit's sign-in address"),
        Setting("token_url", "Token address", "Intuit's token endpoint", default=TOKEN_URL,
                advanced=True, url=True, help="Intuit's token endpoint"),
        Setting("revoke_url", "Revoke address", "Intuit's revoke endpoint", default=REVOKE_URL,
                advanced=True, url=True, help="Intuit's revoke endpoint"),
        Setting("realm_id", "Company id", in_form=False, signed_in=True,
                help="the QuickBooks company id (realm id); signing in fills it"),
        Setting("refresh_token", "Refresh token", secret=True, in_form=False, signed_in=True,
                help="env var holding a refresh token (instead of signing in)"),
    ),
    connects="oauth_browser",
    builder="ecom_ledger_desktop.connectors.ledgers.qbo.kind:build",
    sign_in="ecom_ledger_desktop.connectors.ledgers.qbo.kind:sign_in",
    demo_simulator="ecom_ledger_desktop.sandbox.qbo:QboSimulator",
    # no seed of its own: the demo fills the books from the demo store's catalogue
    sandbox_defaults={"api_base": SANDBOX_API_BASE},
    where_setting="realm_id",
    redirect_company="realmId",
    advanced_caption="Other addresses (for a sandbox or a test server)",
)
