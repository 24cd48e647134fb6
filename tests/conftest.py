"""Suite-wide set-up: headless Qt, a test keyring, and the shared reference folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the developer's real keyring: the in-memory backend of the test suite.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference`` (API digests, specs, captured payloads); skips where absent."""
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            f"reference material not found at {REFERENCE_DIR}: conformance checks need the "
            "shared/ folder beside the project checkout"
        )
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def reference_if_present() -> Path | None:
    """``../shared/reference`` when it is there, else None: for end-to-end tests that run either
    way and only check more (e.g. every qbXML request against the XSD) when it is present."""
    return REFERENCE_DIR if REFERENCE_DIR.is_dir() else None
