"""The frozen bundle: `build.spec` builds one folder whose two programs run without Python.

Slow (a PyInstaller build, about a minute on two cores): built once per session into a temporary
folder, then each test runs a program from it. PyInstaller is not a project dependency; the build
installs it into this environment when missing, and skips (saying why) when pip cannot get it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ecom_ledger_desktop import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
# Qt parts the app does not use: build.spec keeps them out
UNWANTED = ("Qt6WebEngine", "Qt6Quick", "Qt6Qml", "Qt63D", "Qt6Multimedia", "Qt6VirtualKeyboard",
            "QtWebEngine", "Qt3D", "QtMultimedia", "QtQuick", "QtQml")


def _ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyinstaller"],
                          check=False, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        pytest.skip("PyInstaller is not installed and pip could not install it (no access to the "
                    f"package index?): {done.stderr.strip()[-400:]}")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle, built once for the session."""
    _ensure_pyinstaller()
    out = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(ROOT / "build.spec")],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-4000:]
    folder = out / "dist" / "ecom-ledger"
    assert folder.is_dir(), list((out / "dist").iterdir())
    return folder


def _run(program: Path, *args: str, cwd: Path, timeout: float = 120
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ECOM_LEDGER_HOME": str(cwd / "home")}
    return subprocess.run([str(program), *args], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_both_programs_report_the_package_version(bundle: Path, tmp_path: Path) -> None:
    cli = _run(bundle / f"ecom-ledger{EXE_SUFFIX}", "--version", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip() == f"ecom-ledger {__version__}"
    app = _run(bundle / f"ecom-ledger-app{EXE_SUFFIX}", "--version", cwd=tmp_path)
    assert app.returncode == 0, app.stderr
    assert app.stdout.strip() == f"ecom-ledger-app {__version__}"


def test_the_frozen_cli_runs_a_headless_demo_sync(bundle: Path, tmp_path: Path) -> None:
    done = _run(bundle / f"ecom-ledger{EXE_SUFFIX}", "--json", "demo", "--orders", "20",
                cwd=tmp_path, timeout=240)
    assert done.returncode in (0, 3), done.stderr[-3000:]  # 3: records flagged for a person
    report = json.loads(done.stdout)
    assert report["summary"]["posted"] > 0
    assert report["summary"]["status"] in ("ok", "flagged")


def test_resources_and_keyring_ship_and_unused_qt_stays_out(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "resources" / "oauth-relay" / "index.html").is_file()
    assert any(internal.glob("keyring-*.dist-info/entry_points.txt"))  # how keyring finds backends
    assert any(internal.glob("PySide6/**/*Qt6Charts*"))  # the dashboard chart needs it
    unwanted = sorted(p.name for p in internal.rglob("*") if any(u in p.name for u in UNWANTED))
    assert not unwanted, f"unused Qt parts in the bundle: {unwanted[:10]}"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is how a POSIX session manager asks")
def test_the_frozen_app_starts_on_the_demo_and_quits_on_sigterm(bundle: Path,
                                                                 tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ECOM_LEDGER_HOME": str(tmp_path)}
    app = subprocess.Popen([str(bundle / "ecom-ledger-app"), "--demo", "--demo-orders", "20"],
                           cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            app.wait(timeout=6)  # still running: Qt, its plugins and the simulators all loaded
        app.send_signal(signal.SIGTERM)
        output, _ = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, output[-3000:]
