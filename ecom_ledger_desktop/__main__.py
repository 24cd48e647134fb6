"""``python -m ecom_ledger_desktop`` runs the command line."""

import sys

from ecom_ledger_desktop.cli import main

sys.exit(main())
