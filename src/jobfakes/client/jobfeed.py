"""Reference client of the Textkernel Jobfeed API v3, with a query builder.

The builder turns Python values into the API's filter syntax::

    q = (Query()
         .where("profession", [227, 4980])                 # profession=227|4980
         .where("job:contract_type", 1)                    # job:contract_type=1
         .where("date", between("now-1y", "now"))          # date__range=now-1y__now
         .where("location", within("Amsterdam", 25))       # location__radius=Amsterdam__25
         .where("education_level", between(3, 8), negate=True)  # education_level__range__not=3__8
         .where("expiration_date", NOT_EXISTS)             # expiration_date=_not_exists
         .text("full_text", And(Or("transport", "auto"), "diesel", Not("java"))))

The client URL-encodes every value (so `2016-03-01||+1w` arrives intact), paces itself to
4 requests a second and 30 a minute, and waits out a 429's `Retry-After`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import requests

from jobfakes.client._http import (
    RETRY_STATUSES,
    Retryable,
    RetryPolicy,
    check,
    parsed,
    retrying_session,
)

MAX_WINDOW = 10_000
Value = str | int | float | bool | dt.date | None
_RESERVED = re.compile(r'([+\-=&|><!(){}\[\]^"~*?:\\/])')
EXISTS, NOT_EXISTS = "_exists", "_not_exists"


# ---- filter values ----------------------------------------------------------------------------
def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class Suffixed:
    """A filter value that needs a suffix on the field name (`__range`, `__radius`, ...)."""

    suffix: str
    text: str


def between(low: Value = None, high: Value = None) -> Suffixed:
    """`__range=low__high`; None leaves an end open. Dates, numbers or date math (`now-1M`)."""
    return Suffixed("range", f"{_value(low)}__{_value(high)}")


def within(place: str | int | tuple[float, float], km: float) -> Suffixed:
    """`__radius=place__km`: a place name, a location code, or (lat, lon)."""
    where = f"{place[0]},{place[1]}" if isinstance(place, tuple) else str(place)
    return Suffixed("radius", f"{where}__{km:g}")


def calendar(count: int, unit: str) -> Suffixed:
    """`__calendar=2m`: whole calendar months (m), quarters (q) or years (y) before today."""
    if unit not in ("m", "q", "y"):
        raise ValueError("calendar unit is m, q or y")
    return Suffixed("calendar", f"{count}{unit}")


def prefix(*starts: str) -> Suffixed:
    """`__prefix=a|b`: string fields starting with any of these."""
    return Suffixed("prefix", "|".join(starts))


def custom(*categories: int, level: int | None = None) -> Suffixed:
    """`__custom=ID` (or `__custom_1` / `__custom_2`): the account's custom categories."""
    return Suffixed(f"custom_{level}" if level else "custom", "|".join(map(str, categories)))


def exact(text: str) -> Suffixed:
    """`__exact=text` on job_title or organization_name."""
    return Suffixed("exact", text)


# ---- full text --------------------------------------------------------------------------------
class Text(ABC):
    """A full-text expression; `str(expr)` is the query."""

    @abstractmethod
    def render(self, inner: bool = False) -> str:
        """The query text (`inner`: inside a larger expression, so parenthesised if needed)."""

    def __str__(self) -> str:
        return self.render()


TextLike = Text | str


def _text(part: TextLike) -> Text:
    return part if isinstance(part, Text) else Term(part)


@dataclass(frozen=True)
class Term(Text):
    """One word, escaped; `wildcard=True` keeps `*` and `?` as wildcards."""

    word: str
    wildcard: bool = False

    def render(self, inner: bool = False) -> str:
        if self.wildcard:
            return "".join(c if c in "*?" else _RESERVED.sub(r"\\\1", c) for c in self.word)
        escaped = _RESERVED.sub(r"\\\1", self.word)
        return escaped if escaped.upper() not in ("AND", "OR", "NOT") else f'"{self.word}"'


@dataclass(frozen=True)
class Phrase(Text):
    """`"a b"`, or `"a b"~N` with `within=N` words between."""

    words: str
    within: int | None = None

    def render(self, inner: bool = False) -> str:
        body = '"' + self.words.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return body if self.within is None else f"{body}~{self.within}"


