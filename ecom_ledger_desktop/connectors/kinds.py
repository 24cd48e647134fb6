"""What a connection kind is, declared once by its connector package (``<package>/kind.py``).

A declaration says which side it is (store or ledger), how it is named in plain words and where
the merchant finds its key, its settings and secrets (labels, defaults, validation), how it
connects, how to build its connector (a dotted path, imported only when a connector is built:
reading a declaration never loads httpx or authlib; "Test connection" is the built connector's
``check()``), and its demo simulator (a dotted path too: connectors never import
``sandbox``). The CLI, the app and the admin code read these
declarations; ``connectors.registry`` maps each kind's name to its declaration.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from ecom_ledger_desktop.core.errors import FatalError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ecom_ledger_desktop.connectors.http import RetryPolicy
    from ecom_ledger_desktop.core.clock import Clock
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore

Role = Literal["store", "ledger"]
#: "key": settings plus a secret pasted in; "oauth_browser": the merchant signs in in a browser
#: and a refresh token is kept; "web_connector": the ledger pulls from us (QuickBooks Desktop)
Connects = Literal["key", "oauth_browser", "web_connector"]
T = TypeVar("T")


@dataclass(frozen=True)
class Setting:
    """One setting or secret of a kind.

    ``label`` names it in forms and messages; ``placeholder`` is the example shown in an empty
    field; ``help`` is the CLI's help text. ``default`` applies when the setting is empty (and is
    saved with the connection when ``save_default``). ``validate`` returns why a value is wrong
    ("" when fine). ``signed_in`` marks what signing in fills (a refresh token, a company id):
    not asked in the app's form, but needed when a connection is added without the browser.
    ``cli_flag`` defaults to ``--name-with-dashes`` (``--name-with-dashes-env`` for a secret).
    """

    name: str
    label: str
    placeholder: str = ""
    help: str = ""
    default: str = ""
    save_default: bool = False
    required: bool = False
    secret: bool = False
    advanced: bool = False
    in_form: bool = True
    signed_in: bool = False
    url: bool = False
    choices: tuple[str, ...] = ()
    validate: Callable[[str], str] | None = None
    cli_flag: str = ""
    #: a secret the app makes when none is given: "module:function(secrets, connection) -> value"
    #: (it is saved in the keyring and shown once, e.g. the Web Connector password)
    issued_by: str = ""

    @property
    def flag(self) -> str:
        """The ``connections add`` option that carries it (a secret: its environment variable)."""
        if self.cli_flag:
            return self.cli_flag
        return f"--{self.name.replace('_', '-')}" + ("-env" if self.secret else "")

    @property
    def words(self) -> str:
        """The label inside a sentence: "the shop address is needed"."""
        if len(self.label) > 1 and self.label[1].isupper():
            return self.label  # an acronym: "API address"
        return self.label[:1].lower() + self.label[1:]

    def problem(self, value: str) -> str:
        """Why ``value`` cannot be used ("" when it can); empty values are not checked here."""
        if not value:
            return ""
        if self.url:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return f"'{value}' is not a web address (it should start with https://)"
        if self.choices and value not in self.choices:
            return f"choose one of {', '.join(self.choices)}, or leave it empty"
        return self.validate(value) if self.validate else ""


class BuildContext(Protocol):
    """What a builder gets from the factory besides the connection: retries, clock, lock folder,
    and caches that outlive one run (token holders, what a company or store is)."""

    policy: RetryPolicy | None
    clock: Clock | None
    lock_dir: Path | None

    def cached(self, key: tuple[str, ...], make: Callable[[], T]) -> T:
        """The object kept under ``key``, made on first use."""
        ...


class CompanionHost(Protocol):
    """What a kind's companion service gets from the app or ``ecom-ledger schedule``: where the
    data lives, the keyring, the clock, and a way to start (or queue) a pair's sync run."""

    @property
    def db_path(self) -> Path:
        """The database file."""
        ...

    @property
    def data_dir(self) -> Path:
        """The data folder."""
        ...

    @property
    def secrets(self) -> SecretStore:
        """The keyring."""
        ...

    @property
    def clock(self) -> Clock:
        """The clock."""
        ...

    def request_run(self, pair_id: int, trigger: str) -> Future[object]:
        """Run the pair as soon as possible (after its current run)."""
        ...


