"""Magento 2 / Adobe Commerce REST simulator (reference: stores_freshbooks.md PART A, G1)."""

from __future__ import annotations

from .seed_catalog import DEMO_CATALOG
from .simulator import Magento2Simulator

__all__ = ["DEMO_CATALOG", "Magento2Simulator"]
