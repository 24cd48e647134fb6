"""The sync core runs headless: importing it never loads Qt."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "ecom_ledger_desktop.cli",
    "ecom_ledger_desktop.sync.engine",
    "ecom_ledger_desktop.sync.service",
    "ecom_ledger_desktop.sync.scheduler",
    "ecom_ledger_desktop.db.state",
    "ecom_ledger_desktop.sandbox.server",
]


def test_core_modules_do_not_import_pyside6() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt loaded by the core: {result.stdout}"


def test_no_module_outside_app_imports_pyside6_statically() -> None:
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "ecom_ledger_desktop"
    offenders = []
    for path in package.rglob("*.py"):
        if (package / "app") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in names):
                offenders.append(str(path.relative_to(package)))
    assert offenders == []