@dataclass(frozen=True)
class Fuzzy(Text):
    """`term~` or `term~N`: words within N edits."""

    word: str
    edits: int | None = None

    def render(self, inner: bool = False) -> str:
        return Term(self.word).render() + "~" + ("" if self.edits is None else str(self.edits))


@dataclass(frozen=True, init=False)
class And(Text):
    parts: tuple[Text, ...]

    def __init__(self, *parts: TextLike):
        object.__setattr__(self, "parts", tuple(_text(p) for p in parts))

    def render(self, inner: bool = False) -> str:
        body = " AND ".join(p.render(True) for p in self.parts)
        return f"({body})" if inner and len(self.parts) > 1 else body


@dataclass(frozen=True, init=False)
class Or(Text):
    parts: tuple[Text, ...]

    def __init__(self, *parts: TextLike):
        object.__setattr__(self, "parts", tuple(_text(p) for p in parts))

    def render(self, inner: bool = False) -> str:
        body = " OR ".join(p.render(True) for p in self.parts)
        return f"({body})" if inner and len(self.parts) > 1 else body


@dataclass(frozen=True)
class Not(Text):
    part: TextLike

    def render(self, inner: bool = False) -> str:
        return "NOT " + _text(self.part).render(True)


# ---- the query --------------------------------------------------------------------------------
@dataclass
class Query:
    """Filter parameters in order, built from Python values."""

    pairs: list[tuple[str, str]] = field(default_factory=list)

    def where(
        self,
        name: str,
        value: Value | Suffixed | Iterable[Value],
        negate: bool = False,
        intersect: bool = False,
    ) -> Query:
        """`name=value`; lists become `a|b`; `negate` adds `__not`, `intersect` `__and`."""
        suffixes: list[str] = []
        if isinstance(value, Suffixed):
            suffixes.append(value.suffix)
            text = value.text
        elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            text = "|".join(_value(v) for v in value)
        else:
            text = _value(value)  # type: ignore[arg-type]
        if intersect:
            suffixes.append("and")
        if negate:
            suffixes.append("not")
        self.pairs.append(("__".join([name, *suffixes]), text))
        return self

    def text(self, name: str, expression: TextLike, negate: bool = False) -> Query:
        """A full-text filter on a text field (`full_text`, `job_title`, ...)."""
        rendered = str(expression) if isinstance(expression, Text) else expression
        return self.where(name, rendered, negate=negate)


def _csv(items: Sequence[Any] | str | None) -> str | None:
    if items is None:
        return None
    if isinstance(items, str):
        return items
    return ",".join("" if i is None else str(i) for i in items)


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


