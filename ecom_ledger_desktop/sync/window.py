"""Where a changed-since window starts and how far the cursor may move, whatever the clocks say.

Three clocks meet here: the one that stamps ``updated_at`` in the shop (a MySQL session, maybe
not in UTC), the shop's ``Date`` header, and this computer's. Only like is compared with like:

- the cursor and the window are in the ``updated_at`` clock alone. A window starts ``look-back``
  before the cursor, so rows stamped in the cursor's second, or a little before it, but committed
  after the last read are read again. Rows read before and unchanged cost nothing (the engine
  skips a row whose raw copy is already journaled).
- "settled" is decided on this computer's clock alone: once a poll that began at least
  ``look-back`` after the cursor value was first seen has read the look-back window, every row
  stamped up to the cursor (its second included) was committed before that read and was read
  by it, and the shop stamps later changes in later seconds; so the next windows start at the
  second after the cursor's and an idle poll reads an empty page: one request, however many
  rows share the cursor's second (our own write-back comments touch a burst of orders at once).
- the cursor never moves past the later of this computer's and the shop's "now", so one row
  stamped in the future (bad data) cannot carry it past rows still to be written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ecom_ledger_desktop.db._common import iso
from ecom_ledger_desktop.db.cursors_repo import Cursor, CursorsRepo

#: The start date is a day in the store's time zone (its local midnight is up to 14 hours before
#: UTC's, in UTC+14), while ``updated_at`` is in UTC: the first window starts early enough for
#: the easternmost zone; the engine skips what it reads from before the store's start day.
EARLIEST_MIDNIGHT = timedelta(hours=14)
SECOND = timedelta(seconds=1)  # the resolution of the shop's ``updated_at``


def _held(stream: str) -> str:
    # value: when (this computer's clock) a full read first ended on the cursor value kept in
    # ids_at_value[0]
    return f"{stream}:held"


def _settled(stream: str) -> str:
    return f"{stream}:settled"  # value: a cursor value every row up to which has been read


def window_start(cursors: CursorsRepo, pair_id: int, stream: str, start_date: date,
                 look_back: timedelta) -> datetime:
    """The first ``updated_at`` this run's window asks for."""
    start = datetime.combine(start_date, time.min, tzinfo=UTC) - EARLIEST_MIDNIGHT
    cursor = cursors.get(pair_id, stream)
    if cursor is None:
        return start
    settled = cursors.get(pair_id, _settled(stream))
    if settled is not None and settled.value == cursor.value:
        return max(start, cursor.value.replace(microsecond=0) + SECOND)
    return max(start, cursor.value - look_back)


def read_in_full(cursors: CursorsRepo, pair_id: int, stream: str, began: datetime,
                 ended: datetime, look_back: timedelta) -> None:
    """A window was read to its end (``began``/``ended``: this computer's clock); call in a tx."""
    cursor = cursors.get(pair_id, stream)
    if cursor is None:
        return
    held = cursors.get(pair_id, _held(stream))
    if held is None or held.ids_at_value != [iso(cursor.value)]:
        cursors.set(pair_id, _held(stream), Cursor(ended, [iso(cursor.value)]))
    elif began - held.value >= look_back:
        cursors.set(pair_id, _settled(stream), Cursor(cursor.value, []))


def cursor_cap(run_start: datetime, store_now: datetime | None) -> datetime:
    """The latest value the cursor may take in this run."""
    return max(run_start, store_now) if store_now else run_start
