"""Frozen entry point of the desktop app (``Ecom Ledger``); ``build.spec`` bundles it."""

import sys

from ecom_ledger_desktop.app.main import main

sys.exit(main())
