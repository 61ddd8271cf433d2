"""Query parsing for the public feed: numbers, value lists and the bracket date ranges.

Everything follows pam-public-feed (`ElasticRequestBuilder`, `ValueFilter`, `DateFilter`) and
the search backend it queried (see nav-apis.md 1.3-1.5 and docs/fidelity.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from jobfakes.world.times import DAY, US, from_datetime

DEFAULT_SIZE = 20
MAX_SIZE = 100
OPEN_START, OPEN_END = -(2**62), 2**62  # `*`: the service used now -/+ 100 years
_INTERVAL = re.compile(r"([\[(])([^\]),]+)\s*,\s*([^\])]+)([\])])", re.ASCII)
_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?)?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?"
    r"(?:\[([A-Za-z0-9_/+-]{1,64})\])?",
    re.ASCII,
)
BAD_DATE = "Date is badly formatted"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class ParamError(ValueError):
    """Bad input; the message is the upstream's 400 body (plain text)."""


def java_int(raw: str) -> int:
    """`String.toInt()`: an optional sign and decimal digits (any script), within 32 bits;
    otherwise the 400 with Java's NumberFormatException message."""
    body = raw[1:] if raw[:1] in "+-" else raw
    digits = [unicodedata.decimal(c, None) for c in body]
    if not body or None in digits:
        raise ParamError(f'Bad numeric parameter value: For input string: "{raw}"')
    value = 0
    for digit in digits:
        value = value * 10 + digit  # type: ignore[operator]
    value = -value if raw[0] == "-" else value
    if not _INT_MIN <= value <= _INT_MAX:
        raise ParamError(f'Bad numeric parameter value: For input string: "{raw}"')
    return value


def java_trim(text: str) -> str:
    """Kotlin's `trim()` on these values: drops code points up to U+0020 at both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


@dataclass(frozen=True)
class Values:
    """A comma list; `negated` when the raw value starts with `!`."""

    values: tuple[str, ...]
    negated: bool


def value_list(raw: str | None, upper: bool = False) -> Values | None:
    """None when absent or empty (also a lone `!`)."""
    if raw is None:
        return None
    negated = raw.startswith("!")
    trimmed = java_trim(raw)
    if not (trimmed[1:] if trimmed.startswith("!") else trimmed):
        return None
    body = raw[1:] if negated else raw
    if upper:
        body = body.upper()
    parts = tuple(p for p in (java_trim(v) for v in body.split(",")) if p)
    return Values(parts, negated)


@dataclass(frozen=True)
class Instant:
    """A parsed date value: its instant and whether it names a whole day or second."""

    us: int
    has_time: bool
    has_fraction: bool

    def round_up(self) -> int:
        """The last microsecond the value covers (the search engine's rule for lte and gt)."""
        if not self.has_time:
            return self.us + DAY - 1
        return self.us if self.has_fraction else self.us + US - 1


@dataclass(frozen=True)
class DateRange:
    """A closed interval of microseconds."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high


def parse_date(text: str, now: int) -> Instant:
    """One date value: `now`, `today`, `yesterday`, `tomorrow`, or an ISO date or date-time
    with an optional offset and zone; without an offset it is UTC."""
    day = now - now % DAY
    literals = {
        "today": Instant(day, False, False),
        "yesterday": Instant(day - DAY, False, False),
        "tomorrow": Instant(day + DAY, False, False),
        "now": Instant(now, True, now % US != 0),
    }
    if text in literals:
        return literals[text]
    match = _DATE.fullmatch(text)
    if not match:
        raise ParamError(BAD_DATE)
    y, mo, d, h, mi, s, frac, zulu, sign, oh, om, os_, zone = match.groups()
    try:
        tz = UTC if zulu or not sign else _offset(sign, oh, om, os_)
        if zone is not None and sign is None and zulu is None:
            raise ValueError("a zone needs an offset")
        if zone is not None:
            ZoneInfo(zone)
        fraction = (frac or "").ljust(9, "0")[:9]
        moment = datetime(
            int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz
        ) + timedelta(microseconds=int(fraction) // 1000)
        return Instant(from_datetime(moment), h is not None, int(fraction) != 0)
    except (ValueError, OverflowError, KeyError, OSError):
        raise ParamError(BAD_DATE) from None


def _offset(sign: str, hours: str, minutes: str, seconds: str | None) -> timezone:
    total = int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
    if int(minutes) > 59 or int(seconds or 0) > 59 or total > 18 * 3600:
        raise ValueError("offset out of range")
    return timezone(timedelta(seconds=-total if sign == "-" else total))


def date_filter(raw: str | None, now: int) -> DateRange | None:
    """`[a,b]`, `[a,b)`, `(a,b]`, `(a,b)` with `*` for an open end, or a single value (that
    instant, or that whole day). None when absent or blank."""
    if raw is None or not java_trim(raw):
        return None
    interval = _INTERVAL.fullmatch(java_trim(raw))
    if interval is None:  # a single value: both ends inclusive, the raw text untrimmed
        return _range(raw, True, raw, True, now)
    opening, start, end, closing = interval.groups()
    return _range(java_trim(start), opening == "[", java_trim(end), closing == "]", now)


def _range(start: str, start_in: bool, end: str, end_in: bool, now: int) -> DateRange:
    if start == "*":
        low = OPEN_START
    else:
        first = parse_date(start, now)
        low = first.us if start_in else first.round_up() + 1
    if end == "*":
        high = OPEN_END
    else:
        last = parse_date(end, now)
        high = last.round_up() if end_in else last.us - 1
    return DateRange(low, high)


@dataclass(frozen=True)
class Filters:
    """The filters of one request (hashable: the key of a cached selection)."""

    published: DateRange | None = None
    updated: DateRange | None = None
    uuid: Values | None = None
    source: Values | None = None
    orgnr: Values | None = None
    category: Values | None = None
    county: Values | None = None
    municipal: Values | None = None


@dataclass(frozen=True)
class FeedQuery:
    size: int
    page: int  # as asked, before any clamp
    filters: Filters
    relative: bool  # uses now/today/...: the answer may change as the clock runs


def feed_query(args: MultiDict[str, str], now: int) -> FeedQuery:
    """Parse in the upstream's order: size, page, then the dates (numbers fail first)."""
    raw_size, raw_page = args.get("size"), args.get("page")
    size = min(max(java_int(raw_size), 1), MAX_SIZE) if raw_size is not None else DEFAULT_SIZE
    page = java_int(raw_page) if raw_page is not None else 0
    updated = date_filter(args.get("updated"), now)
    published = date_filter(args.get("published"), now)
    filters = Filters(
        published=published,
        updated=updated,
        uuid=value_list(args.get("uuid")),
        source=value_list(args.get("source")),
        orgnr=value_list(args.get("orgnr")),
        category=value_list(args.get("category")),
        county=value_list(args.get("county"), upper=True),
        municipal=value_list(args.get("municipal"), upper=True),
    )
    words = ("now", "today", "yesterday", "tomorrow")
    relative = any(w in (args.get(n) or "") for n in ("published", "updated") for w in words)
    return FeedQuery(size, page, filters, relative)
