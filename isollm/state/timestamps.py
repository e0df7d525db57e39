"""RFC 3339 timestamps exactly as Go's ``time.Time`` writes and reads them.

Go keeps nanoseconds; ``datetime`` keeps microseconds. A parsed timestamp is a
``Timestamp`` (a ``datetime``) that remembers the digits beyond the
microsecond, so a file written by the Go isollm round-trips byte for byte.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from isollm.schema.formats import rfc3339_parts

ZERO_TIME = "0001-01-01T00:00:00Z"


class Timestamp(datetime):
    """A timezone-aware ``datetime`` that also remembers its nanoseconds (0-999 beyond the microsecond)."""

    nanosecond: int = 0


def now() -> datetime:
    """The current time in UTC, as a new timestamp field defaults to."""
    return datetime.now(timezone.utc)


def is_zero(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0) and value.replace(tzinfo=None) == datetime(1, 1, 1) \
        and getattr(value, "nanosecond", 0) == 0


def parse_timestamp(text: str) -> datetime:
    """A ``Timestamp`` from RFC 3339 text (already checked by the schema's ``date-time`` format).

    Read by hand: Python 3.10's ``fromisoformat`` refuses ``Z`` and a fraction past microseconds."""
    match = rfc3339_parts(text)
    digits = (match["fraction"] or "")[:9].ljust(9, "0")
    if match["sign"]:
        offset = timedelta(hours=int(match["zhour"]), minutes=int(match["zminute"]))
        zone = timezone(-offset if match["sign"] == "-" else offset)
    else:
        zone = timezone.utc
    value = Timestamp(int(match["year"]), int(match["month"]), int(match["day"]), int(match["hour"]),
                      int(match["minute"]), int(match["second"]), int(digits[:6]), tzinfo=zone)
    value.nanosecond = int(digits[6:])
    return value


def format_timestamp(value: Any) -> Any:
    """Go's ``time.RFC3339Nano`` text: fraction without trailing zeros, ``Z`` for a zero offset.

    A naive ``datetime`` is taken as local time, as Python does elsewhere; a
    value that is not a ``datetime`` is returned as is, for the schema to refuse.
    """
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.astimezone()
    if (value.utcoffset() or timedelta(0)) % timedelta(minutes=1):
        # RFC 3339 offsets have no seconds (a historical zone such as +00:53:28): the same
        # instant in UTC, rather than an offset cut to the minute naming another instant.
        value = value.astimezone(timezone.utc)
    nanos = value.microsecond * 1000 + (getattr(value, "nanosecond", 0) % 1000)
    text = datetime.isoformat(value.replace(microsecond=0, tzinfo=None))
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    # isoformat ends with the offset as RFC 3339 writes it (+HH:MM): it has no seconds here.
    return text + ("Z" if not value.utcoffset() else datetime.isoformat(value)[-6:])
