"""The FreshBooks connection kind: what the CLI, the app and the admin code know about it."""

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
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore

API_BASE = "https://api.freshbooks.com"
AUTH_URL = "https://auth.freshbooks.com/oauth/authorize"
TOKEN_URL = "https://api.freshbooks.com/auth/oauth/token"  # noqa: S105 - a URL


def _tokens(config: ConnectionConfig, secrets: SecretStore, settings: dict[str, str],
            **options: Any) -> FreshBooksTokens:
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.oauth import FreshBooksTokens

    return FreshBooksTokens(config.name, settings.get("client_id", ""), secrets,
                            auth_url=settings["auth_url"], token_url=settings["token_url"],
                            **options)


def sign_in(config: ConnectionConfig, secrets: SecretStore, *, redirect_uri: str,
            **options: Any) -> FreshBooksTokens:
    """The token holder that signs ``config`` in through FreshBooks' consent page."""
    return _tokens(config, secrets, KIND.effective(config.settings), redirect_uri=redirect_uri,
                   **options)


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> PushLedger:
    """A ``FreshBooksLedger``; one token holder per connection for the process's life."""
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.ledger import FreshBooksLedger

    settings = KIND.effective(config.settings)
    require_secret(config, secrets, "refresh_token")
    client_id = require_setting(config, "client_id")
    account = require_setting(config, "account_id")
    tokens = context.cached(
        ("freshbooks-tokens", config.name, client_id, settings["token_url"], str(id(secrets))),
        lambda: _tokens(config, secrets, settings, redirect_uri=settings.get("redirect_uri", ""),
                        clock=context.clock, lock_dir=context.lock_dir))
    return FreshBooksLedger(tokens, account, api_base=settings["api_base"],
                            policy=context.policy, clock=context.clock,
                            business=settings.get("business_name", ""))


KIND = ConnectionKind(
    name="freshbooks",
    role="ledger",
    system="FreshBooks",
    brand="FreshBooks",
    noun="business",
    where_to_find_key=(
        "Enter the keys of your FreshBooks app (my.freshbooks.com › Developer Portal › your "
        "app). Its redirect address must be HTTPS without a query string. After saving, sign "
        "in to FreshBooks and pick the business to post to."),
    settings=(
        Setting("client_id", "Client id", "from your app in the FreshBooks Developer Portal",
                required=True, help="your FreshBooks app's client id"),
        Setting("client_secret", "Client secret", "from the same page", secret=True,
                required=True, help="env var holding your FreshBooks app's client secret"),
        Setting("redirect_uri", "Redirect address", "your HTTPS relay page", url=True,
                help="the redirect URI registered for your FreshBooks app"),
        Setting("api_base", "API address", API_BASE, default=API_BASE, advanced=True, url=True,
                help="the FreshBooks API address"),
        Setting("auth_url", "Sign-in address", AUTH_URL, default=AUTH_URL, advanced=True,
                url=True, help="FreshBooks' sign-in address"),
        Setting("token_url", "Token address", TOKEN_URL, default=TOKEN_URL, advanced=True,
                url=True, help="FreshBooks' token endpoint"),
        Setting("account_id", "Account id", in_form=False, signed_in=True,
                help="the FreshBooks account id of the business (signing in fills it)"),
        Setting("business_name", "Business", in_form=False, signed_in=True,
                help="the FreshBooks business's name (signing in fills it)"),
        Setting("refresh_token", "Refresh token", secret=True, in_form=False, signed_in=True,
                help="env var holding a refresh token (instead of signing in)"),
    ),
    connects="oauth_browser",
    builder="ecom_ledger_desktop.connectors.ledgers.freshbooks.kind:build",
    sign_in="ecom_ledger_desktop.connectors.ledgers.freshbooks.kind:sign_in",
    demo_simulator="ecom_ledger_desktop.sandbox.freshbooks:FreshBooksSimulator",
    where_setting="account_id",
    advanced_caption="Other addresses (for a test server)",
    # a sales receipt is an invoice paid at once; refunds of either kind are credit notes
    document_labels={"sales_receipt": "Paid invoice", "invoice": "Invoice",
                     "refund_receipt": "Credit note", "credit_memo": "Credit note",
                     "payment": "Payment"},
    undo_words={"void": "delete", "voided": "Deleted", "inactive": "archived"},
    # FreshBooks items carry no income account: a summary's income lines are per tax treatment
    rule_words={("summary_lines", "income"): "one sales line per tax treatment (FreshBooks "
                                             "items have no income account of their own)"},
)