class Companion(Protocol):
    """A long-lived service a connection needs while the app runs (the Web Connector's SOAP
    endpoint for QuickBooks Desktop): a core-owned thread, never Qt."""

    def start(self) -> None:
        """Start serving (idempotent)."""
        ...

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        ...


@dataclass(frozen=True)
class ConnectionKind:
    """One kind of connection (see the module docstring)."""

    name: str
    role: Role
    system: str  # "Magento 2": what the service is called in full
    brand: str  # "Magento": in short sentences ("Add a Magento store", "Connect to QuickBooks")
    noun: str  # "store", "company"
    where_to_find_key: str  # the form's introduction, in plain words
    settings: tuple[Setting, ...]
    connects: Connects
    builder: str  # "package.module:function(config, secrets, context) -> connector"
    sign_in: str = ""  # oauth_browser: "module:function(name, settings, secrets, **kw) -> tokens"
    demo_simulator: str = ""  # "ecom_ledger_desktop.sandbox.<x>:<Simulator class>"
    #: defaults of a sandbox connection (e.g. the vendor's sandbox API address)
    sandbox_defaults: Mapping[str, str] = field(default_factory=dict)
    #: the setting that says where it connects (default: its first required address)
    where_setting: str = ""
    #: the form's switch that shows the advanced settings
    advanced_caption: str = "More settings"
    #: stores: "module:function(raw: str) -> connectors.summary.OrderSummary | None", the error
    #: queue's view of a staged raw order (none: the queue shows the order without its details)
    order_summary: str = ""
    #: oauth_browser: the redirect's query parameter naming the company signed in to (none:
    #: the provider says which after sign-in, through the token holder's ``signed_in_settings``)
    redirect_company: str = ""
    #: stores: where the back office lists orders ("Sales › Orders"), for "correct it in the store"
    orders_in_back_office: str = ""
    #: "module:function(config, host: CompanionHost) -> Companion": a service each connection of
    #: this kind runs while the app (or ``ecom-ledger schedule``) runs
    companion: str = ""
    #: what a merchant can do with a connection of this kind besides add/test/remove:
    #: action name -> ("what it does", "module:function(config, value) -> message")
    actions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: "module:function(config, state, clock) -> str": one line about the connection's live
    #: state for ``ecom-ledger status`` and the app ("Web Connector last connected 3 h ago")
    status_line: str = ""
    #: "ecom_ledger_desktop.app.<module>:<Class>": the app's extra panel on this kind's
    #: connection card, ``Class(ctx, summary)`` with ``set_summary(summary)`` (Qt lives in app/)
    app_panel: str = ""
    #: stores: the store's own codes of its offline payment methods (money paid outside the shop,
    #: which may never come) in plain words, {"checkmo": "check / money order"}. The connector
    #: marks such orders (``Order.payment_offline``); a new pair's rules post them only once
    #: paid, keyed by these codes, and the rules' summary names them in these words.
    offline_payments: Mapping[str, str] = field(default_factory=dict)
    #: ledgers: what this ledger calls the engine's document kinds, where its words differ
    #: from QuickBooks Online's ({"sales_receipt": "Paid invoice"}); messages, the undo preview
    #: and the history say them (``sync/document_words.py``)
    document_labels: Mapping[str, str] = field(default_factory=dict)
    #: ledgers: what an undo does, in this ledger's words where they differ from QuickBooks
    #: Online's: "void" / "voided" (FreshBooks deletes) and "inactive" (FreshBooks archives)
    undo_words: Mapping[str, str] = field(default_factory=dict)
    #: ledgers: a posting rule's choice in this ledger's words where it works differently there,
    #: (rule, value) -> words: {("summary_lines", "income"): "one sales line per tax treatment
    #: (its items have no income account)"}; the rules form and ``rules set`` say them
    rule_words: Mapping[tuple[str, str], str] = field(default_factory=dict)
    #: ledgers: a refund document leaves the money with the customer as a credit (QuickBooks
    #: Desktop's credit memo); the money going back is a pay-out of its own, journaled with the
    #: refund and sent once its document is posted (``sync/refund_payout.py``)
    refunds_paid_out: bool = False

    def a(self, words: str) -> str:
        """``words`` with its article: "a Magento store", "an Acme store"."""
        return f"{'an' if words[:1].upper() in 'AEIOU' else 'a'} {words}"

    @property
    def display_name(self) -> str:
        """"Magento 2 store", "QuickBooks Online company"."""
        return f"{self.system} {self.noun}"

    @property
    def secrets(self) -> tuple[Setting, ...]:
        """The secrets (kept in the keyring, never in the database)."""
        return tuple(s for s in self.settings if s.secret)

    @property
    def plain_settings(self) -> tuple[Setting, ...]:
        """The settings saved in the database."""
        return tuple(s for s in self.settings if not s.secret)

    @property
    def form_fields(self) -> tuple[Setting, ...]:
        """What the app's add/edit form asks, in order."""
        return tuple(s for s in self.settings if s.in_form)

    @property
    def renewed_secret(self) -> Setting:
        """The secret a merchant replaces when access stops working (a token)."""
        secrets = self.secrets
        return next((s for s in secrets if s.signed_in), secrets[0])

    def where(self, settings: Mapping[str, str]) -> str:
        """Where a connection of this kind connects, for its card: an address or "company 123"."""
        name = self.where_setting or next(
            (s.name for s in self.plain_settings if s.url and s.required), "")
        spec, value = self.setting(name), settings.get(name, "")
        if not value:
            return f"no {self.noun} connected yet"
        return value if spec is not None and spec.url else f"{self.noun} {value}"

    def setting(self, name: str) -> Setting | None:
        """The declared setting called ``name``."""
        return next((s for s in self.settings if s.name == name), None)

    def effective(self, settings: Mapping[str, str]) -> dict[str, str]:
        """``settings`` with every default filled in (sandbox defaults for a sandbox)."""
        values = {s.name: s.default for s in self.plain_settings if s.default}
        if settings.get("environment") == "sandbox":
            values.update(self.sandbox_defaults)
        values.update({k: v for k, v in settings.items() if v})
        return values

    def problems(self, settings: Mapping[str, str]) -> dict[str, str]:
        """Each declared setting's own problem (format, choices); not whether it is missing."""
        problems: dict[str, str] = {}
        for spec in self.plain_settings:
            why = spec.problem(settings.get(spec.name, "").strip())
            if why:
                problems[spec.name] = why
        return problems

    def build(self, config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> Any:
        """The live connector (its module is imported only now)."""
        return load(self.builder)(config, secrets, context)

    def companion_for(self, config: ConnectionConfig, host: CompanionHost) -> Companion | None:
        """The connection's companion service (not started), or None when the kind has none."""
        if not self.companion:
            return None
        made: Companion = load(self.companion)(config, host)
        return made


def load(dotted: str) -> Any:
    """The object named by ``"package.module:attribute"``."""
    module, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module), attribute)


def require_setting(config: ConnectionConfig, key: str) -> str:
    """A setting a connector cannot work without; a clear refusal when it is empty."""
    value = config.settings.get(key, "")
    if not value:
        raise FatalError(f"connection '{config.name}' has no {key.replace('_', ' ')}; set it with "
                         f"'ecom-ledger connections add {config.name} ...'")
    return value


def require_secret(config: ConnectionConfig, secrets: SecretStore, key: str) -> str:
    """A secret from the keyring; a clear refusal (and what to do) when it is not there."""
    value = secrets.get(config.name, key)
    if not value:
        hint = ("this demo connection only lives while 'ecom-ledger demo' runs" if config.demo
                else f"add it again with 'ecom-ledger connections add {config.name} ...'")
        raise FatalError(f"no {key.replace('_', ' ')} is stored for '{config.name}' "
                         f"({secrets.description}); {hint}")
    return value
