"""Instants as integer microseconds since the Unix epoch (UTC), and their wire formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
US = 1_000_000
DAY = 86_400 * US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def to_datetime(us: int, tz: ZoneInfo | None = None) -> datetime:
    """The aware datetime of an instant, in UTC or the given zone."""
    moment = _EPOCH + timedelta(microseconds=us)
    return moment.astimezone(tz) if tz else moment


def from_datetime(moment: datetime) -> int:
    """Microseconds of an aware datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def parse_instant(text: str) -> int:
    """An ISO 8601 date or date-time; without an offset it is UTC. Raises ValueError."""
    from dateutil import parser  # imported on use: keeps start-up fast

    moment = parser.isoparse(text.strip())
    return from_datetime(moment)


def parse_duration(text: str) -> int:
    """An ISO 8601 duration such as PT6H or P2D, in microseconds. Raises ValueError."""
    import isodate  # imported on use: keeps start-up fast

    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, TypeError) as error:
        raise ValueError(f"not an ISO 8601 duration: {text!r}") from error
    if not isinstance(duration, timedelta):  # years and months have no fixed length
        raise ValueError(f"use days, hours, minutes or seconds, not years or months: {text!r}")
    return from_datetime(_EPOCH + duration)


def _offset(moment: datetime, colon: str) -> str:
    seconds = int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]
    sign, seconds = ("-", -seconds) if seconds < 0 else ("+", seconds)
    return f"{sign}{seconds // 3600:02d}{colon}{seconds % 3600 // 60:02d}"


@lru_cache(maxsize=131_072)  # a pure function of the instant; feed pages repeat instants
def iso_java(us: int, tz: ZoneInfo = OSLO) -> str:
    """Java's ISO_OFFSET_DATE_TIME: seconds always, fraction without trailing zeros.

    >>> iso_java(1_717_192_800_500_000)
    '2024-06-01T00:00:00.5+02:00'
    >>> iso_java(1_704_067_200_000_000, ZoneInfo("UTC"))
    '2024-01-01T00:00:00Z'
    """
    offset = _zone_offset(us // _HOUR, tz)
    if not offset:
        return iso_utc(us)
    sign, size = ("-", -offset) if offset < 0 else ("+", offset)
    return f"{_wall_clock(us + offset * US)}{sign}{size // 3600:02d}:{size % 3600 // 60:02d}"


def iso_utc(us: int) -> str:
    """UTC with a Z and no trailing zero fractions, as Jackson writes an Instant (arithmetic,
    not a datetime: feeds write it several times for every ad they serve).

    >>> [iso_utc(v) == iso_java(v, ZoneInfo("UTC")) for v in (1_733_594_807_864_900, 0, -1)]
    [True, True, True]
    >>> iso_utc(1_733_594_807_864_900)
    '2024-12-07T18:06:47.8649Z'
    """
    return f"{_wall_clock(us)}Z"


_HOUR = 3600 * US


@lru_cache(maxsize=65_536)
def _zone_offset(hour: int, tz: ZoneInfo) -> int:
    """The zone's UTC offset in seconds during an hour since the epoch. Per hour, because the
    zones the fakes write (Europe/Oslo, UTC) change offset on whole UTC hours only."""
    return int(to_datetime(hour * _HOUR, tz).utcoffset().total_seconds())  # type: ignore[union-attr]


def _wall_clock(us: int) -> str:
    """'YYYY-MM-DDTHH:MM:SS[.fraction]' of an instant read as UTC, by arithmetic."""
    day, rest = divmod(us, DAY)
    seconds, fraction = divmod(rest, US)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    text = f"{_utc_date(day)}T{hour:02d}:{minute:02d}:{second:02d}"
    return f"{text}{f'.{fraction:06d}'.rstrip('0')}" if fraction else text


@lru_cache(maxsize=65_536)
def _utc_date(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).date().isoformat()


@lru_cache(maxsize=65_536)
def rfc1123_java(us: int, tz: ZoneInfo = OSLO) -> str:
    """Java's RFC_1123_DATE_TIME: 'Sat, 1 Jun 2024 00:00:00 +0200' (day not padded).

    >>> rfc1123_java(1_704_067_200_000_000)
    'Mon, 1 Jan 2024 01:00:00 +0100'
    """
    moment = to_datetime(us, tz)
    offset = _offset(moment, "")
    zone = "GMT" if offset == "+0000" else offset
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment:%H:%M:%S} {zone}"
    )
