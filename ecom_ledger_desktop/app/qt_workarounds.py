"""Work-arounds for bugs of the Qt binding that would otherwise end the app.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference for it, so
every emit anywhere costs ``True`` one reference. ``True`` starts with a few thousand; once they
are gone the interpreter aborts ("bool_dealloc: deallocating True or False") — a long sync, or
a tray app left running for a day, reaches that. ``shield_true`` detects the leak with a probe
and, only then, gives ``True`` a reserve of references that no session can use up. That is
harmless: ``True`` is never freed anyway (Python 3.12 makes it immortal the same way, and there
the probe finds nothing to fix).
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
PROBES = 64
RESERVE = 1 << 40  # references; about 35 years of 1,000 emits a second


class _Probe(QObject):
    ping = Signal()


def emit_leaks_true() -> bool:
    """Whether emitting a signal loses a reference to ``True`` (the PySide6 6.12.0 bug)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= PROBES


def shield_true() -> bool:
    """Give ``True`` its reserve if emits leak it (CPython only); whether it was needed."""
    if sys.implementation.name != "cpython" or not emit_leaks_true():
        return False
    refcount = ctypes.c_ssize_t.from_address(id(True))
    refcount.value += RESERVE
    log.warning("this PySide6 loses a reference to True on every signal emit; "
                "compensated (upgrade or downgrade PySide6 to be rid of it)")
    return True
