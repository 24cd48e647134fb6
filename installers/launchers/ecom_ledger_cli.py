"""Frozen entry point of the command line (``ecom-ledger``); ``build.spec`` bundles it."""

import sys

from ecom_ledger_desktop.cli import main

sys.exit(main())
