"""An X-Cart shop simulator: the 5.x REST API add-on and the 5.5+ API (``simulator.py``)."""

from .simulator import XCartSimulator

__all__ = ["XCartSimulator"]
