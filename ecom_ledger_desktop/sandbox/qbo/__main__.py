"""``python -m ecom_ledger_desktop.sandbox.qbo``: run the simulator in the foreground.

Prints one JSON line ``{"base_url", "realm_id", "client_id"}`` to stdout once listening.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from .profiles import DEFAULT_PROFILE, PROFILES
from .simulator import QboSimulator


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, start the simulator and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m ecom_ledger_desktop.sandbox.qbo")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--client-id", default="sim-client")
    parser.add_argument("--client-secret", default="sim-secret")
    parser.add_argument("--redirect-uri", action="append", default=None)
    parser.add_argument("--realm-id", default=None)
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--seed-items-json", type=Path, default=None)
    parser.add_argument("--company-profile", default=DEFAULT_PROFILE, choices=sorted(PROFILES))
    parser.add_argument("--home-currency", default=None)
    parser.add_argument("--no-multicurrency", action="store_true")
    args = parser.parse_args(argv)
    sim = QboSimulator(client_id=args.client_id, client_secret=args.client_secret,
                       redirect_uris=tuple(args.redirect_uri or ["http://127.0.0.1/callback"]),
                       realm_id=args.realm_id, time_scale=args.time_scale,
                       limits=not args.no_limits, port=args.port, host=args.host,
                       company_profile=args.company_profile, home_currency=args.home_currency,
                       multicurrency=not args.no_multicurrency)
    if args.seed_items_json is not None:
        sim.seed_items(json.loads(args.seed_items_json.read_text(encoding="utf-8")))
    sys.stdout.write(json.dumps({"base_url": sim.base_url, "realm_id": sim.realm_id,
                                 "client_id": sim.client_id}) + "\n")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        sim.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