# ---- the client -------------------------------------------------------------------------------
class JobfeedClient:
    """Calls /fields, /search, /aggregate and /count with Basic auth, within the rate limits."""

    def __init__(
        self,
        base_url: str,
        user: str,
        password: str,
        per_second: int | None = 4,
        per_minute: int | None = 30,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_429_retries: int = 5,
        retry: RetryPolicy | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.session = session or retrying_session(self.base_url)
        self.session.auth = (user, password)
        self.windows = [(n, s) for n, s in ((per_second, 1.0), (per_minute, 60.0)) if n]
        self.clock, self.sleep = clock, sleep
        self.max_429_retries = max_429_retries
        self._sent: deque[float] = deque()
        self.retry = retry or RetryPolicy(sleep=sleep)

    def _pace(self) -> None:
        """Wait until one more request fits in every window."""
        while True:
            now = self.clock()
            wait = 0.0
            for amount, seconds in self.windows:
                recent = [t for t in self._sent if t > now - seconds]
                if len(recent) >= amount:
                    wait = max(wait, recent[-amount] + seconds - now)
            if wait <= 0:
                break
            self.sleep(wait)
        now = self.clock()
        self._sent.append(now)
        longest = max((s for _, s in self.windows), default=0.0)
        while self._sent and self._sent[0] <= now - longest:
            self._sent.popleft()

    def _call(self, endpoint: str, params: list[tuple[str, str]], post: bool = False) -> Any:
        url = f"{self.base_url}/api/v3/{endpoint}"
        for _ in range(self.max_429_retries + 1):
            response, body = self.retry.run(lambda: self._attempt(url, params, post), endpoint)
            if response.status_code != 429:
                check(response)
                return body
            self.sleep(float(response.headers.get("Retry-After", "1")))
        return check(response).json()

    def _attempt(
        self, url: str, params: list[tuple[str, str]], post: bool
    ) -> tuple[requests.Response, Any]:
        """One paced exchange: a 5xx, a dropped connection or a body that does not decode is
        `Retryable`; the answer and its decoded body otherwise."""
        self._pace()
        if post:
            response = self.session.post(url, data=params, timeout=60)
        else:
            response = self.session.get(url, params=params, timeout=60)
        if response.status_code in RETRY_STATUSES:
            raise Retryable(f"{response.status_code} from {url}")
        if response.status_code >= 400:
            return response, None
        return response, parsed(orjson.loads, response)

    @staticmethod
    def _params(query: Query | None, **options: str | None) -> list[tuple[str, str]]:
        pairs = [(f"_{k}", v) for k, v in options.items() if v is not None]
        return pairs + (list(query.pairs) if query else [])

    def fields(
        self, field: str | None = None, values: Sequence[Any] | None = None,
        language: str | None = None, get_all: bool | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """The field catalogue (/fields)."""
        params = self._params(
            None, field=field, values=_csv(values), language=language, get_all=_flag(get_all)
        )
        result: dict[str, Any] = self._call("fields", params)
        return result

    def search(
        self,
        query: Query | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        sort: Sequence[str] | str | None = None,
        sortdir: Sequence[str] | str | None = None,
        fields: Sequence[str] | str | None = None,
        facets: Sequence[str] | str | None = None,
        facets_limit: Sequence[int | None] | str | None = None,
        labels: bool | None = None,
        language: str | None = None,
        snippets: bool | None = None,
        matching_postings: bool | None = None,
        post: bool = False,
    ) -> dict[str, Any]:
        """One page of /search: `{"total_count", "results"[, "facets"]}`."""
        params = self._params(
            query,
            limit=None if limit is None else str(limit),
            offset=None if offset is None else str(offset),
            sort=_csv(sort), sortdir=_csv(sortdir), fields=_csv(fields), facets=_csv(facets),
            facets_limit=_csv(facets_limit), labels=_flag(labels), language=language,
            snippets=_flag(snippets), matching_postings=_flag(matching_postings),
        )  # fmt: skip
        result: dict[str, Any] = self._call("search", params, post)
        return result

    def iter_search(
        self, query: Query | None = None, page_size: int = 100, **options: Any
    ) -> Iterator[dict[str, Any]]:
        """Every result, page by page, up to the API's window of 10000."""
        offset = 0
        while offset < MAX_WINDOW:
            limit = min(page_size, MAX_WINDOW - offset)
            page = self.search(query, limit=limit, offset=offset, **options)
            yield from page["results"]
            offset += limit
            if len(page["results"]) < limit or offset >= page["total_count"]:
                return

    def aggregate(
        self,
        query: Query | None = None,
        *,
        group: Sequence[str] | str | None = None,
        metric: str | None = None,
        limit: Sequence[int | None] | int | None = None,
        offset: Sequence[int | None] | int | None = None,
        sort: Sequence[str] | str | None = None,
        sortdir: Sequence[str] | str | None = None,
        totals: bool | None = None,
        labels: bool | None = None,
        language: str | None = None,
        post: bool = False,
    ) -> list[dict[str, Any]]:
        """/aggregate rows as dicts keyed by the header row."""
        params = self._params(
            query, group=_csv(group), metric=metric,
            limit=_csv([limit] if isinstance(limit, int) else limit),
            offset=_csv([offset] if isinstance(offset, int) else offset),
            sort=_csv(sort), sortdir=_csv(sortdir), totals=_flag(totals), labels=_flag(labels),
            language=language,
        )  # fmt: skip
        rows = self._call("aggregate", params, post)
        header = rows[0]
        return [dict(zip(header, row, strict=True)) for row in rows[1:]]

    def count(self, query: Query | None = None, group: str | None = None) -> int:
        """Matching jobs; postings with `group="posting"`; distinct values of a field."""
        return int(self._call("count", self._params(query, group=group))["count"])
