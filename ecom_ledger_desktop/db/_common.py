"""Small helpers shared by the repositories."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """An aware datetime as ISO-8601 text in UTC (sortable)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    """The inverse of ``iso``."""
    return datetime.fromisoformat(text)
