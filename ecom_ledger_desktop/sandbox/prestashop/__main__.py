"""``python -m ecom_ledger_desktop.sandbox.prestashop``: a seeded simulator on a fixed port."""

from __future__ import annotations

import argparse

from .simulator import PrestaShopSimulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timezone", default="America/New_York")
    args = parser.parse_args()
    sim = PrestaShopSimulator(seed=args.seed, seed_orders=args.orders, port=args.port,
                              timezone=args.timezone)
    print(f"PrestaShop simulator on {sim.base_url}/api (key {sim.token})")
    sim.server.serve_forever()


if __name__ == "__main__":
    main()
