"""If-Modified-Since as the feed reads it: java.time's `DateTimeFormatter.RFC_1123_DATE_TIME`.

That formatter takes `[EEE, ]d MMM yyyy HH:mm[:ss] (GMT|+HHMM)`, names in English in any
case, and resolves SMART: a day past the month's end (up to 31) becomes its last day, and a
weekday that is not the date's fails. Anything else (`UTC`, `Z`, `+01:00`, RFC 850, asctime)
fails, and the feed then ignores the header. Java's lenient number widths (a 2-digit year is
year 24) are not copied: such headers are ignored here (docs/fidelity.md).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from jobfakes.world.times import from_datetime

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FORM = re.compile(
    r"(?:(?P<dow>[a-z]{3}), )?(?P<day>\d{1,2}) (?P<month>[a-z]{3}) (?P<year>\d{4})"
    r" (?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d))? (?P<offset>gmt|[+-]\d{4})",
    re.IGNORECASE | re.ASCII,
)


def parse(text: str | None) -> int | None:
    """The instant in microseconds, or None where Java's parser throws."""
    found = _FORM.fullmatch(text or "")
    if found is None:
        return None
    part = found.groupdict()
    month = part["month"].lower()
    if month not in _MONTHS:
        return None
    year, number, day = int(part["year"]), _MONTHS.index(month) + 1, int(part["day"])
    hour, minute, second = int(part["hour"]), int(part["minute"]), int(part["second"] or 0)
    if year < 1 or not 1 <= day <= 31 or hour > 23 or minute > 59 or second > 59:
        return None
    day = min(day, calendar.monthrange(year, number)[1])  # ResolverStyle.SMART
    offset = _offset(part["offset"])
    if offset is None:
        return None
    local = datetime(year, number, day, hour, minute, second, tzinfo=UTC)
    if part["dow"] is not None and part["dow"].lower() != _DAYS[local.weekday()]:
        return None
    try:
        return from_datetime(local - offset)
    except OverflowError:  # before year 1 in UTC
        return None


def _offset(text: str) -> timedelta | None:
    """`GMT` or `+HHMM` (ZoneOffset: hours up to 18, minutes up to 59)."""
    if text.lower() == "gmt":
        return timedelta(0)
    hours, minutes = int(text[1:3]), int(text[3:5])
    if minutes > 59 or hours > 18 or (hours == 18 and minutes):
        return None
    size = timedelta(hours=hours, minutes=minutes)
    return -size if text[0] == "-" else size
