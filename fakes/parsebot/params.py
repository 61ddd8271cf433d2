"""Input parsing for parse.bot's nav.no scraper: query strings (GET) and JSON bodies (POST).

Both arrive as a mapping from a parameter name to its values; this module turns them into
typed queries, or raises `ParamError` naming the parameter (rendered as a 422 `stale_input`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobfakes.world.times import OSLO, from_datetime

SORTS = ("relevant", "published", "expires")
PUBLISHED_RANGES = ("now/d", "now-3d", "now-7d")
DEFAULT_SIZE = 25
MAX_SIZE = 100
MAX_WINDOW = 10_000  # arbeidsplassen refuses from + size beyond this
MAX_Q = 512  # characters
MAX_VALUES = 50  # values per filter
_INT = re.compile(r"\s*\+?\d{1,12}\s*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
FILTERS = ("extent", "remote", "sector", "counties", "municipals", "engagementType")

Raw = Mapping[str, list[Any]]


class ParamError(ValueError):
    """Bad input; names the parameter."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param


class WindowError(ValueError):
    """`from + size` beyond the search engine's result window."""


@dataclass(frozen=True)
class Filters:
    """The filters of a search; each an OR of values, AND-ed with the others."""

    extent: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    municipals: tuple[str, ...] = ()
    engagementType: tuple[str, ...] = ()
    published: str | None = None  # one of PUBLISHED_RANGES, or an ISO instant
    published_from: int | None = None  # microseconds for an ISO `published`


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    start: int = 0
    size: int = DEFAULT_SIZE
    sort: str = "relevant"
    filters: Filters = field(default_factory=Filters)


def _text(raw: Raw, name: str, limit: int = 1000) -> str | None:
    values = raw.get(name) or []
    if not values:
        return None
    if len(values) > 1 and name not in ("q",):
        raise ParamError(name, "give it once")
    parts = []
    for value in values:
        if not isinstance(value, str):
            raise ParamError(name, f"expected a string, got {type(value).__name__}")
        parts.append(value)
    text = " ".join(parts)
    if len(text) > limit:
        raise ParamError(name, f"at most {limit} characters, got {len(text)}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParamError(name, "not valid Unicode text (lone surrogate)") from None
    return text


def _integer(raw: Raw, name: str, default: int, low: int, high: int) -> int:
    values = raw.get(name) or []
    if not values:
        return default
    if len(values) > 1:
        raise ParamError(name, "give it once")
    value = values[0]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParamError(name, f"expected an integer, got {type(value).__name__}")
    if isinstance(value, str):
        if not _INT.fullmatch(value):
            raise ParamError(name, f"expected an integer from {low} to {high}, got {value[:40]!r}")
        value = int(value)
    if not low <= value <= high:
        raise ParamError(name, f"expected an integer from {low} to {high}, got {value}")
    return value


def _values(raw: Raw, name: str) -> tuple[str, ...]:
    """A filter's values: repeated, comma-separated or a JSON list of strings."""
    found: list[str] = []
    for value in raw.get(name) or []:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str):
                raise ParamError(name, f"expected strings, got {type(item).__name__}")
            found += [part.strip() for part in item.split(",") if part.strip()]
    if len(found) > MAX_VALUES:
        raise ParamError(name, f"at most {MAX_VALUES} values")
    for item in found:
        if len(item) > 200:
            raise ParamError(name, f"not a filter value: {item[:40]!r}")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            raise ParamError(name, "not valid Unicode text (lone surrogate)") from None
    return tuple(dict.fromkeys(found))


# arbeidsplassen's check of `published` (pam-stillingsok `query.ts`): one of its labels, or a
# string of this ISO 8601 form; any other value is silently dropped (no date filter).
_ISO_8601_DATE = re.compile(
    r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d)?(\.\d+)?(([+-]\d\d:\d\d)|Z)?)?)?)?", re.I
)


def published(text: str | None) -> tuple[str | None, int | None]:
    """`now/d`, `now-3d`, `now-7d`, or an ISO date or date-time (Oslo time without an offset;
    a year or a year and month alone mean their first day); anything else is ignored, as
    arbeidsplassen ignores it. A value of the ISO form that is no date is refused."""
    if text is None or text in PUBLISHED_RANGES:
        return text, None
    if not _ISO_8601_DATE.fullmatch(text):
        return None, None
    padded = text.upper() + ("-01-01" if len(text) == 4 else "-01" if len(text) == 7 else "")
    try:
        moment = datetime.fromisoformat(padded)
    except ValueError:
        raise ParamError("published", f"not a date: {text[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    try:
        return text, from_datetime(moment)
    except OverflowError:
        raise ParamError("published", f"date out of range: {text[:40]!r}") from None


def _first_published(raw: Raw) -> str | None:
    """The first `published` value (arbeidsplassen reads the first of repeated ones)."""
    values = raw.get("published") or []
    first = values[0] if values else None
    if isinstance(first, list):  # a JSON list
        first = first[0] if first else None
    if first is None:
        return None
    if not isinstance(first, str):
        raise ParamError("published", f"expected a string, got {type(first).__name__}")
    return first


def filters(raw: Raw) -> Filters:
    label, since = published(_first_published(raw))
    values = {name: _values(raw, name) for name in FILTERS}
    values["counties"] = tuple(v.upper() for v in values["counties"])
    values["municipals"] = tuple(v.upper() for v in values["municipals"])
    return Filters(**values, published=label, published_from=since)


def search_query(raw: Raw) -> SearchQuery:
    """The inputs of `search_jobs`; `WindowError` past the 10 000 result window."""
    start = _integer(raw, "from", 0, 0, 10**9)
    size = _integer(raw, "size", DEFAULT_SIZE, 1, MAX_SIZE)
    sort = _text(raw, "sort", 100) or "relevant"
    if sort not in SORTS:
        raise ParamError("sort", f"expected one of {', '.join(SORTS)}, got {sort[:40]!r}")
    query = SearchQuery(_text(raw, "q", MAX_Q) or "", start, size, sort, filters(raw))
    if start + size > MAX_WINDOW:
        raise WindowError("Pagination depth exceeds maximum allowed window")
    return query


def job_uuid(raw: Raw) -> str:
    """The `uuid` of `get_job_detail` (`id` is accepted too)."""
    text = _text(raw, "uuid", 100) or _text(raw, "id", 100)
    if text is None:
        raise ParamError("uuid", "required")
    if not _UUID.fullmatch(text.strip()):
        raise ParamError("uuid", f"not a UUID: {text[:40]!r}")
    return text.strip().lower()
