"""A connection kind is one declaration: no shared module branches on a kind's name, and a kind
declared only in a test is added, validated, listed and tested by the CLI and the admin code."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.cli import main
from ecom_ledger_desktop.connectors.base import CheckResult
from ecom_ledger_desktop.connectors.kinds import BuildContext, ConnectionKind, Setting, load
from ecom_ledger_desktop.connectors.registry import KINDS, ConnectorFactory, registered
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore
from ecom_ledger_desktop.sync.connections_admin import ConnectionFormError, ConnectionsAdmin

PACKAGE = Path(__file__).resolve().parents[2] / "ecom_ledger_desktop"
# the shared modules that must read declarations instead of naming kinds
SHARED = [*sorted((PACKAGE / "app").rglob("*.py")), *sorted((PACKAGE / "cli").rglob("*.py")),
          *sorted((PACKAGE / "sync").rglob("*.py")),
          *[p for p in sorted((PACKAGE / "connectors").glob("*.py")) if p.name != "registry.py"]]


class FakeStore:
    """What the test-only kind builds: "Test connection" says where it would connect."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key

    def check(self) -> list[CheckResult]:
        return [CheckResult("Shop answers", True, self.url),
                CheckResult("Key accepted", self.key == "acme-key-1", "")]

    def close(self) -> None:
        pass


def build(config: ConnectionConfig, secrets: SecretStore, context: BuildContext) -> FakeStore:
    return FakeStore(config.settings["shop_url"], secrets.get(config.name, "api_key") or "")


ACME = ConnectionKind(
    name="acmecart", role="store", system="Acme Cart", brand="Acme", noun="store",
    where_to_find_key="Acme back office › Settings › API keys: create a key, paste it here.",
    settings=(
        Setting("shop_url", "Shop address", "https://shop.example.com", required=True, url=True),
        Setting("region", "Data region", "eu or us", choices=("eu", "us"), default="eu",
                save_default=True),
        Setting("api_key", "API key", "from Settings › API keys", secret=True, required=True),
    ),
    connects="key", builder=f"{__name__}:build")


@pytest.fixture
def acme() -> Iterator[ConnectionKind]:
    with registered(ACME) as kind:
        yield kind


_ABOUT_CONNECTIONS = re.compile(r"connect|setup|config_commands|pair_commands|kind|service")


def _kind_names_in(path: Path) -> list[str]:
    """Where ``path`` compares with, or spells out, the name of a registered kind."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in KINDS:
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
        # also a kind this version lacks: `config.kind == "prestashop"` (in the modules about
        # connections: elsewhere "kind" is a document's or a line's)
        if _ABOUT_CONNECTIONS.search(path.name) and isinstance(node, ast.Compare) and any(
                isinstance(side, (ast.Name, ast.Attribute)) and _name(side) == "kind"
                for side in [node.left, *node.comparators]) and any(
                isinstance(side, ast.Constant) and isinstance(side.value, str)
                for side in [node.left, *node.comparators]):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: compares a kind's name")
    return found


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def test_no_shared_module_names_a_kind() -> None:
    assert SHARED and len(KINDS) >= 2
    offenders = [hit for path in SHARED for hit in _kind_names_in(path)]
    assert offenders == [], "read the kind's declaration (connectors/registry.py) instead"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            found.add(id(node.body[0].value))
    return found


def test_the_demo_app_cli_and_sync_name_no_store_in_code_or_words() -> None:
    """A store is chosen, named and described through its declaration: no store kind's name,
    brand or system appears in the strings of the demo, the app, the CLI or the sync code
    (docstrings may give examples)."""
    stores = [kind for kind in KINDS.values() if kind.role == "store"]
    words = {kind.name for kind in stores} | {kind.brand for kind in stores}
    modules = [PACKAGE / "demo.py", *sorted((PACKAGE / "app").rglob("*.py")),
               *sorted((PACKAGE / "cli").rglob("*.py")), *sorted((PACKAGE / "sync").rglob("*.py"))]
    offenders = []
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip and any(word in node.value for word in words):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert offenders == [], "read the store's declaration (brand, system, ...) instead"


def _strings_naming(modules: list[Path], words: set[str]) -> list[str]:
    offenders = []
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip and any(word in node.value for word in words):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    return offenders


def test_the_demo_app_cli_and_sync_name_no_ledger_kind_and_the_demo_no_ledger_brand() -> None:
    """The books are chosen through their declaration too: no ledger kind's name appears in the
    demo, the app, the CLI or the sync code (the default demo ledger is one constant in the
    registry), and the demo names no ledger's brand or system in its words."""
    ledgers = [kind for kind in KINDS.values() if kind.role == "ledger"]
    assert len(ledgers) >= 2
    modules = [PACKAGE / "demo.py", *sorted((PACKAGE / "app").rglob("*.py")),
               *sorted((PACKAGE / "cli").rglob("*.py")), *sorted((PACKAGE / "sync").rglob("*.py"))]
    offenders = _strings_naming(modules, {kind.name for kind in ledgers})
    brands = {kind.brand for kind in ledgers} | {kind.system for kind in ledgers}
    offenders += _strings_naming([PACKAGE / "demo.py", PACKAGE / "app" / "views" /
                                  "demo_choice.py"], brands)
    assert offenders == [], "read the ledger's declaration (connectors/registry.py) instead"


