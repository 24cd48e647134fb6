"""The corpus runs on the sync tests' bench: a real Magento and QuickBooks simulator on loopback."""

from tests.sync.conftest import bench

__all__ = ["bench"]
