"""``python -m ecom_ledger_desktop.app``: the desktop app."""

import sys

from ecom_ledger_desktop.app.main import main

sys.exit(main())