def test_no_connector_imports_the_registry() -> None:
    offenders = []
    for path in sorted((PACKAGE / "connectors").rglob("*.py")):
        if path.name == "registry.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("registry"):
                offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_reading_the_declarations_loads_no_http_or_oauth_library() -> None:
    code = ("import sys, ecom_ledger_desktop.connectors.registry as r\n"
            "assert r.KINDS\n"
            "print(sorted(m for m in ('httpx', 'authlib', 'pybreaker', 'tenacity') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secrets = MemorySecretStore()
    monkeypatch.setattr("ecom_ledger_desktop.cli.context.open_secret_store", lambda: secrets)
    monkeypatch.setenv("ACME_KEY", "acme-key-1")

    def run(*args: str) -> int:
        return main(["--data-dir", str(tmp_path / "data"), *args])

    run.secrets = secrets  # type: ignore[attr-defined]
    run.db = paths.database_path(tmp_path / "data")  # type: ignore[attr-defined]
    return run


def test_the_cli_takes_a_new_kinds_settings_from_its_declaration(acme, cli, capsys) -> None:
    # the declaration's validation: a wrong choice and a missing address are plain usage errors
    assert cli("connections", "add", "acme", "--kind", "acmecart", "--shop-url",
               "https://acme.example", "--region", "mars", "--api-key-env", "ACME_KEY") == 2
    assert "--region: choose one of eu, us" in capsys.readouterr().err
    assert cli("connections", "add", "acme", "--kind", "acmecart", "--api-key-env",
               "ACME_KEY") == 2
    assert "needs --shop-url (shop address)" in capsys.readouterr().err
    # another kind's option is refused rather than silently dropped
    assert cli("connections", "add", "acme", "--kind", "acmecart", "--shop-url",
               "https://acme.example", "--client-id", "x", "--api-key-env", "ACME_KEY") == 2
    assert "does not take --client-id" in capsys.readouterr().err

    assert cli("connections", "add", "acme", "--kind", "acmecart", "--shop-url",
               "https://acme.example/", "--api-key-env", "ACME_KEY") == 0
    capsys.readouterr()
    state = State(cli.db)
    try:
        config = state.connections.connection("acme")
    finally:
        state.close()
    assert config is not None and config.kind == "acmecart"
    assert config.settings == {"shop_url": "https://acme.example/", "region": "eu"}
    assert cli.secrets.get("acme", "api_key") == "acme-key-1"

    assert cli("--json", "connections", "list") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["kind"], c["role"]) for c in listed] == [("acme", "acmecart", "store")]
    assert cli("connections", "test", "acme") == 0
    assert "✓ Shop answers: https://acme.example/" in capsys.readouterr().out
    assert cli("connections", "remove", "acme") == 0
    assert cli.secrets.get("acme", "api_key") is None


def test_the_admin_validates_and_tests_a_new_kind_from_its_declaration(acme, tmp_path) -> None:
    secrets = MemorySecretStore()
    factory = ConnectorFactory()
    db = tmp_path / "db.sqlite3"
    admin = ConnectionsAdmin(lambda: State(db), secrets, store_factory=factory.store,
                             ledger_factory=factory.ledger)
    with pytest.raises(ConnectionFormError) as refused:
        admin.add("acme", "acmecart", {"shop_url": "acme", "region": "mars", "token": "x"}, {})
    assert refused.value.problems == {
        "shop_url": "'acme' is not a web address (it should start with https://)",
        "region": "choose one of eu, us, or leave it empty",
        "token": "this setting is not used by this kind of connection",
        "api_key": "the API key is needed"}
    added = admin.add("acme", "acmecart", {"shop_url": "https://acme.example"},
                      {"api_key": "wrong"})
    assert (added.role, added.status, added.settings["region"]) == ("store", "ok", "eu")
    assert added.secrets_set == {"api_key": True}
    report = admin.test("acme")
    assert not report.ok and [c.label for c in report.checks if not c.ok] == ["Key accepted"]
    assert admin.get("acme").status == "error"


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_every_declared_path_names_something_real(kind: ConnectionKind) -> None:
    paths_ = [kind.builder, kind.sign_in, kind.demo_simulator,
              kind.order_summary]
    assert all(callable(load(p)) or load(p) for p in paths_ if p)
    assert (kind.connects == "oauth_browser") == bool(kind.sign_in)
    assert kind.secrets and kind.form_fields and kind.where_to_find_key
    assert len({s.flag for s in kind.settings}) == len(kind.settings)


#: app/ and sync/ strings naming a ledger brand, per module: only the Web Connector panel, which
#: is QuickBooks Desktop's own page (shown for that kind alone), keeps its words
LEDGER_BRAND_STRINGS_LEFT = {"app/views/qbd_panel.py": 2}


def test_app_and_sync_words_take_the_ledger_brand_from_its_kind() -> None:
    """Where the books may be FreshBooks, the app and the sync code say the pair's ledger brand
    (``sync.error_details.ledger_brand``): the error queue's titles and lookups and the setup
    assistant's matches page and the rules form (its labels) name none; the modules not yet
    converted may not gain any."""
    ledgers = [kind for kind in KINDS.values() if kind.role == "ledger"]
    brands = {kind.brand for kind in ledgers} | {kind.system for kind in ledgers}
    modules = [*sorted((PACKAGE / "app").rglob("*.py")), *sorted((PACKAGE / "sync").rglob("*.py"))]
    counts: dict[str, int] = {}
    for offender in _strings_naming(modules, brands):
        where = offender.split(":", 1)[0]
        counts[where] = counts.get(where, 0) + 1
    grown = {where: n for where, n in counts.items() if n > LEDGER_BRAND_STRINGS_LEFT.get(where, 0)}
    assert grown == {}, "say the pair's ledger brand (its kind's declaration) instead"
    for converted in ("sync/error_details.py", "app/models/errors_model.py",
                      "app/views/setup_pages.py", "app/views/setup_assistant.py",
                      "app/views/pair_labels.py", "app/views/pair_form.py",
                      "app/views/error_queue.py"):
        assert converted not in counts, converted
